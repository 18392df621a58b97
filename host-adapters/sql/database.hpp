// SOCI sessions from a URL, and versioned migrations in each SQL dialect.
//
//   sqlite3:PATH                       the embedded default
//   postgresql://USER@HOST:PORT/DB     libpq URI, passed through to libpq
//   odbc:DSN=NAME[;...]                unixODBC, SQL_DRIVER_NOPROMPT; the dialect is the
//                                      DBMS behind the DSN (PostgreSQL or SQLite)
//
// Backends are linked in explicitly (no SOCI dynamic backend loading: the host loads code
// from its module directory only).
#pragma once

#include <soci/soci.h>

#include <filesystem>
#include <memory>
#include <string>

namespace cartera::sql {

enum class Dialect { kSqlite, kPostgresql };

const char *dialect_name(Dialect d) noexcept; // "sqlite" | "postgresql": the folder of its SQL

struct Database {
  std::unique_ptr<soci::session> session;
  Dialect dialect = Dialect::kSqlite;
  std::string display_url; // the URL without any password, for messages
  bool via_odbc = false;
};

// How a session may touch the database. kReadOnly is for a host's own books (GnuCash): the
// file is opened read-only and nothing is set that would write (no WAL switch, no page size),
// SQLite sessions also get query_only, PostgreSQL sessions read-only transactions, so that
// even a wrong statement cannot change a byte of the book.
enum class Access { kReadWrite, kReadOnly };

// Throws runtime::Failure(kFailure) with the URL (password removed) and the driver's reason.
// A read-only SQLite URL must name an existing file (none is created). sqlite_cache_mb is
// SQLite's page cache (cartera.xml <database cache-mb>); other drivers ignore it.
Database open_database(const std::string &url, Access access = Access::kReadWrite, int sqlite_cache_mb = 64);

// Applies schemas/sql/<component>/<dialect>/NNN_*.sql files whose number is above the
// version recorded in cartera_schema_version, each in its own transaction. A database whose
// recorded version is above the highest file this build ships is refused: an older binary
// must not write to a newer schema.
void migrate(Database &db, const std::string &component, const std::filesystem::path &sql_root,
             const std::string &now_iso);
// The same, with the files in folder/<dialect>/ recorded under component (a module's id).
void migrate_folder(Database &db, const std::string &component, const std::filesystem::path &folder,
                    const std::string &now_iso);

// A transaction that will write. On SQLite it begins IMMEDIATE: the write lock is taken at
// BEGIN, and a second writer waits for it up to the busy timeout (30 s, set on every
// connection) instead of failing. A deferred BEGIN reads first and asks for the lock at its
// first write, and if another process committed in between SQLite answers "database is
// locked" at once, without waiting: the busy handler never runs for a reader turning writer.
// Readers outside a write transaction are not blocked (WAL). A BEGIN that times out throws
// runtime::Failure(kFailure) naming the runs the journal (cartera_run) shows as running, the
// likely holders. On PostgreSQL (and through ODBC), an ordinary BEGIN: row locks do the rest.
// Rolled back on destruction unless committed.
class WriteTransaction {
public:
  explicit WriteTransaction(soci::session &session);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction &) = delete;
  WriteTransaction &operator=(const WriteTransaction &) = delete;
  void commit();
  void rollback();

private:
  soci::session &session_;
  bool open_ = false;
};

// Why a SQLite write lock could not be had: the runs the journal shows as running (run, module
// job, user, host and pid, since when), or that no run is; "" when the journal cannot be read.
std::string busy_holders(soci::session &session);

// Highest migration number shipped for component (0 when none).
int shipped_version(const std::filesystem::path &sql_root, const std::string &component, Dialect d);
int shipped_version_in(const std::filesystem::path &folder, Dialect d);

// Statements of a migration file, split at semicolons that end a line (our files only).
std::vector<std::string> split_statements(const std::string &sql);

} // namespace cartera::sql
