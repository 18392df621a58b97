// The host's own tables (schemas/sql/runtime): which module each department has enabled,
// the audit trail, the run journal and the documents each run emitted.
#pragma once

#include "sql/database.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cartera::runtime {

struct Enablement {
  std::string module_id;
  std::string department;
  std::string enabled_by;
  std::string enabled_at;
};

struct AuditEntry {
  long long seq = 0;
  std::string at;
  std::string user_id;
  std::string department;
  std::string action;
  std::string object;
  std::string detail;
};

struct RunEntry {
  std::string run_id;
  std::string module_id;
  std::string module_version;
  std::string job;
  std::string parameters;
  std::string user_id;
  std::string department;
  std::string started_at;
  std::string finished_at;
  std::string status;
  std::string message;
};

struct DocumentEntry {
  std::string document_id;
  std::string run_id;
  std::string module_id;
  std::string doc_type;
  std::string doc_key;
  std::string file_name;
  std::string sha256;
  long long size_bytes = 0;
  std::string created_at;
};

class RuntimeStore {
public:
  // Opens url and brings the runtime tables to this build's version.
  RuntimeStore(const std::string &url, const std::filesystem::path &sql_root, const std::string &now_iso);

  sql::Database &database() noexcept { return db_; }
  soci::session &session() noexcept { return *db_.session; }

  [[nodiscard]] bool is_enabled(const std::string &module_id, const std::string &department);
  std::vector<Enablement> enablements();
  // Both return false when nothing changed (already enabled / not enabled). The audit row is
  // written in the same transaction as the change.
  bool enable(const std::string &module_id, const std::string &department, const std::string &user,
              const std::string &user_department, const std::string &at);
  bool disable(const std::string &module_id, const std::string &department, const std::string &user,
               const std::string &user_department, const std::string &at);
  void audit(const AuditEntry &e); // inside the caller's transaction, if any
  std::vector<AuditEntry> audit_trail(int limit);

  // Assigns and returns run_id. Runs of this host still marked running whose process is gone
  // are marked interrupted first.
  std::string begin_run(const RunEntry &start);
  void mark_interrupted_runs(const std::string &at);
  void finish_run(const std::string &run_id, const std::string &status, const std::string &message,
                  const std::string &at);
  std::vector<RunEntry> runs(int limit);

  [[nodiscard]] bool document_exists(const std::string &document_id);
  void record_document(const DocumentEntry &d);
  std::vector<DocumentEntry> documents_of_run(const std::string &run_id);

private:
  sql::Database db_;
};

} // namespace cartera::runtime
