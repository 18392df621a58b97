#include "sql/database.hpp"

#include "base/failure.hpp"

#include <soci/odbc/soci-odbc.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace cartera::sql {

namespace fs = std::filesystem;
using runtime::fail;

const char *dialect_name(Dialect d) noexcept {
  return d == Dialect::kSqlite ? "sqlite" : "postgresql";
}

namespace {

std::string without_password(const std::string &url) {
  // postgresql://user:secret@host → postgresql://user:***@host ; PWD=secret → PWD=***
  std::string out = std::regex_replace(url, std::regex(R"((://[^:/@]+:)[^@]*@)"), "$1***@");
  return std::regex_replace(out, std::regex(R"(((PWD|Password|password)=)[^;]*)"), "$1***");
}

// postgresql://USER[:PASSWORD]@HOST[:PORT]/DB as libpq key=value pairs (SOCI's backend does
// not pass URIs through intact). Values are quoted as libpq wants.
std::string postgres_conninfo(const std::string &url) {
  const std::string rest = url.substr(url.find("://") + 3);
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  std::string db = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (const auto q = db.find('?'); q != std::string::npos) {
    db = db.substr(0, q);
  }
  std::string user;
  std::string password;
  std::string hostport = authority;
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    user = authority.substr(0, at);
    hostport = authority.substr(at + 1);
    if (const auto colon = user.find(':'); colon != std::string::npos) {
      password = user.substr(colon + 1);
      user = user.substr(0, colon);
    }
  }
  std::string host = hostport;
  std::string port;
  if (const auto colon = hostport.rfind(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  const auto quoted = [](const std::string &v) {
    std::string out = "'";
    for (char c : v) {
      if (c == '\\' || c == '\'') {
        out += '\\';
      }
      out += c;
    }
    return out + "'";
  };
  std::string info;
  const auto add = [&](const char *key, const std::string &v) {
    if (!v.empty()) {
      // Appended piece by piece: g++ 12 at -O3 warns (-Wrestrict, a false positive) on
      // "literal" + std::string, which inlines into a memcpy it cannot prove apart.
      if (!info.empty()) {
        info += ' ';
      }
      info += key;
      info += '=';
      info += quoted(v);
    }
  };
  add("host", host);
  add("port", port);
  add("dbname", db);
  add("user", user);
  add("password", password);
  // NOTICEs ("relation already exists, skipping") are for people at a psql prompt.
  info += " options='-c client_min_messages=warning'";
  return info;
}

} // namespace

Database open_database(const std::string &url, Access access, int sqlite_cache_mb) {
  Database db;
  db.display_url = without_password(url);
  const bool read_only = access == Access::kReadOnly;
  try {
    if (url.rfind("sqlite3:", 0) == 0) {
      const std::string path = url.substr(8);
      db.session = std::make_unique<soci::session>(soci::sqlite3, "db=\"" + path + "\" timeout=30 shared_cache=false" +
                                                                      (read_only ? " readonly=true" : ""));
      db.dialect = Dialect::kSqlite;
      if (read_only) {
        *db.session << "PRAGMA query_only = 1";
      } else {
        *db.session << "PRAGMA foreign_keys = ON";
        // 16 KB pages (only takes effect when the file is new): a quarter of the write calls of
        // the 4 KB default when a million-row import commits; reads of whole tables gain too.
        *db.session << "PRAGMA page_size = 16384";
        *db.session << "PRAGMA journal_mode = WAL";
        *db.session << "PRAGMA synchronous = NORMAL";
      }
      // 64 MB of page cache by default instead of SQLite's 2 MB: a day's approval reads and
      // writes a few hundred MB of a million-invoice book, and every miss is a pread
      // (measured: a fifth of the approval's time on the 100k benchmark with 2 MB). A number,
      // not input text: the pragma takes no bound parameter.
      *db.session << "PRAGMA cache_size = " + std::to_string(-1024LL * std::max(1, sqlite_cache_mb));
    } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
      std::string info = postgres_conninfo(url);
      if (read_only) {
        info.insert(info.size() - 1, " -c default_transaction_read_only=on");
      }
      db.session = std::make_unique<soci::session>(soci::postgresql, info);
      db.dialect = Dialect::kPostgresql;
    } else if (url.rfind("odbc:", 0) == 0) {
      soci::connection_parameters params(soci::odbc, url.substr(5));
      // Never let a driver open a dialog to ask for credentials: this is a server.
      params.set_option(soci::odbc_option_driver_complete, "0");
      db.session = std::make_unique<soci::session>(params);
      db.via_odbc = true;
      auto *backend = static_cast<soci::odbc_session_backend *>(db.session->get_backend());
      switch (backend->get_database_product()) {
      case soci::odbc_session_backend::prod_postgresql:
        db.dialect = Dialect::kPostgresql;
        if (read_only) {
          *db.session << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
        }
        break;
      case soci::odbc_session_backend::prod_sqlite:
        db.dialect = Dialect::kSqlite;
        *db.session << (read_only ? "PRAGMA query_only = 1" : "PRAGMA foreign_keys = ON");
        break;
      default:
        fail("database " + db.display_url + ": the ODBC data source is neither PostgreSQL nor SQLite");
      }
    } else {
      fail("database URL '" + db.display_url + "' is not sqlite3:PATH, postgresql://... or odbc:DSN=...");
    }
  } catch (const soci::soci_error &e) {
    fail("cannot open database " + db.display_url + ": " + e.get_error_message());
  }
  return db;
}

WriteTransaction::WriteTransaction(soci::session &session) : session_(session) {
  if (session_.get_backend_name() != "sqlite3") {
    session_.begin();
    open_ = true;
    return;
  }
  try {
    session_ << "BEGIN IMMEDIATE";
  } catch (const soci::soci_error &e) {
    const std::string reason = e.get_error_message();
    if (reason.find("locked") == std::string::npos && reason.find("busy") == std::string::npos) {
      throw;
    }
    fail("the database stayed locked by another writer for the whole busy timeout: " + busy_holders(session_) +
         "; try again when it has finished");
  }
  open_ = true;
}

WriteTransaction::~WriteTransaction() {
  if (open_) {
    try {
      session_.rollback();
    } catch (...) { // NOLINT(bugprone-empty-catch): a destructor reports nothing; the rollback happens on close
    }
  }
}

void WriteTransaction::commit() {
  session_.commit();
  open_ = false;
}

void WriteTransaction::rollback() {
  open_ = false;
  session_.rollback();
}

std::string busy_holders(soci::session &session) {
  try {
    std::string out;
    soci::rowset<soci::row> rs =
        (session.prepare << "SELECT run_id, module_id, job, user_id, host_name, pid, started_at FROM cartera_run "
                            "WHERE status = 'running' ORDER BY run_id");
    for (const auto &r : rs) {
      const long long pid =
          r.get_properties(5).get_data_type() == soci::dt_integer ? r.get<int>(5) : r.get<long long>(5);
      out += (out.empty() ? "" : "; ") + r.get<std::string>(0) + " (" + r.get<std::string>(1) + " " +
             r.get<std::string>(2) + " by " + r.get<std::string>(3) + ", pid " + std::to_string(pid) + " on " +
             r.get<std::string>(4) + ", since " + r.get<std::string>(6) + ")";
    }
    return out.empty() ? "no run is journaled as running (another cartera command, or a program outside cartera)"
                       : "running now: " + out;
  } catch (const std::exception &) {
    return "the run journal cannot be read to say who";
  }
}

std::vector<std::string> split_statements(const std::string &sql) {
  std::vector<std::string> out;
  std::istringstream in(sql);
  std::string current;
  for (std::string line; std::getline(in, line);) {
    const auto comment = line.find("--");
    std::string code = comment == std::string::npos ? line : line.substr(0, comment);
    current += code + "\n";
    const auto last = code.find_last_not_of(" \t\r");
    if (last != std::string::npos && code[last] == ';') {
      current.erase(current.find_last_of(';'));
      if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
        out.push_back(current);
      }
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
    out.push_back(current);
  }
  return out;
}

namespace {

std::map<int, fs::path> migration_files_in(const fs::path &folder, Dialect d) {
  std::map<int, fs::path> files;
  const fs::path dir = folder / dialect_name(d);
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.size() > 8 && std::isdigit(static_cast<unsigned char>(n[0])) && e.path().extension() == ".sql") {
      files.emplace(std::stoi(n.substr(0, n.find('_'))), e.path());
    }
  }
  return files;
}

} // namespace

int shipped_version_in(const fs::path &folder, Dialect d) {
  const auto files = migration_files_in(folder, d);
  return files.empty() ? 0 : files.rbegin()->first;
}

int shipped_version(const fs::path &sql_root, const std::string &component, Dialect d) {
  return shipped_version_in(sql_root / component, d);
}

void migrate(Database &db, const std::string &component, const fs::path &sql_root, const std::string &now_iso) {
  migrate_folder(db, component, sql_root / component, now_iso);
}

void migrate_folder(Database &db, const std::string &component, const fs::path &folder, const std::string &now_iso) {
  soci::session &sql = *db.session;
  try {
    sql << "CREATE TABLE IF NOT EXISTS cartera_schema_version ("
           " component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)";
    int current = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT version FROM cartera_schema_version WHERE component = :c", soci::into(current, ind),
        soci::use(component);
    if (ind != soci::i_ok) {
      current = 0;
    }
    const auto files = migration_files_in(folder, db.dialect);
    const int shipped = files.empty() ? 0 : files.rbegin()->first;
    if (current > shipped) {
      fail("database " + db.display_url + " has schema version " + std::to_string(current) + " of '" + component +
           "', newer than the " + std::to_string(shipped) + " this cartera knows; upgrade cartera before using it");
    }
    for (const auto &[version, path] : files) {
      if (version <= current) {
        continue;
      }
      std::ifstream in(path);
      std::stringstream buf;
      buf << in.rdbuf();
      WriteTransaction tr(sql);
      // Under the write lock, again: another process may have applied it while this one waited.
      int now_current = 0;
      soci::indicator now_ind = soci::i_null;
      sql << "SELECT version FROM cartera_schema_version WHERE component = :c", soci::into(now_current, now_ind),
          soci::use(component);
      if (now_ind == soci::i_ok && now_current >= version) {
        tr.commit();
        current = now_current;
        continue;
      }
      current = now_ind == soci::i_ok ? now_current : 0;
      for (const auto &stmt : split_statements(buf.str())) {
        sql << stmt;
      }
      if (current == 0) {
        sql << "INSERT INTO cartera_schema_version (component, version, applied_at) VALUES (:c, :v, :t)",
            soci::use(component), soci::use(version), soci::use(now_iso);
      } else {
        sql << "UPDATE cartera_schema_version SET version = :v, applied_at = :t WHERE component = :c",
            soci::use(version), soci::use(now_iso), soci::use(component);
      }
      tr.commit();
      current = version;
    }
  } catch (const soci::soci_error &e) {
    fail("migrating '" + component + "' in " + db.display_url + ": " + e.get_error_message());
  }
}

} // namespace cartera::sql
