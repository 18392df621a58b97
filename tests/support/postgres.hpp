// The throwaway PostgreSQL server script/test starts (script/postgres), as tests reach it.
#pragma once

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

} // namespace cartera::testing
