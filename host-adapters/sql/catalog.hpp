// A host adapter's catalog of named operations (schemas/xml/operation-catalog.xsd): what
// each operation takes and returns, and its SQL in each dialect.
#pragma once

#include "sql/database.hpp"

#include <cartera/abi.h>

#include <map>
#include <string>
#include <vector>

namespace cartera::sql {

struct TypedName {
  std::string name;
  std::int32_t type = CARTERA_TYPE_TEXT; // CARTERA_TYPE_*
  bool host_supplied = false;            // bound by the runtime (utc_shift), never by a module
};

struct OperationSpec {
  std::string name;
  bool writes = false;
  std::string summary;
  std::vector<TypedName> params;
  std::vector<TypedName> columns;
  std::map<Dialect, std::string> sql;
  std::string publish; // the contract this read operation offers other modules, or empty
  std::string gather;  // the contract whose publishers this operation unites (no SQL), or empty
  std::string job;     // published by running this job of the module (no SQL), or empty
  [[nodiscard]] const TypedName *find_param(const std::string &n) const;
};

// Names the runtime binds itself (operation-catalog.xsd, supplied-by="host").
inline constexpr const char *kHostSuppliedParams[] = {"utc_shift"};

struct Catalog {
  std::string adapter;
  // false: the adapter's tables live in cartera's database (migrated); true: it reads the
  // host system's own database, opened read-only (storage="host").
  bool reads_host_database = false;
  std::vector<OperationSpec> operations;
  [[nodiscard]] const OperationSpec *find(const std::string &name) const;
};

// Parses a catalog already validated against its XSD.
Catalog parse_catalog(const std::string &xml);

// CARTERA_TYPE_* for "text", "integer", "centavos", "date", "boolean".
std::int32_t type_of(const std::string &word);
const char *type_word(std::int32_t type) noexcept;

} // namespace cartera::sql
