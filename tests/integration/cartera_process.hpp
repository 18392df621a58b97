// Runs the built `cartera` binary as a person or a script would: arguments, a working
// folder, standard output and error captured, the exit code returned.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cartera::testing {

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

Outcome run_cartera(const std::filesystem::path &cwd, const std::vector<std::string> &args);

// Starts it without waiting (for the kill tests); output goes to files in cwd.
pid_t spawn_cartera(const std::filesystem::path &cwd, const std::vector<std::string> &args);
// The same with its output in cwd/NAME.stdout and cwd/NAME.stderr (several at once);
// finish_cartera waits for it and reads them back.
pid_t spawn_cartera(const std::filesystem::path &cwd, const std::vector<std::string> &args, const std::string &name);
Outcome finish_cartera(const std::filesystem::path &cwd, pid_t pid, const std::string &name);

// What the tests ask of a run's output (files: read_text in tests/support/module_dir.hpp).
bool contains(const std::string &s, const std::string &part);
std::size_t count_lines(const std::string &s);

// The source tree's tests/data, where the bank files, rule files and companies are.
inline const std::filesystem::path kTestData = std::filesystem::path(CARTERA_SOURCE_DIR) / "tests/data";

// A treasury acknowledgement (acknowledgement.xsd) of document, from "tesoreria", holding answer.
std::string acknowledgement_xml(const std::string &document, const std::string &answer);

} // namespace cartera::testing
