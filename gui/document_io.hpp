// Opening a file as a Document: a trace (.json/.cbor) is loaded, a scenario
// (a JSON object with "timeline") is run through the engine first.
#pragma once

#include <memory>
#include <string>

#include "gui/model/document.hpp"

namespace sendpath::gui {

// Throws InputError (bad file: names file, place, what was expected) or
// RuntimeError (the engine or the replay failed).
std::unique_ptr<Document> load_document(const std::string& path);

}  // namespace sendpath::gui
