#include "base/failure.hpp"
#include "sql/pool.hpp"

#include "module_dir.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace std::chrono_literals;
using cartera::sql::SessionPool;

TEST(SessionPool, LendsEachSessionToOneHolderAndWaitsWhenAllAreOut) {
  cartera::testing::ModuleDir d;
  SessionPool pool("sqlite3:" + (d.path() / "p.db").string(), 2);
  EXPECT_EQ(pool.size(), 2u);
  {
    auto a = pool.lease(10ms);
    auto b = pool.lease(10ms);
    EXPECT_NE(&a.db(), &b.db());
    EXPECT_EQ(pool.available(), 0u);
    try {
      pool.lease(30ms);
      FAIL() << "a third lease from a pool of two";
    } catch (const cartera::runtime::Failure &f) {
      EXPECT_EQ(std::string(f.what()), "all 2 database sessions stayed busy for 30 ms; try again");
    }
  }
  EXPECT_EQ(pool.available(), 2u);
}

TEST(SessionPool, ThreadsWritingThroughLeasesLoseNothing) {
  cartera::testing::ModuleDir d;
  SessionPool pool("sqlite3:" + (d.path() / "p.db").string(), 2);
  *pool.lease(1s).db().session << "CREATE TABLE t (thread INTEGER, n INTEGER)";
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pool, t] {
      for (int n = 0; n < 25; ++n) {
        auto lease = pool.lease(10s);
        soci::transaction tr(*lease.db().session);
        *lease.db().session << "INSERT INTO t (thread, n) VALUES (:t, :n)", soci::use(t), soci::use(n);
        tr.commit();
      }
    });
  }
  for (auto &th : threads) {
    th.join();
  }
  int rows = 0;
  *pool.lease(1s).db().session << "SELECT COUNT(*) FROM t", soci::into(rows);
  EXPECT_EQ(rows, 100);
}
