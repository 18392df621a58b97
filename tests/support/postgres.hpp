// The throwaway PostgreSQL server script/test starts (script/postgres), as tests reach it.
#pragma once

#include <optional>
#include <string>

namespace cartera::testing {

// An environment variable, or "" when unset.
std::string env_or_empty(const char *name);

// True when script/test (or script/postgres start) exported a server for the tests.
bool have_postgres();

// A fresh, empty database on that server, named prefix + pid + a counter; returns its name.
std::string new_postgres_database(const std::string &prefix);

// postgresql://cartera@127.0.0.1:PORT/NAME for a database on that server.
std::string postgres_url(const std::string &database);

// Why a PostgreSQL case is skipped.
inline constexpr const char *kNoPostgres = "no PostgreSQL server: script/test starts one (script/postgres start)";

// cartera's database for a test parameterised by backend: "sqlite" gives sqlite3:cartera.db (in
// the test's working folder), "postgresql" a fresh database named after prefix, or nullopt when
// no server runs (the test skips with kNoPostgres).
std::optional<std::string> backend_url(const std::string &backend, const std::string &prefix);

} // namespace cartera::testing
