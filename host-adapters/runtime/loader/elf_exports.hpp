// The dynamic symbols a shared object exports, read from its .dynsym without loading it.
//
// Boost.DLL's library_info (1.74) answers "is this a binary of a known format", but its
// symbols() reads .symtab, which a stripped module lacks and which is not what the dynamic
// linker exports; this reader is exact and checks every bound, so a truncated or corrupt
// file gives a message instead of a crash.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cartera::runtime {

struct ElfExports {
  bool ok = false;
  std::string error;                // why the file is not a usable ELF shared object
  std::vector<std::string> symbols; // defined, global or weak, default visibility, FUNC/OBJECT
};

ElfExports read_elf_exports(const std::filesystem::path &path);

} // namespace cartera::runtime
