// The shipped scenario files (tests/scenarios/*.json) and the format's schema
// (assets/scenario.schema.json): every file parses, round-trips and satisfies
// the schema, and schema and reader agree on defaults and on what is bad.
//
// No JSON Schema validator is packaged, so this file carries a small one for
// the keywords the schema uses (type, enum, const, ranges, lengths, pattern,
// items, properties, required, additionalProperties, min/maxProperties, $ref,
// allOf, anyOf, oneOf, not). It fails loudly on any keyword it does not know,
// so the schema cannot quietly outgrow the check.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "lesson/scenario.hpp"
#include "support/errors.hpp"
#include "support/files.hpp"
#include "util/errors.hpp"

using nlohmann::json;
using namespace sendpath::lesson;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

json read_json(const std::string& path) {
    REQUIRE_MESSAGE(std::ifstream(path).good(), "cannot open " << path);
    return json::parse(sptest::slurp(path));
}

const json& schema() {
    static const json s = read_json(kSource + "/assets/scenario.schema.json");
    return s;
}

std::vector<std::filesystem::path> scenario_files() {
    const auto paths = sptest::shipped_scenarios();
    return {paths.begin(), paths.end()};
}

class MiniSchema {
public:
    explicit MiniSchema(const json& root) : root_(root) {}

    // Empty if v satisfies s, else the first reason (with the pointer) it does not.
    std::string check(const json& s, const json& v, const std::string& ptr) const {
        if (s.is_boolean()) return s.get<bool>() ? "" : ptr + ": no value allowed here";
        static const std::set<std::string> known = {"$schema",       "$id",
                                                    "title",         "description",
                                                    "default",       "$defs",
                                                    "$ref",          "type",
                                                    "enum",          "const",
                                                    "minimum",       "maximum",
                                                    "maxLength",     "pattern",
                                                    "items",         "minItems",
                                                    "maxItems",      "properties",
                                                    "required",      "additionalProperties",
                                                    "minProperties", "maxProperties",
                                                    "allOf",         "anyOf",
                                                    "oneOf",         "not"};
        for (auto it = s.begin(); it != s.end(); ++it)
            if (!known.count(it.key()))
                return ptr + ": schema keyword \"" + it.key() + "\" not supported by this check";
        if (s.contains("$ref")) {
            const std::string ref = s["$ref"];
            const std::string prefix = "#/$defs/";
            if (ref.rfind(prefix, 0) != 0) return ptr + ": unsupported $ref " + ref;
            const json& defs = root_.at("$defs");
            if (!defs.contains(ref.substr(prefix.size()))) return ptr + ": dangling $ref " + ref;
            if (auto e = check(defs.at(ref.substr(prefix.size())), v, ptr); !e.empty()) return e;
        }
        if (s.contains("type")) {
            bool ok = false;
            auto one = [&](const std::string& t) {
                if (t == "object") return v.is_object();
                if (t == "array") return v.is_array();
                if (t == "string") return v.is_string();
                if (t == "boolean") return v.is_boolean();
                if (t == "null") return v.is_null();
                if (t == "number") return v.is_number();
                if (t == "integer")
                    return v.is_number_integer() ||
                           (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
                return false;
            };
            if (s["type"].is_string()) ok = one(s["type"]);
            else
                for (const auto& t : s["type"]) ok = ok || one(t);
            if (!ok) return ptr + ": expected type " + s["type"].dump() + ", got " + v.dump();
        }
        if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end())
            return ptr + ": " + v.dump() + " not in " + s["enum"].dump();
        if (s.contains("const") && s["const"] != v) return ptr + ": expected " + s["const"].dump();
        if (v.is_number() && !v.is_boolean()) {
            if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>()) return ptr + ": below minimum";
            if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>()) return ptr + ": above maximum";
        }
        if (v.is_string()) {
            const auto& str = v.get_ref<const std::string&>();
            if (s.contains("maxLength") && str.size() > s["maxLength"].get<std::size_t>()) return ptr + ": too long";
            if (s.contains("pattern") && !std::regex_search(str, std::regex(s["pattern"].get<std::string>())))
                return ptr + ": does not match " + s["pattern"].get<std::string>();
        }
        if (v.is_array()) {
            if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>()) return ptr + ": too few items";
            if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>()) return ptr + ": too many items";
            if (s.contains("items"))
                for (std::size_t i = 0; i < v.size(); ++i)
                    if (auto e = check(s["items"], v[i], ptr + "/" + std::to_string(i)); !e.empty()) return e;
        }
        if (v.is_object()) {
            if (s.contains("required"))
                for (const auto& k : s["required"])
                    if (!v.contains(k.get<std::string>())) return ptr + ": missing " + k.get<std::string>();
            if (s.contains("minProperties") && v.size() < s["minProperties"].get<std::size_t>())
                return ptr + ": too few keys";
            if (s.contains("maxProperties") && v.size() > s["maxProperties"].get<std::size_t>())
                return ptr + ": too many keys";
            for (auto it = v.begin(); it != v.end(); ++it) {
                const std::string p = ptr + "/" + it.key();
                if (s.contains("properties") && s["properties"].contains(it.key())) {
                    if (auto e = check(s["properties"][it.key()], it.value(), p); !e.empty()) return e;
                } else if (s.contains("additionalProperties")) {
                    if (auto e = check(s["additionalProperties"], it.value(), p); !e.empty()) return e;
                }
            }
        }
        if (s.contains("allOf"))
            for (const auto& sub : s["allOf"])
                if (auto e = check(sub, v, ptr); !e.empty()) return e;
        if (s.contains("anyOf")) {
            bool any = false;
            for (const auto& sub : s["anyOf"]) any = any || check(sub, v, ptr).empty();
            if (!any) return ptr + ": matches none of anyOf";
        }
        if (s.contains("oneOf")) {
            int n = 0;
            for (const auto& sub : s["oneOf"]) n += check(sub, v, ptr).empty() ? 1 : 0;
            if (n != 1) return ptr + ": matches " + std::to_string(n) + " of oneOf, expected exactly 1";
        }
        if (s.contains("not") && check(s["not"], v, ptr).empty()) return ptr + ": matches a forbidden \"not\"";
        return "";
    }

    std::string validate(const json& v) const { return check(root_, v, ""); }

private:
    const json& root_;
};

bool parser_rejects(const json& j) {
    return sptest::input_error_of([&] { return scenario_from_json(j, "x.json"); }).thrown;
}

}  // namespace

TEST_CASE("every scenario file parses, is named after its file, says what it shows, and round-trips") {
    auto files = scenario_files();
    REQUIRE(files.size() >= 30);
    for (const auto& path : files) {
        CAPTURE(path.string());
        Scenario sc = load_scenario(path.string());
        CHECK(sc.name == path.stem().string());
        CHECK(sc.description.size() >= 40);  // says which branch it takes and why
        CHECK(!sc.timeline.empty());
        CHECK(scenario_from_json(sc.to_json(), path.string()) == sc);
        // Small and fast: the whole run is bounded in virtual time.
        CHECK(sc.max_time_us <= 120'000'000);
    }
}

TEST_CASE("the scenario set covers the tcp_sendmsg branches") {
    std::set<std::string> names;
    for (const auto& p : scenario_files()) names.insert(p.stem().string());
    for (const char* n : {"tail_append",
                          "new_segment_size_goal",
                          "linear_copy_no_sg",
                          "linear_then_pages",
                          "page_merge",
                          "page_release_new_page",
                          "frags_full_no_sg",
                          "forced_push",
                          "push_one",
                          "nagle",
                          "nodelay",
                          "msg_more",
                          "cork",
                          "wait_for_sndbuf",
                          "sndtimeo_eagain",
                          "dontwait_eagain",
                          "wait_for_memory_skb",
                          "wait_for_memory_page",
                          "wait_for_memory_pressure",
                          "copy_fault_linear",
                          "copy_fault_partial",
                          "copy_fault_page",
                          "epipe_after_shutdown",
                          "wait_connect",
                          "wait_connect_eagain",
                          "wait_connect_ack_held",
                          "msg_oob",
                          "iovecs",
                          "retransmit_rto",
                          "cwnd_limited",
                          "rwnd_limited",
                          "tso_split",
                          "split_fail",
                          "signal_eintr",
                          "signal_erestartsys",
                          "signal_sa_restart",
                          "econnreset"})
        CHECK_MESSAGE(names.count(n), "missing tests/scenarios/" << std::string(n) << ".json");
}

TEST_CASE("every scenario file satisfies assets/scenario.schema.json, before and after normalizing") {
    MiniSchema ms(schema());
    const json& props = schema().at("properties");
    for (const auto& path : scenario_files()) {
        CAPTURE(path.string());
        json j = read_json(path.string());
        for (auto it = j.begin(); it != j.end(); ++it)
            CHECK_MESSAGE(props.contains(it.key()), "top-level key " << it.key() << " not in the schema");
        CHECK(ms.validate(j) == "");
        CHECK(ms.validate(load_scenario(path.string()).to_json()) == "");
    }
}

TEST_CASE("schema and reader reject the same bad scenarios") {
    MiniSchema ms(schema());
    const json good = json::parse(R"({"timeline":[{"send":100}]})");
    REQUIRE(ms.validate(good) == "");
    REQUIRE(!parser_rejects(good));
    const char* bad[] = {
        R"({"timeline":[]})",
        R"({})",
        R"({"timeline":[{"send":100}],"extra":1})",
        R"({"timeline":[{"send":-1}]})",
        R"({"timeline":[{"send":{"iov":[1],"flags":["MSG_MOAR"]}}]})",
        R"({"timeline":[{"send":{"iov":[1],"fault_at":-1}}]})",
        R"({"timeline":[{"send":1,"close":true}]})",
        R"({"timeline":[{"sleep_ms":1,"sleep_us":1}]})",
        R"({"timeline":[{"send":1,"at_ms":1,"at_us":1}]})",
        R"({"timeline":[{"setsockopt":{"TCP_NODELAY":1,"TCP_CORK":1}}]})",
        R"({"timeline":[{"setsockopt":{}}]})",
        R"({"timeline":[{"shutdown":"SHUT_WRR"}]})",
        R"({"timeline":[{"close":false}]})",
        R"({"timeline":[{"peer_read":0}]})",
        R"({"timeline":[{"send":1}],"device":{"mtu":67}})",
        R"({"timeline":[{"send":1}],"device":{"sgg":true}})",
        R"({"timeline":[{"send":1}],"socket":{"nodelay":1}})",
        R"({"timeline":[{"send":1}],"socket":{"sndtimeo_ms":1,"sndtimeo_us":1}})",
        R"({"timeline":[{"send":1}],"sysctl":{"tcp_mem":[1,2]}})",
        R"({"timeline":[{"send":1}],"peer":{"wscale":15}})",
        R"({"timeline":[{"send":1}],"peer":{"type":"kernel"}})",
        R"({"timeline":[{"send":1}],"peer":{"connect":"nowhere"}})",
        R"({"timeline":[{"send":1}],"peer":{"drop":[0]}})",
        R"({"timeline":[{"send":1}],"faults":{"signal_at_us":[-1]}})",
        R"({"timeline":[{"send":1}],"drain_ms":1,"drain_us":1})",
        R"({"timeline":[{"send":1}],"connect":"later"})",
    };
    for (const char* text : bad) {
        CAPTURE(text);
        json j = json::parse(text);
        CHECK(ms.validate(j) != "");
        CHECK(parser_rejects(j));
    }
}

TEST_CASE("the schema's defaults are the reader's defaults") {
    const json& s = schema();
    const json base = json::parse(R"({"timeline":[{"send":1}]})");
    const Scenario def = scenario_from_json(base, "x.json");
    int checked = 0;
    // Top level.
    for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it) {
        if (!it.value().contains("default")) continue;
        json j = base;
        j[it.key()] = it.value()["default"];
        CAPTURE(it.key());
        CHECK(scenario_from_json(j, "x.json") == def);
        ++checked;
    }
    // Sections.
    for (const char* section : {"device", "socket", "sysctl", "peer", "faults"}) {
        const json& props = s["$defs"][section]["properties"];
        for (auto it = props.begin(); it != props.end(); ++it) {
            if (!it.value().contains("default")) continue;
            json j = base;
            j[section] = {{it.key(), it.value()["default"]}};
            CAPTURE(section);
            CAPTURE(it.key());
            CHECK(scenario_from_json(j, "x.json") == def);
            ++checked;
        }
    }
    // Keys of a send object and the action's start time.
    for (const char* def_name : {"send_object", "at"}) {
        const json& props = s["$defs"][def_name]["properties"];
        for (auto it = props.begin(); it != props.end(); ++it) {
            if (!it.value().contains("default")) continue;
            json j = base;
            j["timeline"][0] = {{"send", {{"size", 1}}}};
            (std::string(def_name) == "at" ? j["timeline"][0] : j["timeline"][0]["send"])[it.key()] =
                it.value()["default"];
            CAPTURE(it.key());
            CHECK(scenario_from_json(j, "x.json") == def);
            ++checked;
        }
    }
    CHECK(checked >= 35);
}
