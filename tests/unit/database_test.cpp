#include "base/failure.hpp"
#include "runtime/store/store.hpp"
#include "sql/database.hpp"

#include "module_dir.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <gtest/gtest.h>

using namespace cartera;

TEST(Database, SplitsMigrationStatements) {
  const auto s =
      sql::split_statements("-- comment; not a split\nCREATE TABLE a (x INT);\n\nCREATE TABLE b (\n y INT\n);\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NE(s[0].find("CREATE TABLE a"), std::string::npos);
  EXPECT_NE(s[1].find("y INT"), std::string::npos);
}

TEST(Database, MigratesOnceAndRefusesANewerDatabase) {
  cartera::testing::ModuleDir d;
  const std::string url = "sqlite3:" + (d.path() / "c.db").string();
  {
    runtime::RuntimeStore store(url, CARTERA_SCHEMA_SQL_DIR, "2026-11-22T15:00:00Z");
    int v = 0;
    store.session() << "SELECT version FROM cartera_schema_version WHERE component = 'runtime'", soci::into(v);
    EXPECT_EQ(v, sql::shipped_version(CARTERA_SCHEMA_SQL_DIR, "runtime", sql::Dialect::kSqlite));
    store.session() << "UPDATE cartera_schema_version SET version = 99 WHERE component = 'runtime'";
  }
  try {
    runtime::RuntimeStore again(url, CARTERA_SCHEMA_SQL_DIR, "2026-11-22T15:00:00Z");
    FAIL() << "a newer database was accepted";
  } catch (const runtime::Failure &f) {
    const std::string shipped =
        std::to_string(sql::shipped_version(CARTERA_SCHEMA_SQL_DIR, "runtime", sql::Dialect::kSqlite));
    EXPECT_NE(std::string(f.what()).find("has schema version 99 of 'runtime', newer than the " + shipped + " this"),
              std::string::npos)
        << f.what();
  }
}

TEST(Database, EnablementIsAuditedAndIdempotent) {
  cartera::testing::ModuleDir d;
  runtime::RuntimeStore store("sqlite3:" + (d.path() / "c.db").string(), CARTERA_SCHEMA_SQL_DIR, "t0");
  EXPECT_FALSE(store.is_enabled("org.x", "cartera"));
  EXPECT_TRUE(store.enable("org.x", "cartera", "it1", "sistemas", "t1"));
  EXPECT_FALSE(store.enable("org.x", "cartera", "it1", "sistemas", "t2"));
  EXPECT_TRUE(store.is_enabled("org.x", "cartera"));
  EXPECT_FALSE(store.is_enabled("org.x", "tesoreria"));
  EXPECT_TRUE(store.disable("org.x", "cartera", "it2", "sistemas", "t3"));
  EXPECT_FALSE(store.disable("org.x", "cartera", "it2", "sistemas", "t4"));
  const auto trail = store.audit_trail(10);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].action, "module.disable");
  EXPECT_EQ(trail[0].user_id, "it2");
  EXPECT_EQ(trail[0].at, "t3");
  EXPECT_EQ(trail[1].action, "module.enable");
  EXPECT_EQ(trail[1].detail, "department=cartera");
}

TEST(Database, BadUrlsAreClearAndHidePasswords) {
  try {
    sql::open_database("mysql://root:secret@db/x");
    FAIL();
  } catch (const runtime::Failure &f) {
    EXPECT_EQ(std::string(f.what()).find("secret"), std::string::npos) << f.what();
    EXPECT_NE(std::string(f.what()).find("root:***@db"), std::string::npos) << f.what();
  }
}

// Issue 20 #9: a writer that cannot have SQLite's write lock within the busy timeout says which
// run holds it, from the run journal; a reader is not blocked by the writer meanwhile.
TEST(Database, AWriterThatTimesOutNamesTheRunHoldingTheDatabase) {
  cartera::testing::ModuleDir d;
  const std::string path = (d.path() / "c.db").string();
  runtime::RuntimeStore store("sqlite3:" + path, CARTERA_SCHEMA_SQL_DIR, "2026-11-22T15:00:00Z");
  store.session() << "INSERT INTO cartera_run (run_id, module_id, module_version, job, parameters, user_id, "
                     "department, started_at, status, host_name, pid) VALUES ('R0000007', 'org.cartera.payments', "
                     "'1.0.0', 'approve', '', 'coordinador', 'cartera', '2026-11-22T15:00:00Z', 'running', 'caja-1', "
                     "4242)";
  sql::WriteTransaction holder(store.session());
  store.session() << "UPDATE cartera_run SET message = 'busy' WHERE run_id = 'R0000007'";

  soci::session other(soci::sqlite3, "db=\"" + path + "\" timeout=1");
  int running = 0;
  other << "SELECT COUNT(*) FROM cartera_run WHERE status = 'running'", soci::into(running); // not blocked
  EXPECT_EQ(running, 1);
  try {
    sql::WriteTransaction second(other);
    FAIL() << "a second writer had the lock";
  } catch (const runtime::Failure &f) {
    EXPECT_NE(std::string(f.what()).find("locked by another writer for the whole busy timeout: running now: R0000007 "
                                         "(org.cartera.payments approve by coordinador, pid 4242 on caja-1, since "
                                         "2026-11-22T15:00:00Z)"),
              std::string::npos)
        << f.what();
  }
  holder.commit();
  sql::WriteTransaction third(other); // free again
  third.commit();
}
