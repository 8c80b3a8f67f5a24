#include "gui/field_docs.hpp"

#include "gui/lang.hpp"

namespace sendpath::gui {

namespace {
std::string_view find(const std::vector<FieldText>& t, const model::FieldInfo& info) {
    if (ui_lang() == "zh_CN")
        for (const FieldText& e : t)
            if (e.name == info.name) return e.text;
    return info.doc;
}
}  // namespace

std::string_view sock_field_doc(model::SF f) { return find(sock_field_docs_zh_CN(), model::sock_field_info(f)); }
std::string_view skb_field_doc(model::KF f) { return find(skb_field_docs_zh_CN(), model::skb_field_info(f)); }

}  // namespace sendpath::gui
