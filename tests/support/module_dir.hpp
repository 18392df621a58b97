// A scratch module directory for tests: fixture modules copied in with manifests written for
// them (or broken on purpose), removed at the end.
#pragma once

#include <cartera/abi.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cartera::testing {

struct ManifestSpec {
  std::string id;
  std::string name;
  std::string version = "1.0.0";
  int abi_major = 1;
  int abi_minor_built = CARTERA_ABI_MINOR; // what the fixtures built against this tree's abi.h say
  int abi_minor_required = 0;
  std::string file;               // library file name in the directory
  std::optional<std::string> sha; // default: the real sha256 of the file
  std::string capabilities = "reports";
};

class ModuleDir {
public:
  ModuleDir();
  ~ModuleDir();
  ModuleDir(const ModuleDir &) = delete;
  ModuleDir &operator=(const ModuleDir &) = delete;

  [[nodiscard]] const std::filesystem::path &path() const noexcept { return dir_; }

  // Copies fixture <fixture>.so from the fixture build folder as spec.file (default
  // <fixture>.so) and writes <name>.plugin.xml for it.
  void add(const std::string &fixture, ManifestSpec spec);
  // Copies a module built with cartera_add_module together with its stamped manifest and
  // the fixture schemas folder.
  void add_stamped(const std::string &fixture, const std::filesystem::path &from);
  void write_manifest(const ManifestSpec &spec);
  void write_file(const std::string &name, const std::string &content);

private:
  std::filesystem::path dir_;
};

std::string read_text(const std::filesystem::path &p);

// The <os-account> line that lets the account running the tests act, with --user, for every
// configured user (README.md, "Who is calling"): the suites play every person from one
// operating-system account, as the demo does. Goes inside <users>, after the users.
std::string runner_acts_for_everyone();

// Days since 1970-01-01 of an ISO date the test itself writes (throws on a bad one).
std::int64_t iso_day(std::string_view iso);

} // namespace cartera::testing
