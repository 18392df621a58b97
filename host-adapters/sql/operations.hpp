// Named operations run against a database: the DataAccess a host adapter gives the runtime.
//
// Two cursors implement the same contract. On a native SQLite session the operation runs on
// sqlite3 directly (prepare, bind by name, step, read columns without copying), because a
// report over a million invoices spends its time per row. Everywhere else (PostgreSQL, and
// every ODBC source) it runs through SOCI: named binds, soci::row for reads, vectors with
// indicators for bulk writes. Parameters are always bound, never spliced into SQL.
#pragma once

#include "base/data_access.hpp"
#include "sql/catalog.hpp"
#include "sql/database.hpp"

#include <map>
#include <memory>
#include <string>

namespace cartera::sql {

class CatalogDataAccess : public runtime::DataAccess {
public:
  // host_params: the values of parameters declared supplied-by="host" (utc_shift).
  CatalogDataAccess(Database &db, const Catalog &catalog, std::map<std::string, std::string> host_params = {})
      : db_(db), catalog_(catalog), host_params_(std::move(host_params)) {}

  [[nodiscard]] bool has_operation(const std::string &name) const override;
  std::unique_ptr<runtime::PreparedOperation> prepare(const std::string &name) override;

private:
  Database &db_;
  const Catalog &catalog_;
  std::map<std::string, std::string> host_params_;
};

// "2026-11-22" (or a longer timestamp starting so) to days; throws naming operation and column.
std::int64_t date_from_text(std::string_view text, const std::string &op, const std::string &column);

} // namespace cartera::sql
