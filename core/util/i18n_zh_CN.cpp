// Simplified Chinese (zh_CN): the string table's texts. Terms follow
// assets/glossary-zh_CN.md; kernel identifiers stay as they are.
#include "util/i18n.hpp"

namespace sendpath::util::i18n {

const std::vector<Entry>& zh_CN_table() {
    static const std::vector<Entry> kTable = {
        {"lessons.header", "{0} 中的课程："},
        {"lessons.questions.one", "{0} 道题"},
        {"lessons.questions.other", "{0} 道题"},
        {"lessons.none", "（没有课程文件）"},
        {"lessons.needs_tap_trace", "[需要录制的 TAP 跟踪：{0} 不存在]"},
    };
    return kTable;
}

}  // namespace sendpath::util::i18n
