// Engine options as JSON (the "options" object of a trace, or an options file).
// Lives in sp_lesson, next to the scenario reader whose checks it shares.
#include "engine/options.hpp"

#include "lesson/json_read.hpp"

namespace sendpath::engine {

using lesson::json_read::child;
using lesson::json_read::kMaxTimeUs;
using lesson::json_read::Reader;
using nlohmann::json;

json Options::to_json() const {
    json j = {{"linear_copy", linear_copy},           {"autocork", autocork},
              {"sizeof_sk_buff", sizeof_sk_buff},     {"max_tcp_header", max_tcp_header},
              {"sizeof_shinfo", sizeof_shinfo},       {"l1_cache_bytes", l1_cache_bytes},
              {"tx_completion_us", tx_completion_us}, {"trace", trace}};
    // Written only when lowered: it changes no decision of the engine, only
    // where a long run stops, and traces of ordinary runs stay as they were.
    if (max_trace_frame_bytes != kMaxTraceFrameBytes) j["max_trace_frame_bytes"] = max_trace_frame_bytes;
    return j;
}

Options Options::from_json(const json& j, const std::string& file) {
    const Reader r(file);
    const std::string p = "/options";
    using util::Message;
    r.object(j, p, Message::of("err.opt.options"),
             {"linear_copy", "autocork", "sizeof_sk_buff", "max_tcp_header", "sizeof_shinfo", "l1_cache_bytes",
              "tx_completion_us", "tx_completion_ms", "trace", "max_trace_frame_bytes"});
    Options o;
    if (j.contains("linear_copy")) o.linear_copy = r.boolean(j["linear_copy"], child(p, "linear_copy"));
    if (j.contains("autocork")) o.autocork = r.boolean(j["autocork"], child(p, "autocork"));
    // The sizes feed truesize and select_size's pgbreak = PAGE_SIZE - max_tcp_header
    // - shinfo, so they are bounded to keep pgbreak within one 4 KiB page.
    if (j.contains("sizeof_sk_buff"))
        o.sizeof_sk_buff =
            r.integer(j["sizeof_sk_buff"], child(p, "sizeof_sk_buff"), 1, 4096, Message::of("err.opt.size"));
    if (j.contains("max_tcp_header"))
        o.max_tcp_header =
            r.integer(j["max_tcp_header"], child(p, "max_tcp_header"), 0, 2048, Message::of("err.opt.size"));
    if (j.contains("sizeof_shinfo"))
        o.sizeof_shinfo =
            r.integer(j["sizeof_shinfo"], child(p, "sizeof_shinfo"), 0, 2048, Message::of("err.opt.size"));
    if (j.contains("l1_cache_bytes")) {
        const json& v = j["l1_cache_bytes"];
        o.l1_cache_bytes = r.integer(v, child(p, "l1_cache_bytes"), 1, 4096, Message::of("err.opt.pow2"));
        if ((o.l1_cache_bytes & (o.l1_cache_bytes - 1)) != 0)
            r.fail_got(child(p, "l1_cache_bytes"), Message::of("err.opt.pow2_range"), v);
    }
    if (auto t = r.time(j, p, "tx_completion", 0, kMaxTimeUs)) o.tx_completion_us = *t;
    if (j.contains("trace")) o.trace = r.boolean(j["trace"], child(p, "trace"));
    if (j.contains("max_trace_frame_bytes"))
        o.max_trace_frame_bytes = r.integer(j["max_trace_frame_bytes"], child(p, "max_trace_frame_bytes"), 1 << 16,
                                            kMaxTraceFrameBytes, Message::of("err.opt.frame_bytes"));
    return o;
}

}  // namespace sendpath::engine
