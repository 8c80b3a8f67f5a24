// The text of an errno value, as a string-table text (util/message.hpp).
//
// English is strerror's text exactly (the CLI prints what it always printed);
// the errno values a user of sendpath actually meets (a full disk, a folder
// not writable, a missing file or device, a busy TAP) have a text in the
// other languages too. Any other value is strerror's text in every language.
#pragma once

#include <string>

#include "util/message.hpp"

namespace sendpath::util {

// err's text: "No space left on device" in English, "设备上没有剩余空间" in Chinese.
Message errno_message(int err);
// The same for an errno whose English text is already known (std::error_code::message()).
Message errno_message(int err, std::string english);
// The errno text of strerror's English words, for a text that kept only them
// (a trace's end_reason); a literal if they are none of the known values'.
Message errno_message_of_text(const std::string& english);

}  // namespace sendpath::util
