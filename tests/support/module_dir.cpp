#include "module_dir.hpp"

#include "runtime/files/sha256.hpp"

#include <cartera/sdk/date.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <pwd.h>
#include <unistd.h>

#ifndef CARTERA_FIXTURE_DIR
#error "CARTERA_FIXTURE_DIR must name the folder the fixture modules are built into"
#endif

namespace cartera::testing {

namespace fs = std::filesystem;

ModuleDir::ModuleDir() {
  std::string tmpl = (fs::temp_directory_path() / "cartera-modules-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = tmpl;
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
}

ModuleDir::~ModuleDir() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void ModuleDir::write_file(const std::string &name, const std::string &content) {
  std::ofstream out(dir_ / name, std::ios::binary);
  out << content;
}

void ModuleDir::add(const std::string &fixture, ManifestSpec spec) {
  if (spec.file.empty()) {
    spec.file = fixture + ".so";
  }
  fs::copy_file(fs::path(CARTERA_FIXTURE_DIR) / (fixture + ".so"), dir_ / spec.file,
                fs::copy_options::overwrite_existing);
  write_manifest(spec);
}

void ModuleDir::add_stamped(const std::string &fixture, const fs::path &from) {
  fs::copy_file(from / (fixture + ".so"), dir_ / (fixture + ".so"), fs::copy_options::overwrite_existing);
  fs::copy_file(from / (fixture + ".plugin.xml"), dir_ / (fixture + ".plugin.xml"),
                fs::copy_options::overwrite_existing);
  for (const char *sub : {"schemas", "sql"}) {
    if (fs::exists(from / sub)) {
      fs::copy(from / sub, dir_ / sub, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
  }
  if (fs::exists(from / (fixture + ".operations.xml"))) {
    fs::copy_file(from / (fixture + ".operations.xml"), dir_ / (fixture + ".operations.xml"),
                  fs::copy_options::overwrite_existing);
  }
}

void ModuleDir::write_manifest(const ManifestSpec &spec) {
  std::string sha = spec.sha.value_or("");
  if (!spec.sha) {
    sha = fs::exists(dir_ / spec.file) ? runtime::sha256_file_hex(dir_ / spec.file) : std::string(64, '0');
  }
  std::ostringstream m;
  m << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<plugin xmlns=\"urn:cartera:plugin-manifest:1\" id=\"" << spec.id << "\" name=\"" << spec.name
    << "\" version=\"" << spec.version << "\">\n"
    << "  <display-name>fixture</display-name>\n"
    << "  <abi major=\"" << spec.abi_major << "\" minor-built=\"" << spec.abi_minor_built << "\" minor-required=\""
    << spec.abi_minor_required << "\"/>\n"
    << "  <library file=\"" << spec.file << "\" sha256=\"" << sha << "\"/>\n"
    << "  <capabilities><capability>" << spec.capabilities << "</capability></capabilities>\n"
    << "  <jobs><job name=\"whoami\"><summary>Who is this module.</summary></job></jobs>\n"
    << "</plugin>\n";
  write_file(spec.name + ".plugin.xml", m.str());
}

std::string read_text(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::int64_t iso_day(std::string_view iso) {
  return cartera::sdk::parse_iso_date(iso).value();
}

std::string runner_acts_for_everyone() {
  // Found here as the kernel says, not through the runtime under test.
  struct passwd entry {};
  struct passwd *found = nullptr;
  std::vector<char> buffer(16384);
  const uid_t uid = ::geteuid();
  const std::string name = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr
                               ? std::string(found->pw_name)
                               : "uid:" + std::to_string(uid);
  return "    <os-account name=\"" + name + "\" acts-for=\"*\"/>\n";
}

} // namespace cartera::testing
