// Scenarios: what a run does. A scenario is a JSON file (assets/scenario.schema.json,
// README "Scenario files"): socket options, device features, sysctls, the peer,
// injected faults, and a timeline of application actions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/config.hpp"
#include "peer/sim_config.hpp"
#include "trace/send_stream.hpp"

namespace sendpath::lesson {

// The engine's and the simulated peer's settings, as a scenario gives them.
using engine::Device;
using engine::Faults;
using engine::MSG_DONTWAIT;
using engine::MSG_MORE;
using engine::MSG_NOSIGNAL;
using engine::MSG_OOB;
using engine::MsgFlag;
using engine::SockOptions;
using engine::Sysctls;

// The peer section: the simulated receiver's settings, or a TAP device.
struct Peer : peer::SimPeerConfig {
    std::string type = "sim";  // "sim" (built-in receiver) or "tap" (the real kernel)
    // tap (the simulated receiver's settings do not apply)
    std::string dev;      // TAP device name
    std::string connect;  // kernel listener "IP:PORT"
    bool operator==(const Peer&) const = default;
};

struct Action {
    enum class Type { send, sleep, peer_read, setsockopt, shutdown, close };
    Type type = Type::send;
    std::optional<int64_t> at_us;  // start no earlier than this virtual time (absolute)
    // send
    std::vector<int64_t> iov;         // iovec lengths (one entry = a plain buffer)
    std::optional<std::string> data;  // literal payload (UTF-8 bytes); else the pattern of payload_byte()
    int64_t flags = 0;                // MSG_* bits
    std::optional<int64_t> fault_at;  // byte offset in this call's buffer where the user copy faults (EFAULT)
    // sleep
    int64_t duration_us = 0;
    // peer_read
    int64_t bytes = 0;  // -1 = everything queued
    // setsockopt
    std::string option;  // "TCP_NODELAY", "TCP_CORK", "SO_SNDBUF", "SO_SNDTIMEO"
    int64_t value = 0;
    // shutdown: how = "SHUT_WR" (the only one that matters to sending), "SHUT_RD", "SHUT_RDWR"
    std::string how = "SHUT_WR";

    int64_t total() const;  // sum of iov
    bool operator==(const Action&) const = default;
};

struct Scenario {
    std::string name;
    std::string description;
    // "established": the handshake completes before the timeline starts (a blocking connect()).
    // "nonblocking": the timeline starts right after the SYN is sent, so the first send waits for the connection.
    std::string connect = "established";
    Device device;
    SockOptions sock;
    Sysctls sysctl;
    Peer peer;
    Faults faults;
    std::vector<Action> timeline;
    // After the timeline: run until everything is acknowledged, at most this long.
    int64_t drain_us = 10'000'000;
    // Stop the whole run at this virtual time whatever happens.
    int64_t max_time_us = 600'000'000;
    bool operator==(const Scenario&) const = default;

    // The scenario with every default filled in (what a trace stores).
    nlohmann::json to_json() const;
    // The bytes every send() of the timeline asks for, together.
    int64_t bytes_to_send() const;
    // What the engine is told: device, socket, sysctls, faults and bytes_to_send().
    engine::Config engine_config() const;
};

// Parses and validates. file is used in error messages. Throws InputError
// naming the file, the JSON pointer of the bad value and what was expected.
Scenario scenario_from_json(const nlohmann::json& j, const std::string& file);
// Reads a scenario file (JSON). Bad JSON gets line and column.
Scenario load_scenario(const std::string& path);

// Byte `offset` of the buffer of send() call `call` when the scenario gives
// no literal data (the trace rebuilds frame payloads from it too).
using trace::payload_byte;

}  // namespace sendpath::lesson
