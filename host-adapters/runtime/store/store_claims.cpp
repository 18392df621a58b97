// Work claimed in the database before it is done (schemas/sql/runtime/*/006_work_claim.sql),
// so that any number of processes do it once. Every change is one statement whose WHERE
// decides who wins: on SQLite the statement holds the write lock, on PostgreSQL a concurrent
// UPDATE waits for the row and re-reads it, a concurrent INSERT … ON CONFLICT waits for the
// other's commit; either way the loser changes no row.
#include "runtime/store/store.hpp"
#include "runtime/store/store_call.hpp"

#include <cartera/sdk/date.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <unistd.h>

namespace cartera::runtime {

using detail::db_call;

namespace {

std::string instant(std::int64_t us) {
  return sdk::format_iso_instant_utc(us);
}

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

WorkClaimant WorkClaimant::this_process(const std::string &run_id) {
  WorkClaimant c;
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  c.host_name = name;
  c.pid = ::getpid();
  c.run_id = run_id;
  // The start time tells this process from an earlier one that had the same pid.
  c.holder = c.host_name + ":" + std::to_string(c.pid) + ":" + std::to_string(wall_us());
  return c;
}

std::optional<WorkClaim> RuntimeStore::work_claim(const std::string &work) {
  return db_call("reading who holds " + work, [&]() -> std::optional<WorkClaim> {
    soci::rowset<soci::row> rs = (session().prepare << "SELECT holder, host_name, pid, run_id, claimed_at, "
                                                       "lease_until FROM cartera_work_claim WHERE work = :w",
                                  soci::use(work));
    for (const auto &r : rs) {
      WorkClaim c;
      c.work = work;
      c.holder = r.get<std::string>(0);
      c.host_name = r.get<std::string>(1);
      c.pid = r.get_properties(2).get_data_type() == soci::dt_integer ? r.get<int>(2) : r.get<long long>(2);
      c.run_id = r.get<std::string>(3);
      c.claimed_at = r.get<std::string>(4);
      c.lease_until = r.get<std::string>(5);
      return c;
    }
    return std::nullopt;
  });
}

std::optional<WorkClaim> RuntimeStore::claim_work(const std::string &work, const WorkClaimant &me,
                                                  std::chrono::seconds lease) {
  const std::int64_t now = wall_us();
  const std::string now_iso = instant(now);
  const std::string until = instant(now + std::chrono::duration_cast<std::chrono::microseconds>(lease).count());
  const bool taken = db_call("claiming " + work, [&] {
    const long long pid = me.pid;
    soci::statement insert =
        (session().prepare << "INSERT INTO cartera_work_claim (work, holder, host_name, pid, run_id, claimed_at, "
                              "lease_until) VALUES (:w, :h, :n, :p, :r, :c, :u) ON CONFLICT (work) DO NOTHING",
         soci::use(work), soci::use(me.holder), soci::use(me.host_name), soci::use(pid), soci::use(me.run_id),
         soci::use(now_iso), soci::use(until));
    insert.execute(true);
    return insert.get_affected_rows() == 1;
  });
  if (taken) {
    return std::nullopt;
  }
  std::optional<WorkClaim> held = work_claim(work);
  if (!held) {
    return claim_work(work, me, lease); // released between the two statements: try again
  }
  // Ours already, expired, or left by a process of this machine that is gone: take it over,
  // provided it is still the claim just read (compare and set on the holder).
  const bool dead_here = held->host_name == me.host_name && held->pid > 0 &&
                         ::kill(static_cast<pid_t>(held->pid), 0) != 0 && errno == ESRCH;
  if (held->holder != me.holder && held->lease_until >= now_iso && !dead_here) {
    return held;
  }
  const bool took_over = db_call("claiming " + work, [&] {
    const long long pid = me.pid;
    soci::statement update =
        (session().prepare << "UPDATE cartera_work_claim SET holder = :h, host_name = :n, pid = :p, run_id = :r, "
                              "claimed_at = :c, lease_until = :u WHERE work = :w AND holder = :old",
         soci::use(me.holder), soci::use(me.host_name), soci::use(pid), soci::use(me.run_id), soci::use(now_iso),
         soci::use(until), soci::use(work), soci::use(held->holder));
    update.execute(true);
    return update.get_affected_rows() == 1;
  });
  if (took_over) {
    return std::nullopt;
  }
  std::optional<WorkClaim> other = work_claim(work);
  if (!other) {
    return claim_work(work, me, lease);
  }
  return other;
}

bool RuntimeStore::renew_work(const std::string &work, const WorkClaimant &me, std::chrono::seconds lease) {
  const std::string until = instant(wall_us() + std::chrono::duration_cast<std::chrono::microseconds>(lease).count());
  return db_call("renewing the claim on " + work, [&] {
    soci::statement update = (session().prepare << "UPDATE cartera_work_claim SET lease_until = :u WHERE work = :w "
                                                   "AND holder = :h",
                              soci::use(until), soci::use(work), soci::use(me.holder));
    update.execute(true);
    return update.get_affected_rows() == 1;
  });
}

void RuntimeStore::release_work(const std::string &work, const WorkClaimant &me) {
  db_call("releasing the claim on " + work, [&] {
    session() << "DELETE FROM cartera_work_claim WHERE work = :w AND holder = :h", soci::use(work),
        soci::use(me.holder);
  });
}

} // namespace cartera::runtime
