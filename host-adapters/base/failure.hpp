// The one exception type the host throws for anything a person must read: it carries the
// process exit code the CLI returns (README "Exit codes").
#pragma once

#include <stdexcept>
#include <string>

namespace cartera::runtime {

enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,      // something failed that is not the caller's input
  kUsage = 2,        // bad command line
  kInputRefused = 3, // a file, document or value was refused; nothing was written
  kNotPermitted = 4, // the user or department may not do this
};

class Failure : public std::runtime_error {
public:
  Failure(ExitCode code, const std::string &message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] ExitCode code() const noexcept { return code_; }

private:
  ExitCode code_;
};

[[noreturn]] inline void refuse_input(const std::string &message) {
  throw Failure(ExitCode::kInputRefused, message);
}
[[noreturn]] inline void usage_error(const std::string &message) {
  throw Failure(ExitCode::kUsage, message);
}
[[noreturn]] inline void not_permitted(const std::string &message) {
  throw Failure(ExitCode::kNotPermitted, message);
}
[[noreturn]] inline void fail(const std::string &message) {
  throw Failure(ExitCode::kFailure, message);
}

} // namespace cartera::runtime
