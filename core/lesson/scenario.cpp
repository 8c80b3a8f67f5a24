// Scenario files: parsing with a checked reader, and the normalized form.
//
// The reader accepts friendly spellings (a send as a bare byte count, times in
// _ms or _us, flags by name); to_json() writes one canonical form with every
// default filled in, which the reader accepts back unchanged. README section
// "Scenario files" documents the format key by key.
#include "lesson/scenario.hpp"

#include <filesystem>

#include "lesson/json_read.hpp"
#include "util/errors.hpp"

namespace sendpath::lesson {

using json_read::child;
using json_read::kGiB;
using json_read::kIntMax;
using json_read::kMaxTimeUs;
using json_read::Reader;
using nlohmann::json;
using util::Message;

int64_t Action::total() const {
    int64_t t = 0;
    for (int64_t n : iov) t += n;
    return t;
}

int64_t Scenario::bytes_to_send() const {
    int64_t t = 0;
    for (const Action& a : timeline) t += a.total();
    return t;
}

engine::Config Scenario::engine_config() const { return {device, sock, sysctl, faults, bytes_to_send()}; }

namespace {

constexpr int64_t kMaxIovecs = 1024;                 // UIO_MAXIOV
constexpr int64_t kMaxSendTotal = int64_t{4} << 30;  // bytes in one send() call
constexpr std::size_t kMaxActions = 100000;
constexpr int64_t kMaxPages = int64_t{1} << 40;
constexpr int64_t kMaxOrdinal = 1'000'000'000;  // "the Nth allocation", "segment N"
constexpr int64_t kMaxRate = int64_t{1} << 40;  // bytes per second

struct FlagName {
    const char* name;
    int64_t bit;
};
constexpr FlagName kFlagNames[] = {
    {"MSG_OOB", MSG_OOB}, {"MSG_DONTWAIT", MSG_DONTWAIT}, {"MSG_NOSIGNAL", MSG_NOSIGNAL}, {"MSG_MORE", MSG_MORE}};
constexpr int64_t kKnownFlags = MSG_OOB | MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE;

const char* const kSockOpts[] = {"TCP_NODELAY", "TCP_CORK", "SO_SNDBUF", "SO_SNDTIMEO"};

json flags_to_json(int64_t flags) {
    json out = json::array();
    for (const FlagName& f : kFlagNames)
        if (flags & f.bit) out.push_back(f.name);
    return out;
}

int64_t read_flags(const Reader& r, const json& v, const std::string& ptr) {
    if (v.is_number()) {
        int64_t x = r.integer(v, ptr, 0, kKnownFlags, Message::of("err.sc.flags_int"));
        if (x & ~kKnownFlags) r.fail_got(ptr, Message::of("err.sc.flags_combination"), v);
        return x;
    }
    if (!v.is_array()) r.fail_got(ptr, Message::of("err.sc.flags"), v);
    int64_t flags = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const json& e = v[i];
        bool found = false;
        if (e.is_string())
            for (const FlagName& f : kFlagNames)
                if (e.get_ref<const std::string&>() == f.name) {
                    flags |= f.bit;
                    found = true;
                }
        if (!found)
            r.fail_got(
                child(ptr, i),
                Message::of("err.what.one_of", {"\"MSG_MORE\", \"MSG_DONTWAIT\", \"MSG_OOB\", \"MSG_NOSIGNAL\""}), e);
    }
    return flags;
}

// SO_SNDTIMEO as the model keeps it: milliseconds, -1 = forever. The kernel
// rounds a timeval up to whole jiffies (HZ = 1000 here) and takes 0 as
// "forever", so both are done the same way.
int64_t sndtimeo_ms(const Reader& r, const json& v, const std::string& ptr, bool in_ms) {
    if (v.is_number() && v.get<double>() == -1.0) return -1;
    if (v.is_number() && v.get<double>() < 0)
        r.fail_got(ptr,
                   Message::of("err.sc.sndtimeo", {in_ms ? std::to_string(kMaxTimeUs / 1000) + " ms"
                                                         : std::to_string(kMaxTimeUs) + " us"}),
                   v);
    int64_t us = r.time_value(v, ptr, in_ms, 0, kMaxTimeUs);
    if (us == 0) return -1;
    return (us + 999) / 1000;
}

// Milliseconds kept by the model (delack): rounded up to whole ms.
int64_t ms_from_us_ceil(int64_t us) { return (us + 999) / 1000; }

// what: the key of one number's name ("err.sc.segment_number"); what + "s": the list's.
std::vector<int64_t> read_increasing(const Reader& r, const json& v, const std::string& ptr, int64_t lo, int64_t hi,
                                     const std::string& what) {
    if (!v.is_array()) r.fail_got(ptr, Message::of(what + "s"), v);
    std::vector<int64_t> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        int64_t x = r.integer(v[i], child(ptr, i), lo, hi, Message::of(what));
        if (!out.empty() && x <= out.back())
            r.fail(child(ptr, i), Message::of("err.sc.increasing", {std::to_string(x), std::to_string(out.back())}));
        out.push_back(x);
    }
    return out;
}

// A list of times under base_us or base_ms, increasing.
std::vector<int64_t> read_times(const Reader& r, const json& obj, const std::string& ptr, std::string_view base) {
    std::string key = Reader::time_key(obj, base);
    if (key.empty()) return {};
    std::string other = std::string(base) + (key.ends_with("_us") ? "_ms" : "_us");
    if (obj.contains(other))
        r.fail(child(ptr, std::string(base) + "_ms"),
               Message::of("err.either_not_both", {std::string(base) + "_ms", std::string(base) + "_us"}));
    const json& v = obj.at(key);
    const std::string p = child(ptr, key);
    const bool in_ms = key.ends_with("_ms");
    if (!v.is_array()) r.fail_got(p, Message::of(in_ms ? "err.sc.times_ms" : "err.sc.times_us"), v);
    std::vector<int64_t> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        int64_t t = r.time_value(v[i], child(p, i), in_ms, 0, kMaxTimeUs);
        if (!out.empty() && t <= out.back())
            r.fail(child(p, i), Message::of("err.sc.times_increasing", {json(v[i]).dump(), json(v[i - 1]).dump()}));
        out.push_back(t);
    }
    return out;
}

// what: the key of one value's name ("err.sc.triple_byte"); what + "s": the list's.
std::array<int64_t, 3> read_triple(const Reader& r, const json& v, const std::string& ptr, int64_t hi,
                                   const std::string& what) {
    if (!v.is_array() || v.size() != 3) r.fail_got(ptr, Message::of(what + "s"), v);
    std::array<int64_t, 3> out{};
    for (std::size_t i = 0; i < 3; ++i) {
        out[i] = r.integer(v[i], child(ptr, i), 0, hi, Message::of(what));
        if (i > 0 && out[i] < out[i - 1])
            r.fail(child(ptr, i),
                   Message::of("err.sc.not_below_previous", {std::to_string(out[i - 1]), std::to_string(out[i])}));
    }
    return out;
}

Device read_device(const Reader& r, const json& j, const std::string& p) {
    r.object(j, p, util::Message::of("err.sc.device"), {"sg", "csum", "gso", "tso", "mtu"});
    Device d;
    // Features the kernel would drop are defaulted off, and an explicit
    // contradiction is an error: a scenario never runs a device that cannot exist.
    d.csum = j.contains("csum") ? r.boolean(j["csum"], child(p, "csum")) : true;
    d.sg = j.contains("sg") ? r.boolean(j["sg"], child(p, "sg")) : d.csum;
    if (d.sg && !d.csum) r.fail(child(p, "sg"), Message::of("err.sc.sg_needs_csum"));
    d.gso = j.contains("gso") ? r.boolean(j["gso"], child(p, "gso")) : d.sg;
    if (d.gso && !d.sg) r.fail(child(p, "gso"), Message::of("err.sc.gso_needs_sg"));
    d.tso = j.contains("tso") ? r.boolean(j["tso"], child(p, "tso")) : false;
    if (d.tso && !d.sg) r.fail(child(p, "tso"), Message::of("err.sc.tso_needs_sg"));
    if (j.contains("mtu")) d.mtu = r.integer(j["mtu"], child(p, "mtu"), 68, 65535, util::Message::of("err.sc.mtu"));
    return d;
}

SockOptions read_socket(const Reader& r, const json& j, const std::string& p) {
    r.object(j, p, util::Message::of("err.sc.socket"),
             {"sndbuf", "nodelay", "cork", "sndtimeo_ms", "sndtimeo_us", "nonblock", "timestamps", "window_scaling",
              "sack"});
    SockOptions s;
    if (j.contains("sndbuf") && !j["sndbuf"].is_null())
        s.sndbuf = r.integer(j["sndbuf"], child(p, "sndbuf"), 0, kIntMax, Message::of("err.sc.sndbuf"));
    if (j.contains("nodelay")) s.nodelay = r.boolean(j["nodelay"], child(p, "nodelay"));
    if (j.contains("cork")) s.cork = r.boolean(j["cork"], child(p, "cork"));
    if (j.contains("sndtimeo_ms") && j.contains("sndtimeo_us"))
        r.fail(child(p, "sndtimeo_ms"), Message::of("err.either_not_both", {"sndtimeo_ms", "sndtimeo_us"}));
    if (std::string key = Reader::time_key(j, "sndtimeo"); !key.empty())
        s.sndtimeo_ms = sndtimeo_ms(r, j[key], child(p, key), key.ends_with("_ms"));
    if (j.contains("nonblock")) s.nonblock = r.boolean(j["nonblock"], child(p, "nonblock"));
    if (j.contains("timestamps")) s.timestamps = r.boolean(j["timestamps"], child(p, "timestamps"));
    if (j.contains("window_scaling")) s.window_scaling = r.boolean(j["window_scaling"], child(p, "window_scaling"));
    if (j.contains("sack")) s.sack = r.boolean(j["sack"], child(p, "sack"));
    return s;
}

Sysctls read_sysctl(const Reader& r, const json& j, const std::string& p) {
    r.object(j, p, util::Message::of("err.sc.sysctl"),
             {"tcp_wmem", "tcp_mem", "wmem_max", "other_pages", "max_skb_frags", "tcp_fack", "tcp_congestion_control",
              "tcp_frto"});
    Sysctls s;
    if (j.contains("tcp_wmem"))
        s.tcp_wmem = read_triple(r, j["tcp_wmem"], child(p, "tcp_wmem"), kIntMax, "err.sc.triple_byte");
    if (j.contains("tcp_mem"))
        s.tcp_mem = read_triple(r, j["tcp_mem"], child(p, "tcp_mem"), kMaxPages, "err.sc.triple_page");
    if (j.contains("wmem_max"))
        s.wmem_max = r.integer(j["wmem_max"], child(p, "wmem_max"), 0, kIntMax, util::Message::of("err.sc.byte_count"));
    if (j.contains("max_skb_frags"))
        s.max_skb_frags =
            r.integer(j["max_skb_frags"], child(p, "max_skb_frags"), 1, 18, util::Message::of("err.sc.frag_count"));
    if (j.contains("other_pages"))
        s.other_pages =
            r.integer(j["other_pages"], child(p, "other_pages"), 0, kMaxPages, util::Message::of("err.sc.page_count"));
    if (j.contains("tcp_fack")) s.tcp_fack = r.boolean(j["tcp_fack"], child(p, "tcp_fack"));
    if (j.contains("tcp_congestion_control"))
        s.tcp_congestion_control =
            r.choice(j["tcp_congestion_control"], child(p, "tcp_congestion_control"), {"cubic", "reno"});
    if (j.contains("tcp_frto"))
        s.tcp_frto = r.integer(j["tcp_frto"], child(p, "tcp_frto"), 0, 2, Message::of("err.sc.frto"));
    return s;
}

bool valid_ifname(const std::string& s) {
    // dev_valid_name: under IFNAMSIZ (16) bytes, not "." or "..", no '/', ':' or space.
    if (s.size() >= 16 || s == "." || s == "..") return false;
    for (unsigned char c : s)
        if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) return false;
    return true;
}

bool valid_ipv4_port(const std::string& s) {
    auto colon = s.rfind(':');
    if (colon == std::string::npos) return false;
    auto number = [](std::string_view t, long max) {
        if (t.empty() || t.size() > 5) return -1L;
        long v = 0;
        for (char c : t) {
            if (c < '0' || c > '9') return -1L;
            v = v * 10 + (c - '0');
        }
        return v <= max ? v : -1L;
    };
    std::string_view ip(s.data(), colon);
    int parts = 0;
    while (true) {
        auto dot = ip.find('.');
        std::string_view part = ip.substr(0, dot);
        if (part.size() > 3 || number(part, 255) < 0) return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        ip.remove_prefix(dot + 1);
    }
    return parts == 4 && number(std::string_view(s).substr(colon + 1), 65535) >= 1;
}

Peer read_peer(const Reader& r, const json& j, const std::string& p) {
    r.object(j, p, util::Message::of("err.sc.peer"),
             {"type",
              "rcvbuf",
              "read_rate",
              "delayed_ack",
              "delack_ms",
              "delack_us",
              "quickack",
              "one_way_delay_us",
              "one_way_delay_ms",
              "mss",
              "wscale",
              "drop",
              "drop_acks",
              "late",
              "loss",
              "sack",
              "reset_at_us",
              "reset_at_ms",
              "dev",
              "connect"});
    Peer s;
    if (j.contains("type")) s.type = r.choice(j["type"], child(p, "type"), {"sim", "tap"});
    if (j.contains("rcvbuf"))
        s.rcvbuf = r.integer(j["rcvbuf"], child(p, "rcvbuf"), 1, kGiB, util::Message::of("err.sc.byte_count"));
    if (j.contains("read_rate"))
        s.read_rate = r.integer(j["read_rate"], child(p, "read_rate"), -1, kMaxRate, Message::of("err.sc.read_rate"));
    if (j.contains("delayed_ack")) s.delayed_ack = r.boolean(j["delayed_ack"], child(p, "delayed_ack"));
    if (auto t = r.time(j, p, "delack", 0, kMaxTimeUs)) s.delack_ms = ms_from_us_ceil(*t);
    if (j.contains("quickack")) s.quickack = r.boolean(j["quickack"], child(p, "quickack"));
    if (auto t = r.time(j, p, "one_way_delay", 0, kMaxTimeUs)) s.one_way_delay_us = *t;
    if (j.contains("mss")) s.mss = r.integer(j["mss"], child(p, "mss"), 48, 65535, util::Message::of("err.sc.mss"));
    if (j.contains("wscale"))
        s.wscale = r.integer(j["wscale"], child(p, "wscale"), 0, 14, util::Message::of("err.sc.wscale"));
    if (j.contains("drop"))
        s.drop = read_increasing(r, j["drop"], child(p, "drop"), 1, kMaxOrdinal, "err.sc.segment_number");
    if (j.contains("drop_acks"))
        s.drop_acks = read_increasing(r, j["drop_acks"], child(p, "drop_acks"), 1, kMaxOrdinal, "err.sc.ack_number");
    if (j.contains("late")) {
        const std::string lp = child(p, "late");
        const json& l = j["late"];
        if (!l.is_array()) r.fail_got(lp, Message::of("err.sc.late_list"), l);
        for (std::size_t i = 0; i < l.size(); ++i) {
            const std::string ep = child(lp, i);
            r.object(l[i], ep, Message::of("err.sc.late_object"), {"segment", "by_us", "by_ms"});
            if (!l[i].contains("segment")) r.fail(child(ep, "segment"), Message::of("err.sc.late_need_segment"));
            const int64_t n = r.integer(l[i]["segment"], child(ep, "segment"), 1, kMaxOrdinal,
                                        Message::of("err.sc.a_segment_number"));
            if (!s.late.empty() && n <= s.late.back().first)
                r.fail(child(ep, "segment"),
                       Message::of("err.sc.late_increasing", {std::to_string(n), std::to_string(s.late.back().first)}));
            const auto by = r.time(l[i], ep, "by", 1, kMaxTimeUs);
            if (!by) r.fail(child(ep, "by_ms"), Message::of("err.sc.late_need_by"));
            s.late.emplace_back(n, *by);
        }
    }
    if (j.contains("loss")) {
        const std::string lp = child(p, "loss");
        const json& l = j["loss"];
        r.object(l, lp, util::Message::of("err.sc.loss"), {"rate", "seed"});
        if (l.contains("rate")) {
            const json& v = l["rate"];
            if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() <= 0.99))
                r.fail_got(child(lp, "rate"), Message::of("err.sc.loss_rate"), v);
            s.loss_rate = v.get<double>();
        }
        if (l.contains("seed"))
            s.loss_seed = static_cast<uint64_t>(
                r.integer(l["seed"], child(lp, "seed"), 0, int64_t{1} << 53, util::Message::of("err.sc.seed")));
    }
    if (j.contains("sack")) s.sack = r.boolean(j["sack"], child(p, "sack"));
    s.reset_at_us = r.time(j, p, "reset_at", 0, kMaxTimeUs, true);
    if (j.contains("dev")) {
        s.dev = r.string(j["dev"], child(p, "dev"), util::Message::of("err.sc.tap_dev"));
        if (!valid_ifname(s.dev)) r.fail_got(child(p, "dev"), Message::of("err.sc.dev_name"), j["dev"]);
    }
    if (j.contains("connect")) {
        s.connect = r.string(j["connect"], child(p, "connect"), "\"IP:PORT\"");
        if (!s.connect.empty() && !valid_ipv4_port(s.connect))
            r.fail_got(child(p, "connect"), Message::of("err.sc.connect"), j["connect"]);
    }
    return s;
}

Faults read_faults(const Reader& r, const json& j, const std::string& p) {
    r.object(j, p, util::Message::of("err.sc.faults"),
             {"fail_skb_alloc", "fail_page_alloc", "signal_at_us", "signal_at_ms", "sa_restart"});
    Faults f;
    if (j.contains("fail_skb_alloc"))
        f.fail_skb_alloc =
            read_increasing(r, j["fail_skb_alloc"], child(p, "fail_skb_alloc"), 1, kMaxOrdinal, "err.sc.alloc_number");
    if (j.contains("fail_page_alloc"))
        f.fail_page_alloc = read_increasing(r, j["fail_page_alloc"], child(p, "fail_page_alloc"), 1, kMaxOrdinal,
                                            "err.sc.alloc_number");
    f.signal_at_us = read_times(r, j, p, "signal_at");
    if (j.contains("sa_restart")) f.sa_restart = r.boolean(j["sa_restart"], child(p, "sa_restart"));
    return f;
}

void read_send(const Reader& r, const json& v, const std::string& p, Action& a) {
    if (v.is_number()) {
        a.iov = {r.integer(v, p, 0, kGiB, util::Message::of("err.sc.byte_count"))};
        return;
    }
    if (!v.is_object()) r.fail_got(p, util::Message::of("err.sc.send_value"), v);
    r.object(v, p, util::Message::of("err.sc.send_object"),
             {"iov", "size", "data", "flags", "fault_at", "at_ms", "at_us"});
    if (v.contains("iov") && v.contains("size"))
        r.fail(child(p, "size"), util::Message::of("err.either_not_both", {"iov", "size"}));
    if (v.contains("size")) {
        a.iov = {r.integer(v["size"], child(p, "size"), 0, kGiB, util::Message::of("err.sc.byte_count"))};
    } else if (v.contains("iov")) {
        const json& iov = v["iov"];
        const std::string ip = child(p, "iov");
        if (!iov.is_array() || iov.empty() || iov.size() > static_cast<std::size_t>(kMaxIovecs))
            r.fail_got(ip, util::Message::of("err.sc.iov_list"), iov);
        int64_t total = 0;
        for (std::size_t i = 0; i < iov.size(); ++i) {
            a.iov.push_back(r.integer(iov[i], child(ip, i), 0, kGiB, util::Message::of("err.sc.byte_count")));
            total += a.iov.back();
        }
        if (total > kMaxSendTotal)
            r.fail(ip, Message::of("err.sc.iov_total", {std::to_string(kMaxSendTotal), std::to_string(total)}));
    }
    if (v.contains("data") && !v["data"].is_null()) {
        a.data = r.string(v["data"], child(p, "data"), util::Message::of("err.sc.data"));
        const auto n = static_cast<int64_t>(a.data->size());
        if (n > kGiB) r.fail(child(p, "data"), Message::of("err.sc.data_too_big"));
        if (a.iov.empty()) a.iov = {n};
        else if (a.total() != n)
            r.fail(child(p, "data"),
                   Message::of("err.sc.data_mismatch",
                               {std::to_string(a.total()),
                                v.contains("size") ? Message("size") : Message::of("err.sc.the_iov_lengths"),
                                std::to_string(n)}));
    }
    if (a.iov.empty()) r.fail(p, Message::of("err.sc.need_size"));
    if (v.contains("flags")) a.flags = read_flags(r, v["flags"], child(p, "flags"));
    if (v.contains("fault_at") && !v["fault_at"].is_null()) {
        const int64_t total = a.total();
        if (total == 0) r.fail(child(p, "fault_at"), Message::of("err.sc.fault_at_empty"));
        a.fault_at = r.integer(v["fault_at"], child(p, "fault_at"), 0, total - 1,
                               Message::of("err.sc.fault_at", {std::to_string(total)}));
    }
    a.at_us = r.time(v, p, "at", 0, kMaxTimeUs, true);
}

void read_setsockopt(const Reader& r, const json& v, const std::string& p, Action& a) {
    r.object(v, p, util::Message::of("err.sc.setsockopt"), {kSockOpts[0], kSockOpts[1], kSockOpts[2], kSockOpts[3]});
    if (v.size() != 1) r.fail_got(p, Message::of("err.sc.one_option"), v);
    a.option = v.begin().key();
    const json& val = v.begin().value();
    const std::string vp = child(p, a.option);
    if (a.option == "TCP_NODELAY" || a.option == "TCP_CORK") {
        a.value = val.is_boolean() ? int64_t{val.get<bool>()}
                                   : r.integer(val, vp, 0, kIntMax, Message::of("err.sc.bool_or_int"));
    } else if (a.option == "SO_SNDBUF") {
        a.value = r.integer(val, vp, 0, kIntMax, Message::of("err.sc.sndbuf_value"));
    } else {
        a.value = sndtimeo_ms(r, val, vp, true);
    }
}

Action read_action(const Reader& r, const json& v, const std::string& p) {
    static constexpr std::string_view kKinds[] = {"send", "sleep", "peer_read", "setsockopt", "shutdown", "close"};
    r.object(v, p, util::Message::of("err.sc.action"),
             {"send", "sleep_ms", "sleep_us", "peer_read", "setsockopt", "shutdown", "close", "at_ms", "at_us"});
    std::string_view kind, first_key;
    for (std::string_view k : kKinds) {
        std::string key = k == "sleep" ? Reader::time_key(v, "sleep") : std::string(k);
        if (key.empty() || !v.contains(key)) continue;
        if (!kind.empty()) r.fail(child(p, key), Message::of("err.sc.two_actions", {std::string(first_key), key}));
        kind = k;
        first_key = k == "sleep" ? (v.contains("sleep_us") ? "sleep_us" : "sleep_ms") : k;
    }
    if (kind.empty()) r.fail(p, Message::of("err.sc.need_action"));

    Action a;
    a.at_us = r.time(v, p, "at", 0, kMaxTimeUs, true);
    const std::string kp = child(p, first_key);
    if (kind == "send") {
        a.type = Action::Type::send;
        const json& s = v["send"];
        const bool inner_at = s.is_object() && !Reader::time_key(s, "at").empty();
        if (inner_at && !Reader::time_key(v, "at").empty())
            r.fail(child(kp, Reader::time_key(s, "at")), Message::of("err.sc.at_twice"));
        auto outer = a.at_us;
        read_send(r, s, kp, a);
        if (!inner_at) a.at_us = outer;
    } else if (kind == "sleep") {
        a.type = Action::Type::sleep;
        a.duration_us = *r.time(v, p, "sleep", 0, kMaxTimeUs);
    } else if (kind == "peer_read") {
        a.type = Action::Type::peer_read;
        const json& n = v["peer_read"];
        if (n.is_string() && n.get_ref<const std::string&>() == "all") a.bytes = -1;
        else if (n.is_number()) a.bytes = r.integer(n, kp, 1, kGiB, Message::of("err.sc.all_or_bytes"));
        else r.fail_got(kp, Message::of("err.sc.all_or_bytes_range", {std::to_string(kGiB)}), n);
    } else if (kind == "setsockopt") {
        a.type = Action::Type::setsockopt;
        read_setsockopt(r, v["setsockopt"], kp, a);
    } else if (kind == "shutdown") {
        a.type = Action::Type::shutdown;
        a.how = r.choice(v["shutdown"], kp, {"SHUT_WR", "SHUT_RD", "SHUT_RDWR"});
    } else {
        a.type = Action::Type::close;
        if (!v["close"].is_boolean() || !v["close"].get<bool>()) r.fail_got(kp, "true", v["close"]);
    }
    return a;
}

json late_json(const std::vector<std::pair<int64_t, int64_t>>& late) {
    json out = json::array();
    for (const auto& [segment, by_us] : late) out.push_back({{"segment", segment}, {"by_us", by_us}});
    return out;
}

json action_to_json(const Action& a) {
    json j;
    switch (a.type) {
        case Action::Type::send: {
            json s;
            s["iov"] = a.iov;
            s["data"] = a.data ? json(*a.data) : json(nullptr);
            s["flags"] = flags_to_json(a.flags);
            s["fault_at"] = a.fault_at ? json(*a.fault_at) : json(nullptr);
            j["send"] = s;
            break;
        }
        case Action::Type::sleep: j["sleep_us"] = a.duration_us; break;
        case Action::Type::peer_read: j["peer_read"] = a.bytes < 0 ? json("all") : json(a.bytes); break;
        case Action::Type::setsockopt: j["setsockopt"] = json{{a.option, a.value}}; break;
        case Action::Type::shutdown: j["shutdown"] = a.how; break;
        case Action::Type::close: j["close"] = true; break;
    }
    j["at_us"] = a.at_us ? json(*a.at_us) : json(nullptr);
    return j;
}

json ms_as_us(int64_t ms) { return ms < 0 ? ms : ms * 1000; }

}  // namespace

Scenario scenario_from_json(const json& j, const std::string& file) {
    const Reader r(file);
    r.object(j, "", util::Message::of("err.sc.scenario"),
             {"$schema", "name", "description", "connect", "device", "socket", "sysctl", "peer", "faults", "timeline",
              "drain_ms", "drain_us", "max_time_ms", "max_time_us"});
    Scenario sc;
    if (j.contains("$schema")) r.string(j["$schema"], "/$schema", Message::of("err.sc.schema"));
    sc.name = j.contains("name") ? r.string(j["name"], "/name", util::Message::of("err.trace.what.string"))
                                 : std::filesystem::path(file).stem().string();
    if (j.contains("description"))
        sc.description = r.string(j["description"], "/description", util::Message::of("err.trace.what.string"));
    if (j.contains("connect")) sc.connect = r.choice(j["connect"], "/connect", {"established", "nonblocking"});
    if (j.contains("device")) sc.device = read_device(r, j["device"], "/device");
    if (j.contains("socket")) sc.sock = read_socket(r, j["socket"], "/socket");
    if (j.contains("sysctl")) sc.sysctl = read_sysctl(r, j["sysctl"], "/sysctl");
    if (j.contains("peer")) sc.peer = read_peer(r, j["peer"], "/peer");
    if (j.contains("faults")) sc.faults = read_faults(r, j["faults"], "/faults");
    if (!j.contains("timeline")) r.fail("/timeline", util::Message::of("err.sc.need_timeline"));
    const json& tl = j["timeline"];
    if (!tl.is_array() || tl.empty() || tl.size() > kMaxActions)
        r.fail_got("/timeline", Message::of("err.sc.timeline_list", {std::to_string(kMaxActions)}), tl);
    for (std::size_t i = 0; i < tl.size(); ++i) sc.timeline.push_back(read_action(r, tl[i], child("/timeline", i)));
    if (auto t = r.time(j, "", "drain", 0, kMaxTimeUs)) sc.drain_us = *t;
    if (auto t = r.time(j, "", "max_time", 0, kMaxTimeUs)) sc.max_time_us = *t;
    return sc;
}

Scenario load_scenario(const std::string& path) {
    return scenario_from_json(json_read::parse_text(json_read::read_file(path), path), path);
}

json Scenario::to_json() const {
    json j;
    j["name"] = name;
    j["description"] = description;
    j["connect"] = connect;
    j["device"] = {
        {"sg", device.sg}, {"csum", device.csum}, {"gso", device.gso}, {"tso", device.tso}, {"mtu", device.mtu}};
    j["socket"] = {{"sndbuf", sock.sndbuf ? json(*sock.sndbuf) : json(nullptr)},
                   {"nodelay", sock.nodelay},
                   {"cork", sock.cork},
                   {"sndtimeo_us", ms_as_us(sock.sndtimeo_ms)},
                   {"nonblock", sock.nonblock},
                   {"timestamps", sock.timestamps},
                   {"window_scaling", sock.window_scaling},
                   {"sack", sock.sack}};
    j["sysctl"] = {{"tcp_wmem", sysctl.tcp_wmem},
                   {"tcp_mem", sysctl.tcp_mem},
                   {"wmem_max", sysctl.wmem_max},
                   {"other_pages", sysctl.other_pages},
                   {"max_skb_frags", sysctl.max_skb_frags},
                   {"tcp_fack", sysctl.tcp_fack},
                   {"tcp_congestion_control", sysctl.tcp_congestion_control},
                   {"tcp_frto", sysctl.tcp_frto}};
    j["peer"] = {{"type", peer.type},
                 {"rcvbuf", peer.rcvbuf},
                 {"read_rate", peer.read_rate},
                 {"delayed_ack", peer.delayed_ack},
                 {"delack_us", ms_as_us(peer.delack_ms)},
                 {"quickack", peer.quickack},
                 {"one_way_delay_us", peer.one_way_delay_us},
                 {"mss", peer.mss},
                 {"wscale", peer.wscale},
                 {"drop", peer.drop},
                 {"drop_acks", peer.drop_acks},
                 {"late", late_json(peer.late)},
                 {"loss", {{"rate", peer.loss_rate}, {"seed", peer.loss_seed}}},
                 {"sack", peer.sack},
                 {"reset_at_us", peer.reset_at_us ? json(*peer.reset_at_us) : json(nullptr)},
                 {"dev", peer.dev},
                 {"connect", peer.connect}};
    j["faults"] = {{"fail_skb_alloc", faults.fail_skb_alloc},
                   {"fail_page_alloc", faults.fail_page_alloc},
                   {"signal_at_us", faults.signal_at_us},
                   {"sa_restart", faults.sa_restart}};
    json tl = json::array();
    for (const Action& a : timeline) tl.push_back(action_to_json(a));
    j["timeline"] = tl;
    j["drain_us"] = drain_us;
    j["max_time_us"] = max_time_us;
    return j;
}

}  // namespace sendpath::lesson
