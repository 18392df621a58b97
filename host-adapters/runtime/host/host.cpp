#include "runtime/host/host.hpp"

#include "base/failure.hpp"

#include <cartera/sdk/date.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <pwd.h>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace cartera::runtime {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kBogotaOffsetSeconds = -5LL * 3600; // UTC-5, no daylight saving

std::optional<std::string> env(const char *name) {
  const char *v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::optional<std::string>(v) : std::nullopt;
}

std::string join(const std::vector<const User *> &users) {
  std::string out;
  for (const auto *u : users) {
    out += (out.empty() ? "" : ", ") + u->id;
  }
  return out.empty() ? "(none configured)" : out;
}

} // namespace

std::optional<std::int64_t> parse_instant(const std::string &text) {
  const auto date = sdk::parse_iso_date(text.substr(0, 10));
  if (!date) {
    return std::nullopt;
  }
  std::int64_t seconds = *date * 86400;
  std::int64_t offset = kBogotaOffsetSeconds;
  if (text.size() == 10) {
    return (seconds - offset) * 1'000'000;
  }
  unsigned h = 0;
  unsigned m = 0;
  unsigned s = 0;
  int consumed = 0;
  if (text.size() < 19 || text[10] != 'T' ||
      std::sscanf(text.c_str() + 11, "%2u:%2u:%2u%n", &h, &m, &s, &consumed) != 3 || consumed != 8 || h > 23 ||
      m > 59 || s > 59) {
    return std::nullopt;
  }
  seconds += h * 3600 + m * 60 + s;
  const std::string zone = text.substr(19);
  if (zone == "Z") {
    offset = 0;
  } else if (!zone.empty()) {
    unsigned zh = 0;
    unsigned zm = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') ||
        std::sscanf(zone.c_str() + 1, "%2u:%2u", &zh, &zm) != 2) {
      return std::nullopt;
    }
    offset = (zone[0] == '-' ? -1 : 1) * static_cast<std::int64_t>(zh * 3600 + zm * 60);
  }
  return (seconds - offset) * 1'000'000;
}

std::string os_account_name() {
  const uid_t uid = ::geteuid();
  std::vector<char> buffer(16384);
  struct passwd entry {};
  struct passwd *found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr && *found->pw_name != '\0') {
    return found->pw_name;
  }
  return "uid:" + std::to_string(uid);
}

std::string format_instant_utc(std::int64_t us) {
  return sdk::format_iso_instant_utc(us);
}

std::atomic<int> &Host::cancel_flag() {
  static std::atomic<int> flag{0};
  return flag;
}

Host::Host(const GlobalOptions &options)
    : install_(InstallPaths::from_executable()), command_(options.command), quiet_(options.quiet) {
  schemas_ = std::make_unique<SchemaSet>(install_.schema_dir / "xml");
  std::optional<fs::path> config_path = options.config;
  if (!config_path) {
    if (auto e = env("CARTERA_CONFIG")) {
      config_path = fs::path(*e);
    } else if (fs::exists("cartera.xml")) {
      config_path = fs::path("cartera.xml");
    }
  }
  config_ = load_config(config_path, install_, *schemas_);
  schemas_->add_fallback_dir(config_.module_dir / "schemas");
  if (options.host) {
    config_.host_adapter = *options.host;
  }
  if (options.database) {
    // --db names the host's data: for an adapter that reads the host's own database, that
    // database; for one whose tables live in cartera's database, cartera's database.
    (operation_catalog().reads_host_database ? config_.host_database_url : config_.database_url) = *options.database;
  }

  const std::optional<std::string> now_text = options.now ? options.now : env("CARTERA_NOW");
  if (now_text) {
    auto parsed = parse_instant(*now_text);
    if (!parsed) {
      usage_error("--now '" + *now_text + "' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]");
    }
    now_us_ = *parsed;
  } else {
    now_us_ = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
  }

  if (options.no_identity) {
    return;
  }
  resolve_identity(options);
}

// Who is calling (README.md, "Who is calling"): the operating-system account the process runs
// under, established by the kernel, mapped to a cartera user in cartera.xml as PostgreSQL's
// pg_ident maps system users. A name given with --user or $CARTERA_USER is a claim: it is
// honoured in single-user mode (no users configured: there is nobody else to be), when it is
// the mapped user itself, or when cartera.xml lets the account act for that user.
void Host::resolve_identity(const GlobalOptions &options) {
  identity_.os_account = os_account_name();
  const std::optional<std::string> named = options.user ? options.user : env("CARTERA_USER");
  if (config_.single_user_mode()) {
    identity_.user = named.value_or(identity_.os_account);
    identity_.single_user = true;
    identity_.roles = known_roles();
    identity_.department = options.department.value_or(config_.departments.front().id);
    if (config_.find_department(identity_.department) == nullptr) {
      refuse(command_, "department '" + identity_.department + "' is not declared in the configuration");
    }
    return;
  }
  const User *mapped = config_.user_of_os_account(identity_.os_account);
  const User *u = mapped;
  // A refusal is audited under the user the account is (or the name claimed, marked: configured
  // ids cannot hold ':'); the row names the account too (the store's caller).
  identity_.department = options.department.value_or("");
  if (named && (mapped == nullptr || mapped->id != *named)) {
    identity_.user = mapped != nullptr ? mapped->id : "unknown:" + *named;
    u = config_.find_user(*named);
    if (u == nullptr) {
      identity_.user = "unknown:" + *named;
      refuse(command_, "user '" + *named + "' is not declared in " + config_.source.string());
    }
    const Delegation *d = config_.find_delegation(identity_.os_account);
    if (d == nullptr || !d->allows(*named)) {
      refuse(command_, "the operating-system account '" + identity_.os_account + "' may not act as '" + *named + "'" +
                           (mapped != nullptr ? " (it is '" + mapped->id + "')"
                                              : " (it is not mapped to any user: <user os-account=\"" +
                                                    identity_.os_account + "\"> in " + config_.source.string() + ")") +
                           "; an account that acts for others is listed as <os-account name=\"" + identity_.os_account +
                           "\" acts-for=\"...\"/> in <users>");
    }
  } else if (u == nullptr) {
    identity_.user = "unknown:" + identity_.os_account;
    refuse(command_, "the operating-system account '" + identity_.os_account + "' is not mapped to a user in " +
                         config_.source.string() + " (<user ... os-account=\"" + identity_.os_account + "\"/>)");
  }
  identity_.user = u->id;
  identity_.roles = u->roles;
  identity_.department = options.department.value_or(u->departments.front());
  if (!u->in_department(identity_.department)) {
    refuse(command_, "user '" + u->id + "' does not belong to department '" + identity_.department + "'");
  }
}

const ModuleCatalog &Host::catalog() {
  if (!catalog_) {
    catalog_ = ModuleCatalog::scan(config_.module_dir, *schemas_);
  }
  return *catalog_;
}

RuntimeStore &Host::store() {
  if (!store_) {
    store_ = std::make_unique<RuntimeStore>(config_.database_url, install_.schema_dir / "sql", now_iso(),
                                            config_.sqlite_cache_mb);
    store_->set_caller(identity_.os_account.empty() ? os_account_name() : identity_.os_account);
  }
  return *store_;
}

const sql::Catalog &Host::operation_catalog() {
  if (!op_catalog_) {
    const fs::path path = install_.adapter_dir / config_.host_adapter / "operations.xml";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      fail("host adapter '" + config_.host_adapter + "' is not installed (no " + path.string() + ")");
    }
    std::stringstream buf;
    buf << in.rdbuf();
    schemas_->validate(buf.str(), path.string(), "operation-catalog.xsd");
    op_catalog_ = sql::parse_catalog(buf.str());
  }
  return *op_catalog_;
}

DataAccess &Host::data() {
  if (data_) {
    return *data_;
  }
  const sql::Catalog &catalog = operation_catalog();
  if (!catalog.reads_host_database) {
    if (!config_.host_database_url.empty()) {
      fail("the '" + config_.host_adapter + "' host adapter keeps its tables in cartera's database (" +
           store().database().display_url + "); <host database> is for adapters that read a host's own database");
    }
    RuntimeStore &s = store();
    if (sql::shipped_version(install_.schema_dir / "sql", config_.host_adapter, s.database().dialect) > 0) {
      sql::migrate(s.database(), config_.host_adapter, install_.schema_dir / "sql", now_iso());
    }
    data_ = std::make_unique<sql::CatalogDataAccess>(s.database(), catalog);
    return *data_;
  }
  if (config_.host_database_url.empty()) {
    usage_error("the '" + config_.host_adapter + "' host adapter reads the host's own database: name it with --db " +
                "or <host adapter=\"" + config_.host_adapter + "\" database=\"...\"/> in cartera.xml");
  }
  host_db_ = std::make_unique<sql::Database>(sql::open_database(config_.host_database_url, sql::Access::kReadOnly));
  data_ = std::make_unique<sql::CatalogDataAccess>(
      *host_db_, catalog, std::map<std::string, std::string>{{"utc_shift", utc_shift(config_.time_zone)}});
  attach_check();
  return *data_;
}

void Host::attach_check() {
  if (!data_->has_operation("attach_check")) {
    return;
  }
  const std::string what = "database " + host_db_->display_url;
  std::string problems;
  try {
    auto op = data_->prepare("attach_check");
    op->execute();
    while (op->step()) {
      const cartera_value v = op->column(0);
      problems += (problems.empty() ? "" : "; ") + std::string(v.s.ptr, v.s.len);
    }
  } catch (const soci::soci_error &e) {
    // The driver's reason, without the statement SOCI quotes around it (twice, through ODBC).
    std::string reason = e.get_error_message();
    if (const auto quoted = reason.find("\": "); reason.rfind("Error ", 0) == 0 && quoted != std::string::npos) {
      reason = reason.substr(quoted + 3);
    }
    fail(what + " is not a " + config_.host_adapter + " database: " + reason);
  } catch (const std::exception &e) {
    fail(what + " is not a " + config_.host_adapter + " database: " + e.what());
  }
  if (!problems.empty()) {
    fail(what + " is refused: " + problems);
  }
}

std::string Host::now_iso() const {
  return format_instant_utc(now_us_);
}

void Host::require_role(const std::string &role, const std::string &action) {
  if (identity_.has_role(role)) {
    return;
  }
  refuse(command_, "user '" + identity_.user + "' may not " + action + ": it needs the '" + role +
                       "' role, which these users have: " + join(config_.users_with_role(role)));
}

void Host::audit_refusal(const std::string &object, const std::string &reason) noexcept {
  try {
    store().audit(AuditEntry{0, now_iso(), identity_.user, identity_.department, "refused",
                             object.empty() ? "cartera" : object, reason});
  } catch (const std::exception &e) {
    try {
      std::cerr << "cartera: warning: the refusal below is not in the audit trail: " << e.what() << "\n";
    } catch (...) { // NOLINT(bugprone-empty-catch): nothing is left to tell it with
    }
  }
}

void Host::defer_refusal_audit(const std::string &object, const std::string &reason) {
  deferred_refusals_.emplace_back(object, reason);
}

void Host::audit_deferred_refusals() noexcept {
  for (const auto &[object, reason] : deferred_refusals_) {
    audit_refusal(object, reason);
  }
  deferred_refusals_.clear();
}

void Host::refuse(const std::string &object, const std::string &reason) {
  audit_refusal(object, reason);
  not_permitted(reason);
}

} // namespace cartera::runtime
