// Log lines and progress on stderr. Progress is drawn only when stderr is a terminal, and
// redrawn at most ten times a second so that a module may report it for every row.
#pragma once

#include "runtime/call/call.hpp"

#include <chrono>
#include <string>

namespace cartera::cli {

class TerminalObserver : public runtime::RunObserver {
public:
  explicit TerminalObserver(bool quiet);
  ~TerminalObserver() override;
  void log(std::int32_t level, std::string_view module, std::string_view message) override;
  void progress(std::uint64_t done, std::uint64_t total, std::string_view label) override;
  void clear_line();

private:
  bool quiet_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

} // namespace cartera::cli
