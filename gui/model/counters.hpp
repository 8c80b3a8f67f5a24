// The Counters view's content: socket fields grouped as in the model
// (SENDPATH_SOCK_FIELDS), values written the way a kernel hacker reads them,
// and which fields the step changed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/state.hpp"

namespace sendpath::gui {

struct FieldGroup {
    std::string_view group;  // "sock", "tcp", ...
    std::string_view title;  // "struct sock", "tcp_sock", ...
    std::vector<model::SF> fields;
};

// Every group in declaration order, each with its fields in declaration order.
const std::vector<FieldGroup>& sock_field_groups();

// The value with its meaning where a number alone says little:
// "1 (ESTABLISHED)", "0x18 (ACK|PSH)", "skb 3", "NULL", "-1 (forever)".
std::string format_field(model::SF f, int64_t v);

// "a + b unit", or "a - |b| unit" when b is negative (a forward_alloc in
// debt reads "552 - 552 B", never "552 + -552 B").
std::string format_sum(int64_t a, int64_t b, std::string_view unit);

// Fields whose value differs between two states, in declaration order.
std::vector<model::SF> changed_fields(const model::State& before, const model::State& after);

}  // namespace sendpath::gui
