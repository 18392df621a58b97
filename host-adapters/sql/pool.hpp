// A fixed set of database sessions, opened up front (each configured by open_database), lent
// one per module call. For the service side (`cartera serve`), where calls run concurrently;
// the CLI opens one session per process. SOCI sessions are not thread-safe: a lease is the only
// way a thread touches one.
#pragma once

#include "sql/database.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace cartera::sql {

class SessionPool {
public:
  SessionPool(const std::string &url, std::size_t size);
  SessionPool(const SessionPool &) = delete;
  SessionPool &operator=(const SessionPool &) = delete;

  class Lease {
  public:
    Lease(SessionPool &pool, std::size_t index) : pool_(&pool), index_(index) {}
    Lease(Lease &&other) noexcept : pool_(other.pool_), index_(other.index_) { other.pool_ = nullptr; }
    Lease &operator=(Lease &&) = delete;
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    ~Lease();
    [[nodiscard]] Database &db() const { return pool_->databases_[index_]; }

  private:
    SessionPool *pool_;
    std::size_t index_;
  };

  // Waits up to timeout for a free session; throws runtime::Failure naming the pool's size and
  // the wait when none frees up (a transient condition: the caller may retry).
  Lease lease(std::chrono::milliseconds timeout);
  [[nodiscard]] std::size_t size() const noexcept { return databases_.size(); }
  [[nodiscard]] std::size_t available();

private:
  void give_back(std::size_t index);

  std::vector<Database> databases_;
  std::vector<std::size_t> free_;
  std::mutex mutex_;
  std::condition_variable freed_;
};

} // namespace cartera::sql
