// The one-sentence meaning of each socket and skb field (the hover text of
// Counters, skb queue, Pages) in the GUI's language.
//
// The English sentences are the model's own (core/model/state.hpp's field
// tables, FieldInfo::doc); the Chinese ones are keyed by field name here
// (field_docs_zh_CN.cpp), the way the event kinds' summaries are
// (trace/event_doc_i18n.hpp). `gui: every socket and skb field has a Chinese
// meaning` (tests/gui/test_i18n_gui.cpp) fails on a field without one.
#pragma once

#include <string_view>
#include <vector>

#include "model/state.hpp"

namespace sendpath::gui {

struct FieldText {
    std::string_view name;  // the field's name (FieldInfo::name)
    std::string_view text;
};
// The Chinese meanings of the socket fields (struct sock, tcp_sock, ...) and of the skb fields.
const std::vector<FieldText>& sock_field_docs_zh_CN();
const std::vector<FieldText>& skb_field_docs_zh_CN();

// The meaning of f in the GUI's language; the model's English where it has none.
std::string_view sock_field_doc(model::SF f);
std::string_view skb_field_doc(model::KF f);

}  // namespace sendpath::gui
