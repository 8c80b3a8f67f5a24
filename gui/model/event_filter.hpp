// The Events view's filter.
//
// Terms are separated by spaces or commas. A term matches an event when it is
// a substring of the event's kind or function name; "call:N" matches the
// events of send() call N. An event is shown when it matches at least one
// plain term (or there are none) and no term written with a leading '-'.
//   "copy page"          copy_linear, page_merge, page_alloc, ...
//   "tcp_sendmsg -iov"   everything tcp_sendmsg emitted except iov_next
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::gui {

class EventFilter {
public:
    explicit EventFilter(std::string_view text = {});
    bool empty() const { return include_.empty() && exclude_.empty(); }
    bool matches(const trace::Trace& t, std::size_t i) const;

private:
    struct Term {
        std::string text;
        int64_t call = -1;  // >= 0: a call:N term
    };
    static bool term_matches(const Term& term, const trace::Event& e);
    std::vector<Term> include_, exclude_;
};

// Indices of the events the filter keeps, in order.
std::vector<uint32_t> filter_events(const trace::Trace& t, const EventFilter& f);
// How many of those rows (ascending event indices) lie at or before
// `horizon` (Document::horizon): the Events view lists only these, so a
// lesson question's answer is not in the rows below the cursor.
std::size_t rows_up_to(const std::vector<uint32_t>& rows, std::size_t horizon);

}  // namespace sendpath::gui
