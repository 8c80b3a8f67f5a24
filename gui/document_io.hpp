// Opening a file as a Document: a trace (.json/.cbor) is loaded, a scenario
// (a JSON object with "timeline") is run through the engine: live by default
// (the trace grows as the cursor moves on, README "Live mode"), or to its end.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "gui/model/document.hpp"
#include "gui/model/live_run.hpp"

namespace sendpath::gui {

struct LoadOptions {
    bool live = true;            // a scenario runs on a worker thread as the cursor needs it
    std::optional<TapArgs> tap;  // run the scenario over this TAP link (like sendpath-cli run --tap)
};

// Throws InputError (bad file: names file, place, what was expected) or
// RuntimeError (the engine or the replay failed, the TAP device cannot be opened).
std::unique_ptr<Document> load_document(const std::string& path, const LoadOptions& opt = {});

}  // namespace sendpath::gui
