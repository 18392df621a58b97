// Everything a command needs, resolved once from the global options: configuration,
// schemas, the module catalog, the run's clock and identity, and (lazily) the database.
#pragma once

#include "runtime/config/config.hpp"
#include "runtime/files/xml_schema.hpp"
#include "runtime/loader/loader.hpp"
#include "runtime/store/store.hpp"
#include "sql/catalog.hpp"
#include "sql/operations.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cartera::runtime {

struct GlobalOptions {
  std::optional<std::filesystem::path> config; // --config, else $CARTERA_CONFIG, else ./cartera.xml
  std::optional<std::string> host;             // --host overrides <host adapter>
  // --db names the host's database: <host database> for an adapter that reads the host's own
  // (GnuCash), <database url> for one that keeps its tables in cartera's (the reference host).
  std::optional<std::string> database;
  // --user, else $CARTERA_USER: whom the caller acts as. Honoured in single-user mode, when it
  // names the user the caller's operating-system account is mapped to, or when cartera.xml
  // lets that account act for the user (<os-account acts-for>); refused otherwise.
  std::optional<std::string> user;
  std::optional<std::string> department; // --department, else the user's first
  std::optional<std::string> now;        // --now: fixes the clock (tests, replays)
  bool quiet = false;
  bool no_identity = false; // `cartera init` only: sets up before any user can be named
  std::string command;      // the command's words ("payments approve"), what a refusal's audit row names
};

struct Identity {
  std::string user;
  std::string os_account; // the operating-system account the process runs under (geteuid)
  std::string department;
  std::set<std::string> roles;
  bool single_user = false;
  [[nodiscard]] bool has_role(const std::string &r) const { return roles.count(r) != 0; }
};

class Host {
public:
  explicit Host(const GlobalOptions &options);

  [[nodiscard]] const Config &config() const noexcept { return config_; }
  SchemaSet &schemas() noexcept { return *schemas_; }
  const ModuleCatalog &catalog();
  RuntimeStore &store();
  // The active host adapter's operations over the store's database (its catalog validated,
  // its own migrations applied).
  DataAccess &data();
  const sql::Catalog &operation_catalog();
  // The host's own operations, offered to every module whatever the adapter
  // (share/cartera/adapters/operations.xml, host_operations.cpp): over cartera's database.
  DataAccess &host_operations();
  const sql::Catalog &host_operation_catalog();
  // data_for, check_operations and gather are defined with the run (runtime/run/module_data.cpp):
  // a contract a module publishes by a job is read by running that job.
  //
  // What a module's run reaches: the adapter's operations (over the host's database when the
  // adapter reads one, else cartera's), the host's own (host_operations), plus the module's own, from
  // <module dir>/<name>.operations.xml over the module's own tables, whose migrations
  // (share/cartera/schemas/sql/<name>/ or <module dir>/sql/<name>/, by dialect) are applied
  // first and recorded under the module's id.
  DataAccess &data_for(const Manifest &m);
  // The operations m's manifest names that nothing its run would reach offers: not the active
  // adapter (for its database's dialect), not the host's own, not m's own catalog (its SQL for
  // cartera's dialect, or a contract it gathers from the modules that publish it). Reads the
  // catalogs only: m's own tables are not migrated.
  std::vector<std::string> missing_operations(const Manifest &m);
  // Empty when m's operations are all offered; else the refusal, naming the adapter, the module
  // and every operation missing. `modules enable`, `plugins` and the run say the same words.
  std::string operations_refusal(const Manifest &m);
  // Refuses (exit 1, audited under object) the module about to run when operations_refusal has
  // a reason. Only that module: another enabled module's missing operations never stop this
  // one's jobs. Opens the adapter first (data()), then migrates the tables of the enabled
  // modules whose contracts m gathers (migrate_publishers), before any run transaction.
  void check_operations(const Manifest &m, const std::string &object);
  [[nodiscard]] const Identity &identity() const noexcept { return identity_; }
  [[nodiscard]] const InstallPaths &install() const noexcept { return install_; }
  [[nodiscard]] std::int64_t now_us() const noexcept { return now_us_; }
  [[nodiscard]] std::string now_iso() const; // UTC, "2026-11-22T15:04:05Z"
  [[nodiscard]] bool quiet() const noexcept { return quiet_; }

  // Refuses (exit 4) unless the caller has role; the message names who does.
  void require_role(const std::string &role, const std::string &action);

  // Every exit-4 refusal goes through here: an audit row (action "refused", object what was
  // refused, detail why) written on its own, outside any run's transaction, then the refusal.
  // If the row cannot be written (the database cannot be opened), stderr says so and the
  // refusal stands.
  [[noreturn]] void refuse(const std::string &object, const std::string &reason);
  // The audit row alone, for a refusal already decided elsewhere (a module's four eyes).
  void audit_refusal(const std::string &object, const std::string &reason) noexcept;

  // Refusals decided inside a run's transaction (a published job's op_prepare, which runs in
  // the consumer's), kept until audit_deferred_refusals writes them after it.
  void defer_refusal_audit(const std::string &object, const std::string &reason);
  void audit_deferred_refusals() noexcept;

  // Set by SIGINT/SIGTERM; modules see it through is_cancelled.
  static std::atomic<int> &cancel_flag();

private:
  InstallPaths install_;
  std::unique_ptr<SchemaSet> schemas_;
  Config config_;
  Identity identity_;
  std::string command_; // GlobalOptions::command
  std::int64_t now_us_ = 0;
  bool quiet_ = false;
  std::optional<ModuleCatalog> catalog_;
  std::unique_ptr<RuntimeStore> store_;
  std::optional<sql::Catalog> op_catalog_;
  std::unique_ptr<sql::CatalogDataAccess> data_;
  std::optional<sql::Catalog> host_op_catalog_;
  std::unique_ptr<sql::CatalogDataAccess> host_ops_;
  std::unique_ptr<sql::Database> host_db_; // the host's own database, read-only (storage="host")
  struct ModuleState {
    sql::Catalog catalog;          // the module's own operations
    bool own_catalog_file = false; // <module dir>/<name>.operations.xml exists
    std::unique_ptr<DataAccess> data;
  };
  std::map<std::string, ModuleState> module_states_;
  std::vector<std::pair<std::string, std::string>> deferred_refusals_; // (object, reason)

  // Whether m's own catalog publishes contract.
  bool publishes(const Manifest &m, const std::string &contract);
  // data_for every enabled module that publishes a contract consumer gathers, and theirs in
  // turn: their migrations run before the consumer's run opens its transaction.
  void migrate_publishers(const Manifest &consumer, std::set<std::string> &seen);
  // The dialect of cartera's own database, from its URL when that says it.
  sql::Dialect cartera_dialect();
  // m's own catalog, read and validated once (refused when it names an operation the adapter
  // or the host already provides); nothing migrated.
  const sql::Catalog &own_catalog(const Manifest &m);

  // The rows of every enabled module (but the consumer) that publishes spec.gather, checked
  // against spec's shape (gathered_operation.hpp).
  std::unique_ptr<PreparedOperation> gather(const std::string &consumer_id, const sql::OperationSpec &spec);

  void resolve_identity(const GlobalOptions &options);

  // Runs the adapter's attach_check (operation-catalog.xsd): refuses a database that is not
  // the host's, or that the host has locked, with every reason it gives.
  void attach_check();
};

// The operating-system account of the process (getpwuid of the effective uid); "uid:N" when
// the system knows no name for it.
std::string os_account_name();

// Parses --now values: "2026-11-22" (00:00 Bogotá), "2026-11-22T10:30:00" (Bogotá) or with
// an explicit offset / Z. Returns microseconds since the epoch.
std::optional<std::int64_t> parse_instant(const std::string &text);
std::string format_instant_utc(std::int64_t us);

} // namespace cartera::runtime
