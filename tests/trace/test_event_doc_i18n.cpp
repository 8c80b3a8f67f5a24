// Event kinds in Chinese: every kind has a Chinese summary (or is on the
// explicit English-only list), no entry names a kind that does not exist, the
// kernel identifiers of the English summary survive the translation, and a
// language without a text falls back to English.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "trace/event.hpp"
#include "trace/event_doc.hpp"
#include "trace/event_doc_i18n.hpp"
#include "support/kernel_words.hpp"

using namespace sendpath::trace;

namespace {}  // namespace

TEST_CASE("trace: every event kind has a Chinese summary or is on the English-only list") {
    const auto& zh = kind_summaries_zh_CN();
    const auto& only = kinds_english_only_zh_CN();
    std::set<std::string_view> named;
    for (const KindText& t : zh) {
        Kind k{};
        CHECK_MESSAGE(kind_by_name(t.kind, k), "core/trace/event_doc_zh_CN.cpp names no kind: " << t.kind);
        CHECK_MESSAGE(named.insert(t.kind).second, "translated twice: " << t.kind);
        CHECK_MESSAGE(!t.summary.empty(), "empty summary: " << t.kind);
    }
    for (std::size_t i = 0; i < kKindCount; ++i) {
        const std::string_view name = kind_name(static_cast<Kind>(i));
        const bool english_only = std::find(only.begin(), only.end(), name) != only.end();
        CHECK_MESSAGE(named.count(name) + (english_only ? 1 : 0) == 1,
                      name << ": add {\"" << name << "\", \"<中文>\"} to kind_summaries_zh_CN() in "
                           << "core/trace/event_doc_zh_CN.cpp (English: " << kind_doc(static_cast<Kind>(i))
                           << "), or put it on kinds_english_only_zh_CN()");
    }
}

TEST_CASE("trace: a Chinese summary keeps the kernel identifiers of the English one") {
    for (std::size_t i = 0; i < kKindCount; ++i) {
        const Kind k = static_cast<Kind>(i);
        const std::string_view zh = kind_summary(k, "zh_CN");
        if (zh == kind_doc(k)) continue;  // English-only
        for (const std::string& id : sptest::kernel_identifiers(kind_doc(k)))
            CHECK_MESSAGE(zh.find(id) != std::string_view::npos, kind_name(k) << ": " << id << " is missing in " << zh);
    }
}

TEST_CASE("trace: summaries in a language fall back to English, and the list is one line per kind") {
    CHECK(kind_summary(Kind::page_merge, "en") == kind_doc(Kind::page_merge));
    CHECK(kind_summary(Kind::page_merge, "fr") == kind_doc(Kind::page_merge));
    CHECK(kind_summary(Kind::cwnd_limited, "zh_CN") == "拥塞窗口已满：停止发送。");
    CHECK(area_title(Area::ack, "zh_CN") == "ACK 处理");
    CHECK(area_title(Area::ack, "en") == area_title(Area::ack));
    CHECK(events_text("en") == events_text());
    const std::string zh = events_text("zh_CN");
    CHECK(std::count(zh.begin(), zh.end(), '\n') == static_cast<long>(kind_docs().size()));
    CHECK(zh.find("page_merge           tcp_sendmsg") != std::string::npos);
    CHECK(zh.find("缓存页接续最后一个分片") != std::string::npos);
}
