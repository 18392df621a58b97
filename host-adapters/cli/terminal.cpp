#include "cli/terminal.hpp"

#include <cartera/sdk/text.hpp>

#include <cartera/abi.h>

#include <cstdio>
#include <unistd.h>

namespace cartera::cli {

TerminalObserver::TerminalObserver(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1) {}

TerminalObserver::~TerminalObserver() {
  clear_line();
}

void TerminalObserver::clear_line() {
  if (drawn_) {
    std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }
}

void TerminalObserver::log(std::int32_t level, std::string_view module, std::string_view message) {
  if (quiet_ && level < CARTERA_LOG_WARNING) {
    return;
  }
  if (level < CARTERA_LOG_INFO) {
    return;
  }
  clear_line();
  const char *tag = level >= CARTERA_LOG_ERROR ? "error" : level == CARTERA_LOG_WARNING ? "warning" : "info";
  // A module's message may quote data: its control characters are shown, not sent.
  const std::string shown = sdk::printable(message, true);
  std::fprintf(stderr, "cartera: %.*s: %s: %s\n", static_cast<int>(module.size()), module.data(), tag, shown.c_str());
}

void TerminalObserver::progress(std::uint64_t done, std::uint64_t total, std::string_view label) {
  if (quiet_ || !tty_) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool finished = total > 0 && done >= total;
  if (!finished && drawn_ && now - last_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_ = now;
  if (total > 0) {
    const unsigned pct = static_cast<unsigned>(done * 100 / total);
    const unsigned filled = pct * 30 / 100;
    std::string bar(filled, '#');
    bar.append(30 - filled, '.');
    std::fprintf(stderr, "\r\033[K%.*s [%s] %3u%% %llu/%llu", static_cast<int>(label.size()), label.data(), bar.c_str(),
                 pct, static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  } else {
    std::fprintf(stderr, "\r\033[K%.*s %llu", static_cast<int>(label.size()), label.data(),
                 static_cast<unsigned long long>(done));
  }
  std::fflush(stderr);
  drawn_ = true;
  if (finished) {
    clear_line();
  }
}

} // namespace cartera::cli
