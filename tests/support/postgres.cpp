#include "postgres.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <unistd.h>

namespace cartera::testing {

std::string env_or_empty(const char *name) {
  const char *v = std::getenv(name);
  return v != nullptr ? v : "";
}

bool have_postgres() {
  return !env_or_empty("CARTERA_TEST_PG_URL").empty();
}

std::string new_postgres_database(const std::string &prefix) {
  static std::atomic<int> counter{0};
  std::string name = prefix + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string cmd =
      "psql -q '" + env_or_empty("CARTERA_TEST_PG_URL") + "' -c 'CREATE DATABASE " + name + "' >/dev/null";
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("cannot create database " + name);
  }
  return name;
}

std::string postgres_url(const std::string &database) {
  return "postgresql://cartera@127.0.0.1:" + env_or_empty("CARTERA_TEST_PG_PORT") + "/" + database;
}

std::optional<std::string> backend_url(const std::string &backend, const std::string &prefix) {
  if (backend != "postgresql") {
    return "sqlite3:cartera.db";
  }
  if (!have_postgres()) {
    return std::nullopt;
  }
  return postgres_url(new_postgres_database(prefix));
}

} // namespace cartera::testing
