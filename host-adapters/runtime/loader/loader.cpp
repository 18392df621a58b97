#include "runtime/loader/loader.hpp"

#include "base/failure.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/files/xml_schema.hpp"
#include "runtime/loader/elf_exports.hpp"

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

namespace cartera::runtime {

namespace fs = std::filesystem;

std::string ModuleRecord::label() const {
  if (manifest) {
    return "module '" + manifest->id + "' " + manifest->version + " (" + manifest_path.filename().string() + ")";
  }
  return "module manifest " + manifest_path.filename().string();
}

namespace {

std::string version_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool world_writable(const fs::path &p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) != 0;
}

// Every check that needs no module code to run. Returns the refusal, or empty.
std::string static_checks(ModuleRecord &r, const fs::path &dir, HostAbi host) {
  const Manifest &m = *r.manifest;
  r.library_path = dir / m.library_file;
  std::error_code ec;
  if (!fs::exists(r.library_path, ec)) {
    return "library " + m.library_file + " named by the manifest does not exist in " + dir.string();
  }
  // The library must be a regular file inside the module directory itself: a symlink that
  // leads elsewhere would load code from a place IT did not configure.
  const fs::path real = fs::canonical(r.library_path, ec);
  if (ec || real.parent_path() != fs::canonical(dir, ec) || !fs::is_regular_file(real)) {
    return "library " + m.library_file + " is not a regular file inside " + dir.string();
  }
  if (world_writable(real)) {
    return "library " + real.string() + " is world-writable; refusing to load code anyone can replace";
  }
  if (world_writable(dir)) {
    return "module directory " + dir.string() + " is world-writable; refusing to load from it";
  }
  if (m.abi_major != host.major) {
    return "manifest declares ABI " + version_text(m.abi_major, m.abi_minor_built) + "; this host implements ABI " +
           version_text(host.major, host.minor);
  }
  if (m.abi_minor_required > host.minor) {
    return "requires host ABI " + version_text(m.abi_major, m.abi_minor_required) +
           " or newer; this host implements ABI " + version_text(host.major, host.minor);
  }
  const std::string actual = sha256_file_hex(real);
  if (actual != m.library_sha256) {
    return "manifest does not match binary: sha256 of " + m.library_file + " is " + actual + ", manifest says " +
           m.library_sha256;
  }
  try {
    boost::dll::library_info info(real, /*throw_if_not_native=*/true);
    (void)info.sections();
  } catch (const std::exception &e) {
    return "library " + m.library_file + " is not a loadable binary for this platform (" + e.what() + ")";
  }
  const ElfExports exports = read_elf_exports(real);
  if (!exports.ok) {
    return "library " + m.library_file + ": " + exports.error;
  }
  const auto has = [&](const std::string &s) {
    return std::binary_search(exports.symbols.begin(), exports.symbols.end(), s);
  };
  if (!has(CARTERA_ENTRY_SYMBOL)) {
    for (const auto &s : exports.symbols) {
      if (s.rfind("cartera_plugin_entry_v", 0) == 0) {
        return "built for ABI " + s.substr(std::strlen("cartera_plugin_entry_v")) + ".x (exports " + s +
               "); this host implements ABI " + version_text(host.major, host.minor);
      }
    }
    return "library " + m.library_file + " does not export " CARTERA_ENTRY_SYMBOL;
  }
  for (const auto &s : exports.symbols) {
    if (s != CARTERA_ENTRY_SYMBOL) {
      r.warnings.push_back("exports '" + s + "' besides the entry symbol (build with hidden visibility)");
    }
  }
  return {};
}

// Libraries stay mapped until exit (never dlclose'd in production).
struct Registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const LoadedModule>> by_id;
  // Libraries whose code ran (static constructors, the entry) but whose descriptor was
  // refused: kept mapped as well, since nothing guarantees they left no callbacks behind.
  std::vector<std::shared_ptr<void>> refused;
};

Registry &registry() {
  // Deliberately leaked: destroying it at exit would dlclose modules whose code may still be
  // referenced by atexit handlers or thread-local destructors.
  static auto *r = new Registry();
  return *r;
}

std::string dlopen_diagnosis(const fs::path &path) {
  // Boost.DLL resets dlerror(); a second attempt recovers the loader's own message
  // ("undefined symbol: x", "cannot open shared object file").
  void *h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h != nullptr) {
    return "loaded on the second attempt";
  }
  const char *e = ::dlerror();
  return e != nullptr ? e : "unknown dynamic loader error";
}

void check_str(const std::string &who, const char *field, cartera_str s) {
  if (s.len > 0 && s.ptr == nullptr) {
    fail(who + ": descriptor field " + field + " has a length but no data");
  }
}

std::string as_string(cartera_str s) {
  return s.ptr == nullptr ? std::string() : std::string(s.ptr, s.len);
}

} // namespace

ModuleCatalog ModuleCatalog::scan(const fs::path &module_dir, SchemaSet &schemas, HostAbi host) {
  ModuleCatalog c;
  c.dir_ = module_dir;
  c.host_ = host;
  std::error_code ec;
  if (!fs::is_directory(module_dir, ec)) {
    return c;
  }
  std::vector<fs::path> manifests;
  for (const auto &e : fs::directory_iterator(module_dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.size() > 11 && n.compare(n.size() - 11, 11, ".plugin.xml") == 0) {
      manifests.push_back(e.path());
    }
  }
  std::sort(manifests.begin(), manifests.end());
  std::map<std::string, std::string> seen_ids;
  std::map<std::string, std::string> seen_names;
  for (const auto &p : manifests) {
    ModuleRecord r;
    r.manifest_path = p;
    try {
      r.manifest = read_manifest(p, schemas);
    } catch (const Failure &f) {
      r.refusal = std::string("invalid manifest: ") + f.what();
      c.records_.push_back(std::move(r));
      continue;
    }
    const Manifest &m = *r.manifest;
    if (auto it = seen_ids.find(m.id); it != seen_ids.end()) {
      r.refusal = "duplicate id '" + m.id + "' (already provided by " + it->second + ")";
    } else if (auto it2 = seen_names.find(m.name); it2 != seen_names.end()) {
      r.refusal = "duplicate name '" + m.name + "' (already provided by " + it2->second + ")";
    } else {
      r.refusal = static_checks(r, module_dir, host);
      seen_ids.emplace(m.id, p.filename().string());
      seen_names.emplace(m.name, p.filename().string());
    }
    c.records_.push_back(std::move(r));
  }
  return c;
}

const ModuleRecord *ModuleCatalog::find(const std::string &name_or_id) const {
  for (const auto &r : records_) {
    if (r.manifest && (r.manifest->name == name_or_id || r.manifest->id == name_or_id)) {
      return &r;
    }
  }
  return nullptr;
}

std::shared_ptr<const LoadedModule> load_module(const ModuleRecord &record, HostAbi host) {
  if (!record.ok()) {
    fail(record.label() + " refused: " + record.refusal);
  }
  const Manifest &m = *record.manifest;
  const std::string who = record.label();
  Registry &reg = registry();
  std::lock_guard lock(reg.mutex);
  if (auto it = reg.by_id.find(m.id); it != reg.by_id.end()) {
    if (it->second->library_path != record.library_path) {
      fail(who + " refused: duplicate id, already loaded from " + it->second->library_path.string());
    }
    return it->second;
  }

  auto lib = std::make_shared<boost::dll::shared_library>();
  std::error_code ec;
  lib->load(record.library_path, ec, boost::dll::load_mode::rtld_now);
  if (ec) {
    fail(who + " refused: cannot load " + record.library_path.filename().string() + ": " +
         dlopen_diagnosis(record.library_path));
  }
  reg.refused.push_back(lib); // moved out of this list once the module is accepted
  if (!lib->has(CARTERA_ENTRY_SYMBOL)) {
    fail(who + " refused: " CARTERA_ENTRY_SYMBOL " not found after loading");
  }
  auto entry = lib->get<const cartera_plugin_descriptor *()>(CARTERA_ENTRY_SYMBOL);
  const cartera_plugin_descriptor *raw = entry();
  if (raw == nullptr) {
    fail(who + " refused: corrupt descriptor: " CARTERA_ENTRY_SYMBOL " returned NULL");
  }
  // The struct_size field is the first 4 bytes, present in every descriptor.
  if (raw->struct_size < CARTERA_DESCRIPTOR_V1_0_SIZE) {
    fail(who + " refused: corrupt descriptor: struct_size is " + std::to_string(raw->struct_size) +
         " bytes, smaller than the " + std::to_string(CARTERA_DESCRIPTOR_V1_0_SIZE) +
         " bytes of an ABI 1.0 descriptor");
  }
  auto loaded = std::make_shared<LoadedModule>();
  std::memcpy(&loaded->descriptor, raw, std::min<std::size_t>(raw->struct_size, sizeof(cartera_plugin_descriptor)));
  const cartera_plugin_descriptor &d = loaded->descriptor;
  if (d.abi_major != host.major) {
    fail(who + " refused: built for ABI " + version_text(d.abi_major, d.abi_minor_built) +
         "; this host implements ABI " + version_text(host.major, host.minor));
  }
  if (d.abi_minor_required > host.minor) {
    fail(who + " refused: requires host ABI " + version_text(d.abi_major, d.abi_minor_required) +
         " or newer; this host implements ABI " + version_text(host.major, host.minor));
  }
  if (d.create == nullptr || d.destroy == nullptr || d.handle == nullptr) {
    const char *field = d.create == nullptr ? "create" : d.destroy == nullptr ? "destroy" : "handle";
    fail(who + " refused: mandatory callback '" + field + "' is NULL");
  }
  check_str(who, "id", d.id);
  check_str(who, "version", d.version);
  if (d.doc_type_count > 0 && d.doc_types == nullptr) {
    fail(who + " refused: descriptor declares " + std::to_string(d.doc_type_count) + " document types but no table");
  }
  const auto mismatch = [&](const std::string &field, const std::string &bin, const std::string &man) {
    fail(who + " refused: manifest does not match binary: " + field + " is '" + bin + "' in the binary, '" + man +
         "' in the manifest");
  };
  if (as_string(d.id) != m.id) {
    mismatch("id", as_string(d.id), m.id);
  }
  if (as_string(d.version) != m.version) {
    mismatch("version", as_string(d.version), m.version);
  }
  if (d.abi_major != m.abi_major || d.abi_minor_required != m.abi_minor_required) {
    mismatch("abi", version_text(d.abi_major, d.abi_minor_required), version_text(m.abi_major, m.abi_minor_required));
  }
  // cartera_add_module stamps minor-built from the abi.h the module is compiled against: a
  // manifest that says another was written by hand, or belongs to another build.
  if (d.abi_minor_built != m.abi_minor_built) {
    mismatch("abi built", version_text(d.abi_major, d.abi_minor_built), version_text(m.abi_major, m.abi_minor_built));
  }
  if (d.capabilities != m.capability_bits) {
    mismatch("capabilities", capability_words(d.capabilities), capability_words(m.capability_bits));
  }
  for (std::uint32_t i = 0; i < d.doc_type_count; ++i) {
    const std::string name = as_string(d.doc_types[i].name);
    const DocTypeSpec *spec = m.find_doc_type(name);
    if (spec == nullptr || spec->namespace_uri != as_string(d.doc_types[i].namespace_uri) ||
        spec->direction != d.doc_types[i].direction) {
      mismatch("document type", name + " " + as_string(d.doc_types[i].namespace_uri),
               spec == nullptr ? "(absent)" : spec->name + " " + spec->namespace_uri);
    }
  }
  if (d.doc_type_count != m.doc_types.size()) {
    mismatch("document type count", std::to_string(d.doc_type_count), std::to_string(m.doc_types.size()));
  }
  loaded->manifest = m;
  loaded->library_path = record.library_path;
  loaded->library = lib;
  reg.refused.pop_back();
  reg.by_id.emplace(m.id, loaded);
  return loaded;
}

void unload_all_modules_for_tests() {
  Registry &reg = registry();
  std::lock_guard lock(reg.mutex);
  reg.by_id.clear();
  reg.refused.clear();
}

} // namespace cartera::runtime
