#include "runtime/workers/run_workers.hpp"

#include <algorithm>
#include <exception>
#include <limits>

namespace cartera::runtime {

RunWorkers::RunWorkers(std::size_t max_held_bytes, std::size_t threads)
    : max_held_bytes_(max_held_bytes),
      threads_(threads != 0 ? threads
                            : std::min<std::size_t>(std::max(2U, std::thread::hardware_concurrency()), 8) - 1),
      first_bad_(std::numeric_limits<std::size_t>::max()) {}

RunWorkers::~RunWorkers() {
  abandon();
}

void RunWorkers::abandon() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queue_.clear();
  }
  ready_.notify_all();
  for (auto &t : workers_) {
    t.join();
  }
  workers_.clear();
}

void RunWorkers::start_workers() {
  for (std::size_t i = 0; i < threads_; ++i) {
    workers_.emplace_back([this] {
      Work w;
      while (take(w)) {
        run(w);
      }
    });
  }
}

void RunWorkers::submit(std::size_t order, std::size_t held_bytes, Task task) {
  std::unique_lock lock(mutex_);
  if (closing_) { // after finish(): here and now
    lock.unlock();
    Work now{order, held_bytes, std::move(task)};
    run(now);
    return;
  }
  queue_.push_back(Work{order, held_bytes, std::move(task)});
  held_bytes_ += held_bytes;
  if (workers_.empty()) {
    start_workers();
  }
  lock.unlock();
  ready_.notify_one();
  // Over the bound: this thread works the backlog down before the module goes on.
  Work w;
  while (take_now(w, true)) {
    run(w);
  }
}

bool RunWorkers::take(Work &w) {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
  if (queue_.empty()) {
    return false;
  }
  w = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

bool RunWorkers::take_now(Work &w, bool only_over_bound) {
  std::lock_guard lock(mutex_);
  if (queue_.empty() || (only_over_bound && held_bytes_ <= max_held_bytes_)) {
    closing_ = closing_ || !only_over_bound; // finish() found nothing left: no more waiting
    return false;
  }
  w = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void RunWorkers::run(Work &w) {
  bool skip = false;
  {
    std::lock_guard lock(mutex_);
    skip = w.order > first_bad_;
  }
  std::string error;
  if (!skip) {
    try {
      w.task();
    } catch (const std::exception &e) {
      error = e.what(); // a Failure, a file that cannot be placed, or no memory: nothing is kept
    }
  }
  w.task = nullptr; // the bytes it held go now, not when the slot is reused
  std::lock_guard lock(mutex_);
  held_bytes_ -= w.held_bytes;
  if (!error.empty() && w.order < first_bad_) {
    first_bad_ = w.order;
    first_error_ = std::move(error);
  }
}

std::string RunWorkers::finish() {
  // The module is done: this thread works too; the workers stop once the queue is empty.
  Work w;
  while (take_now(w, false)) {
    run(w);
  }
  ready_.notify_all();
  for (auto &t : workers_) {
    t.join();
  }
  workers_.clear();
  std::lock_guard lock(mutex_);
  return first_error_;
}

} // namespace cartera::runtime
