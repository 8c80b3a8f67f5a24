// The Source view's kernel view: the engine's listing with the lines that
// only record the trace folded away, so it reads like the kernel's own
// function beside a 2.6.32.67 listing. The engine logs every branch
// (EMIT / SP_EMIT), its arguments (rec_.arg) and the function it is in
// (FuncScope); the kernel has none of those lines. State changes
// (rec_.set, rec_.skb_set) stay: they are the kernel's assignments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gui/model/document.hpp"
#include "trace/event.hpp"

namespace sendpath::gui {

// True for a line that only records: after its indentation it starts with
// "rec_.arg(", "EMIT(", "SP_EMIT(" or "FuncScope ", or it is
// "if (COND) rec_.arg(...);".
bool is_recorder_line(std::string_view line);

// The 1-based numbers of the lines the listing shows: every line, or in the
// kernel view every line but recorder lines, except `keep` (the line of the
// event at the cursor, which stays so the lit line is never folded away).
// starts: line_starts(text).
std::vector<uint32_t> listed_lines(std::string_view text, const std::vector<std::size_t>& starts, bool kernel_view,
                                   uint32_t keep);

// Whether the kernel view is on when doc is opened (the student may turn it
// off): on in a lesson, where the listing is read beside the kernel's own;
// off elsewhere, where the whole engine code is what one came to read.
bool kernel_view_default(const Document& doc);

// The kernel view's checkbox: each document's default when it is first
// drawn, then the reader's choice, kept while a live trace grows (the
// document's id changes then, its serial does not).
struct KernelViewChoice {
    bool on = false;
    uint64_t doc = 0;  // the Document::serial() the choice is for
    // The checkbox's value for doc: its default if doc is another document.
    bool& for_doc(const Document& d);
};

// The note beside the listing for an event of kind k, in lang: "(not kernel
// code) <what it stands for>" when sendpath's runner or simulated peer
// emitted it (its line is sendpath's code, with no kernel counterpart to read
// it beside, kernel view or not); empty for the kernel's own events.
std::string not_kernel_note(trace::Kind k, std::string_view lang);

}  // namespace sendpath::gui
