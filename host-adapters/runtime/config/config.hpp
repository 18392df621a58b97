// cartera.xml: where the database, modules, outbox and inbox are; the departments and users.
// Without a cartera.xml the documented defaults apply (README "Configuration").
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cartera::runtime {

class SchemaSet;

// Where the installed (or built) tree puts things, found from the executable's path.
struct InstallPaths {
  std::filesystem::path bin_dir;
  std::filesystem::path module_dir;  // <prefix>/lib/cartera/plugins
  std::filesystem::path schema_dir;  // <prefix>/share/cartera/schemas
  std::filesystem::path adapter_dir; // <prefix>/share/cartera/adapters
  static InstallPaths from_executable();
};

struct Department {
  std::string id;
  std::string name;
};

// Roles that permissions are written against.
inline const std::set<std::string> &known_roles() {
  static const std::set<std::string> kRoles = {"analyst", "lead", "it", "ombudsman", "accounting", "treasury"};
  return kRoles;
}

struct User {
  std::string id;
  std::string name;
  std::string os_account; // the operating-system account mapped to this user (default: id)
  std::vector<std::string> departments;
  std::set<std::string> roles;
  [[nodiscard]] bool has_role(const std::string &r) const { return roles.count(r) != 0; }
  [[nodiscard]] bool in_department(const std::string &d) const;
};

// <os-account name="..." acts-for="...">: an operating-system account that may act, with
// --user, for the users named (all when any is true).
struct Delegation {
  std::string os_account;
  std::set<std::string> acts_for;
  bool any = false;
  [[nodiscard]] bool allows(const std::string &user) const { return any || acts_for.count(user) != 0; }
};

// One recipient of documents (cartera.xml <exchange>): which types, and by what transport.
struct Recipient {
  enum class Transport { kFolder, kHttp, kTable };
  std::string id;
  std::set<std::string> documents;
  Transport transport = Transport::kFolder;
  std::filesystem::path dir;     // folder
  std::string url;               // http
  std::filesystem::path ca_file; // http, empty: the system's authorities
  int timeout_seconds = 10;      // http
  std::string database_url;      // table
  std::string table;             // table
  int max_attempts = 8;
  int retry_after_seconds = 30;
  std::string token_sha256; // its acknowledgement credential, hashed; '' = answers by the inbox only
};

// <mail>: how messages to customers leave. Empty host: no mail is configured (messages wait).
struct MailConfig {
  std::string from_address;
  std::string from_name;
  std::string reply_to;
  std::string smtp_host;
  std::uint16_t smtp_port = 25;
  std::string tls = "if-offered"; // never | if-offered | required
  std::string ca_file;
  std::string username;
  std::string password_env; // the environment variable holding the password
  int timeout_seconds = 30;
  [[nodiscard]] bool configured() const noexcept { return !smtp_host.empty(); }
};

struct Config {
  std::filesystem::path source; // the cartera.xml read; empty when defaults apply
  std::string database_url;     // sqlite3:PATH | postgresql://... | odbc:DSN=...
  int sqlite_cache_mb = 64;     // <database cache-mb>: SQLite's page cache per connection
  std::string host_adapter = "reference";
  // The host system's own database for adapters that read it (a GnuCash book); empty when
  // the adapter keeps its tables in cartera's database (the reference host).
  std::string host_database_url;
  std::string time_zone = "America/Bogota"; // how the host's UTC timestamps become dates
  // <calendar saturdays="business"/>: whether Saturdays count as business days for every
  // module's terms (host services add_business_days); Sundays and holidays never do.
  bool saturday_is_business_day = false;
  std::filesystem::path module_dir;
  std::filesystem::path schema_dir;
  std::filesystem::path outbox_dir;
  std::filesystem::path inbox_dir;
  std::filesystem::path archive_dir; // the customers' folders (archive/<customer>/<yyyy>/<mm>/)
  MailConfig mail;
  std::vector<Department> departments;
  std::vector<User> users; // empty = single-user mode: the caller has every role
  std::vector<Delegation> delegations;
  std::map<std::string, std::map<std::string, std::string>> module_settings; // module id -> key -> value
  std::vector<Recipient> recipients;                                         // in cartera.xml's order

  [[nodiscard]] bool single_user_mode() const noexcept { return users.empty(); }
  [[nodiscard]] const User *find_user(const std::string &id) const;
  [[nodiscard]] const User *user_of_os_account(const std::string &os_account) const;
  [[nodiscard]] const Delegation *find_delegation(const std::string &os_account) const;
  [[nodiscard]] const Department *find_department(const std::string &id) const;
  [[nodiscard]] std::vector<const User *> users_with_role(const std::string &role) const;
  [[nodiscard]] const Recipient *find_recipient(const std::string &id) const;
};

// The interval adapters add to a host's UTC timestamps to get local calendar days (SQLite's
// datetime modifier and PostgreSQL's interval read it alike): "+0 minutes" for UTC, "+90
// minutes" for +01:30, "-300 minutes" for -05:00 and America/Bogota. Zones with daylight saving
// are not offered: Colombia has none.
std::string utc_shift(const std::string &time_zone);

// Reads and validates path (against config.xsd), or returns the defaults when path is empty.
// Relative paths inside cartera.xml are relative to its folder; defaults are relative to cwd.
Config load_config(const std::optional<std::filesystem::path> &path, const InstallPaths &install, SchemaSet &schemas);

// The commented cartera.xml that `cartera init` writes; it_os_account (the account running
// init) is mapped to its IT user.
std::string starter_config_text(const std::string &it_os_account);

} // namespace cartera::runtime
