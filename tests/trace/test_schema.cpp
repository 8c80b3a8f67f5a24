// assets/trace.schema.json must describe what the code reads and writes:
// its enums are the code's name tables, and its change variants and event
// keys are the keys the JSON writer produces.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/state.hpp"
#include "trace/trace_io.hpp"
#include "support/sample_traces.hpp"

using namespace sendpath;
using namespace sendpath::trace;
using nlohmann::json;

namespace {

json load_schema() {
    std::ifstream in(std::string(SENDPATH_SOURCE_DIR) + "/assets/trace.schema.json");
    REQUIRE(in.good());
    return json::parse(in);
}

template <class E, class F>
std::vector<std::string> names(std::size_t n, F name) {
    std::vector<std::string> v;
    for (std::size_t i = 0; i < n; ++i) v.emplace_back(name(static_cast<E>(i)));
    return v;
}

std::vector<std::string> enum_of(const json& schema, const char* def) {
    return schema.at("$defs").at(def).at("enum").get<std::vector<std::string>>();
}

std::set<std::string> keys_of(const json& obj) {
    std::set<std::string> k;
    for (const auto& [key, v] : obj.items()) k.insert(key);
    return k;
}

}  // namespace

TEST_CASE("schema: the enums are the code's name tables, in order") {
    const json s = load_schema();
    CHECK(s.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
    CHECK(enum_of(s, "kind") == names<Kind>(kKindCount, [](Kind k) { return kind_name(k); }));
    CHECK(enum_of(s, "function") ==
          names<Func>(static_cast<std::size_t>(Func::count_), [](Func f) { return func_name(f); }));
    CHECK(enum_of(s, "op") == names<Op>(static_cast<std::size_t>(Op::count_), [](Op o) { return op_name(o); }));
    CHECK(enum_of(s, "arg") == names<Arg>(static_cast<std::size_t>(Arg::count_), [](Arg a) { return arg_name(a); }));
    CHECK(enum_of(s, "sock_field") ==
          names<model::SF>(model::kSockFieldCount, [](model::SF f) { return model::sock_field_info(f).name; }));
    CHECK(enum_of(s, "skb_field") ==
          names<model::KF>(model::kSkbFieldCount, [](model::KF f) { return model::skb_field_info(f).name; }));
}

TEST_CASE("schema: change variants and event keys match what the writer produces") {
    const json s = load_schema();
    std::ostringstream out;
    write_trace_json(sptest::make_small_trace(), out);
    const json t = json::parse(out.str());

    // One variant per op, in op order, whose keys are exactly the writer's keys for that op.
    const json& variants = s.at("$defs").at("change").at("oneOf");
    REQUIRE(variants.size() == static_cast<std::size_t>(Op::count_));
    std::set<std::string> ops_seen;
    for (const json& e : t.at("events"))
        for (const json& c : e.value("changes", json::array())) {
            const std::string op = c.at("op");
            ops_seen.insert(op);
            Op id;
            REQUIRE(op_by_name(op, id));
            const json& v = variants[static_cast<std::size_t>(id)];
            CHECK(v.at("properties").at("op").at("const") == op);
            CHECK(keys_of(v.at("properties")) == keys_of(c));
            CHECK(v.at("required").size() == c.size());
        }
    CHECK(ops_seen.size() == static_cast<std::size_t>(Op::count_));  // the small trace uses every op

    const json& ev = s.at("$defs").at("event");
    std::set<std::string> required;
    for (const auto& k : ev.at("required")) required.insert(k);
    for (const json& e : t.at("events")) {
        for (const auto& k : keys_of(e)) CHECK_MESSAGE(ev.at("properties").contains(k), k);
        for (const auto& k : required) CHECK(e.contains(k));
    }
    const json& fr = s.at("$defs").at("frame");
    for (const json& f : t.at("frames")) CHECK(keys_of(f) == keys_of(fr.at("properties")));
    // A trace without call stacks has exactly the required keys; "stacks" is the one optional key.
    std::set<std::string> top_required;
    for (const auto& k : s.at("required")) top_required.insert(k);
    CHECK(keys_of(t) == top_required);
    std::set<std::string> with_stacks = top_required;
    with_stacks.insert("stacks");
    CHECK(keys_of(s.at("properties")) == with_stacks);
}

TEST_CASE("schema: call stacks and the event's stack index are described") {
    const json s = load_schema();
    const json& st = s.at("properties").at("stacks");
    CHECK(st.at("items").at("items").at("$ref") == "#/$defs/function");
    CHECK(st.at("items").at("maxItems") == 32);  // the Recorder's stack is 32 deep
    const json& ev = s.at("$defs").at("event").at("properties").at("stack");
    CHECK(ev.at("type") == "integer");
    CHECK(ev.at("minimum") == 0);
}
