#include "gui/lang.hpp"

#include "util/i18n.hpp"

namespace sendpath::gui {

namespace {
// The GUI thread is the only reader and writer (views, menus, main loop).
std::string& lang_value() {
    static std::string lang(util::i18n::kEnglish);
    return lang;
}
}  // namespace

const std::string& ui_lang() { return lang_value(); }

void set_ui_lang(std::string lang) { lang_value() = std::move(lang); }

const char* T(const char* key) { return util::i18n::tr(ui_lang(), key).data(); }

std::string TF(const char* key, std::initializer_list<std::string_view> args) {
    return util::i18n::trf(ui_lang(), key, args);
}

}  // namespace sendpath::gui
