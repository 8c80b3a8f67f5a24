// Trace files on disk: load_trace (detects the encoding, reads JSON in one
// allocation and CBOR through a window), save_trace (atomic) and
// format_for_path. The only part of io/ that opens files.
#include "trace/trace_io.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "trace/io/detail.hpp"
#include "util/atomic_file.hpp"
#include "util/errno_text.hpp"
#include "util/errors.hpp"

namespace sendpath::trace {

using namespace io;

namespace {

// The whole of a JSON file in one allocation of its size (read_file_bytes
// grows a vector through a stream iterator: seconds for a big trace).
struct FileText {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
};
FileText read_whole(std::istream& in, std::size_t size, const std::string& path) {
    FileText f;
    f.data.reset(new char[std::max<std::size_t>(1, size)]);  // not zeroed: read() writes every byte
    advise_huge(f.data.get(), size);
    in.clear();
    in.seekg(0);
    in.read(f.data.get(), static_cast<std::streamsize>(size));
    if (in.bad()) throw InputError(path, "", util::Message::of("err.trace.read_error"));
    f.size = static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount()));  // shorter if it shrank meanwhile
    return f;
}

// JSON when the first byte after a byte order mark and white space is '{'.
// Returns 1 for JSON, 0 for not JSON, -1 when bytes holds only white space.
int sniff_json(std::span<const uint8_t> bytes) {
    std::size_t p = 0;
    if (bytes.size() >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb && bytes[2] == 0xbf) p = 3;  // UTF-8 byte order mark
    while (p < bytes.size() && (bytes[p] == ' ' || bytes[p] == '\t' || bytes[p] == '\n' || bytes[p] == '\r')) ++p;
    if (p == bytes.size()) return -1;
    return bytes[p] == '{' ? 1 : 0;
}

Trace load_in_memory(const std::vector<uint8_t>& bytes, const std::string& path) {
    const int kind = sniff_json(bytes);
    if (kind < 0) throw InputError(path, "", util::Message::of("err.trace.empty_file"));
    if (kind == 1)
        return parse_trace_json(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
    return parse_trace_cbor(bytes, path);
}

}  // namespace

Trace load_trace(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(path, "", util::Message::of("err.trace.directory"));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", util::Message::of("err.trace.unreadable", {util::errno_message(errno)}));
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    if (end < 0 || !in) return load_in_memory(read_file_bytes(path), path);  // not seekable: a pipe, a device

    const auto size = static_cast<std::size_t>(end);
    std::vector<uint8_t> head(std::min<std::size_t>(size, 1 << 16));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    int kind = sniff_json(head);
    if (kind < 0 && head.size() < size) return load_in_memory(read_file_bytes(path), path);  // 64 KiB of white space
    if (kind < 0) throw InputError(path, "", util::Message::of("err.trace.empty_file"));
    if (kind == 1) {
        const FileText text = read_whole(in, size, path);
        return parse_trace_json(std::string_view(text.data.get(), text.size), path);
    }
    // CBOR is decoded straight from the file, never held whole in memory.
    return parse_trace_cbor(in, path);
}

void save_trace(const Trace& t, const std::string& path, TraceFormat fmt) {
    // Checked before the temporary file exists, so a bad trace leaves nothing behind.
    validate_trace(t, "trace to write to " + path);
    write_file_atomic(path, [&](std::ostream& out) {
        if (fmt == TraceFormat::cbor) write_trace_cbor(t, out);
        else write_trace_json(t, out);
    });
}

TraceFormat format_for_path(const std::string& path) {
    constexpr std::string_view ext = ".cbor";
    if (path.size() < ext.size()) return TraceFormat::json;
    for (std::size_t k = 0; k < ext.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + k])) != ext[k])
            return TraceFormat::json;
    return TraceFormat::cbor;
}

}  // namespace sendpath::trace
