// The command line: global options (anywhere), the command words, and the rest of the
// options for the command to interpret against what it declares.
#pragma once

#include "runtime/host/host.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cartera::cli {

struct Args {
  runtime::GlobalOptions global;
  std::vector<std::string> words;                           // command and subcommand
  std::vector<std::pair<std::string, std::string>> options; // --name value / --name=value
  std::vector<std::string> flags;                           // --name with no value
  std::optional<std::string> format;
  std::optional<std::string> input;
  std::optional<std::string> output;
  bool help = false;
  bool version = false;

  [[nodiscard]] std::optional<std::string> option(const std::string &name) const;
  [[nodiscard]] bool flag(const std::string &name) const;
  // Fails (exit 2) on any option or flag outside allowed.
  void only(const std::vector<std::string> &allowed, const std::string &command) const;
};

// Splits argv. An option takes the next word as its value unless that word starts with "--"
// (then it is a flag, and the command decides whether it takes one).
Args parse_args(int argc, char **argv);

} // namespace cartera::cli
