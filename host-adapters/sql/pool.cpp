#include "sql/pool.hpp"

#include "base/failure.hpp"

namespace cartera::sql {

SessionPool::SessionPool(const std::string &url, std::size_t size) {
  if (size == 0) {
    runtime::fail("a session pool needs at least one session");
  }
  databases_.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    databases_.push_back(open_database(url));
    free_.push_back(size - 1 - i);
  }
}

SessionPool::Lease::~Lease() {
  if (pool_ != nullptr) {
    pool_->give_back(index_);
  }
}

SessionPool::Lease SessionPool::lease(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_for(lock, timeout, [this] { return !free_.empty(); })) {
    runtime::fail("all " + std::to_string(databases_.size()) + " database sessions stayed busy for " +
                  std::to_string(timeout.count()) + " ms; try again");
  }
  const std::size_t index = free_.back();
  free_.pop_back();
  return Lease(*this, index);
}

std::size_t SessionPool::available() {
  std::lock_guard lock(mutex_);
  return free_.size();
}

void SessionPool::give_back(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(index);
  }
  freed_.notify_one();
}

} // namespace cartera::sql
