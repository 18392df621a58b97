// Finding and loading modules. Two stages, after design/abi.md's decision table:
//
//  1. ModuleCatalog::scan reads every <module>.plugin.xml in the configured directory and
//     checks, without running any module code: the manifest against its XSD, that the
//     library is a plain file in that same directory, not world-writable, whose sha256 is the
//     manifest's, that is an ELF shared object exporting cartera_plugin_entry_v1, and whose
//     ABI in the manifest this host implements; duplicate ids are refused.
//  2. load_module dlopens (RTLD_NOW, so an unresolved dependency fails here), calls the entry,
//     copies the descriptor into a zeroed struct (OBS rule) and checks it: size, major,
//     required minor, mandatory callbacks, and agreement with the manifest.
//
// Loaded libraries are never unloaded in production (PostgreSQL, GStreamer, OBS and LLVM all
// keep modules resident): a LoadedModule lives in a process-wide registry until exit.
#pragma once

#include "runtime/loader/manifest.hpp"

#include <cartera/abi.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cartera::runtime {

class SchemaSet;

// The host's own ABI, overridable in tests to stand for an older or newer host.
struct HostAbi {
  std::uint16_t major = CARTERA_ABI_MAJOR;
  std::uint16_t minor = CARTERA_ABI_MINOR;
};

struct ModuleRecord {
  std::filesystem::path manifest_path;
  std::optional<Manifest> manifest; // absent when the manifest itself was refused
  std::filesystem::path library_path;
  std::string refusal; // empty = ok
  std::vector<std::string> warnings;
  [[nodiscard]] bool ok() const noexcept { return refusal.empty(); }
  [[nodiscard]] std::string label() const; // "module 'org.x' (x.plugin.xml)"
};

class ModuleCatalog {
public:
  static ModuleCatalog scan(const std::filesystem::path &module_dir, SchemaSet &schemas, HostAbi host = {});

  [[nodiscard]] const std::vector<ModuleRecord> &records() const noexcept { return records_; }
  // By CLI name ("collections") or id ("org.cartera.collections"); nullptr when unknown.
  [[nodiscard]] const ModuleRecord *find(const std::string &name_or_id) const;
  [[nodiscard]] const std::filesystem::path &dir() const noexcept { return dir_; }
  [[nodiscard]] HostAbi host_abi() const noexcept { return host_; }

private:
  std::filesystem::path dir_;
  HostAbi host_;
  std::vector<ModuleRecord> records_;
};

struct LoadedModule {
  Manifest manifest;
  std::filesystem::path library_path;
  cartera_plugin_descriptor descriptor{}; // the host's copy, zero-filled past struct_size
  std::shared_ptr<void> library;          // keeps the shared object mapped
};

// Loads a record that passed the scan. Throws Failure(kFailure) naming the module, the
// field at fault and both versions where versions are at fault.
std::shared_ptr<const LoadedModule> load_module(const ModuleRecord &record, HostAbi host = {});

// Tests only: release the registry so that libraries can be unloaded between cases.
void unload_all_modules_for_tests();

} // namespace cartera::runtime
