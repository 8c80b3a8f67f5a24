// Shell commands from tests and benches: the exit status, or what they printed.
#pragma once

#include <string>

namespace sptest {

// Runs a shell command; returns its exit status (128 + signal if killed, -1 if it did not run).
int sh(const std::string& cmd);
// What a shell command printed on stdout; its exit status (as sh gives it) goes to *status if given.
std::string sh_out(const std::string& cmd, int* status = nullptr);

}  // namespace sptest
