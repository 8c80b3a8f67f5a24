#include "cli/args.hpp"

#include <algorithm>

namespace sendpath::cli {

namespace {

const OptionSpec* find_long(const VerbSpec& spec, const std::string& name) {
    for (const auto& o : spec.options)
        if (o.name == name) return &o;
    return nullptr;
}

const OptionSpec* find_short(const VerbSpec& spec, char c) {
    for (const auto& o : spec.options)
        if (o.short_name != 0 && o.short_name == c) return &o;
    return nullptr;
}

std::string option_label(const OptionSpec& o) {
    std::string s = o.short_name ? std::string("-") + o.short_name + ", " : std::string("    ");
    s += "--" + o.name;
    if (!o.value_name.empty()) s += " " + o.value_name;
    return s;
}

}  // namespace

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

const std::string& ParsedArgs::required(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) throw UsageError("missing --" + name);
    return it->second;
}

ParsedArgs parse_args(const VerbSpec& spec, std::span<const std::string> args) {
    ParsedArgs out;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (options_done || a.size() < 2 || a[0] != '-') {
            out.positional.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        if (a == "--help" || a == "-h") {
            out.help = true;
            return out;
        }
        const OptionSpec* o = nullptr;
        std::optional<std::string> inline_value;
        std::string shown = a;  // as the user typed it, for messages
        if (a.rfind("--", 0) == 0) {
            std::string name = a.substr(2);
            if (auto eq = name.find('='); eq != std::string::npos) {
                inline_value = name.substr(eq + 1);
                name.resize(eq);
                shown = "--" + name;
            }
            o = find_long(spec, name);
        } else if (a.size() == 2) {
            o = find_short(spec, a[1]);
        } else if (const OptionSpec* s = find_short(spec, a[1]); s && !s->value_name.empty()) {
            o = s;  // -oFILE
            inline_value = a.substr(2);
            shown = a.substr(0, 2);
        }
        if (!o) throw UsageError("unknown option " + shown);
        const bool seen = out.values.count(o->name) || out.flags.count(o->name);
        if (seen) throw UsageError("--" + o->name + " is given more than once");
        if (o->value_name.empty()) {
            if (inline_value) throw UsageError("--" + o->name + " takes no value");
            out.flags[o->name] = true;
            continue;
        }
        if (inline_value) {
            out.values[o->name] = *inline_value;
        } else {
            if (i + 1 >= args.size()) throw UsageError(shown + " needs a value (" + o->value_name + ")");
            out.values[o->name] = args[++i];
        }
        if (out.values[o->name].empty()) throw UsageError(shown + " needs a non-empty value (" + o->value_name + ")");
    }
    std::size_t required = 0;
    for (const auto& p : spec.positional) required += p.empty() || p[0] != '[' ? 1 : 0;
    const bool repeats = !spec.positional.empty() && spec.positional.back().ends_with("...");
    if (out.positional.size() < required) {
        std::string name = spec.positional[out.positional.size()];
        if (name.ends_with("...")) name.resize(name.size() - 3);
        throw UsageError("missing " + name);
    }
    if (out.positional.size() > spec.positional.size() && !repeats)
        throw UsageError("unexpected argument '" + out.positional[spec.positional.size()] + "'");
    return out;
}

std::string usage_line(const VerbSpec& spec) {
    std::string s = "usage: sendpath-cli " + spec.name;
    for (const auto& p : spec.positional) s += " " + p;
    bool optional_ones = false;
    for (const auto& o : spec.options) {
        if (!o.required) {
            optional_ones = true;
            continue;
        }
        s += o.short_name ? std::string(" -") + o.short_name : " --" + o.name;
        if (!o.value_name.empty()) s += " " + o.value_name;
    }
    if (optional_ones) s += " [options]";
    return s;
}

std::string help_text(const VerbSpec& spec) {
    std::string s = usage_line(spec) + "\n\n" + spec.summary + "\n\noptions:\n";
    std::size_t width = std::string("-h, --help").size();
    for (const auto& o : spec.options) width = std::max(width, option_label(o).size());
    auto line = [&](const std::string& label, const std::string& help) {
        s += "  " + label + std::string(width - label.size() + 2, ' ') + help + "\n";
    };
    for (const auto& o : spec.options) line(option_label(o), (o.required ? "Required. " : "") + o.help);
    line("-h, --help", "Show this help and exit.");
    if (!spec.description.empty()) s += "\n" + spec.description + (spec.description.back() == '\n' ? "" : "\n");
    return s;
}

}  // namespace sendpath::cli
