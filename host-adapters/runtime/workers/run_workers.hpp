// The cores beside the module's, for work a run hands off while its module goes on: checking
// the documents it emitted and placing files in the customers' folders. The module's thread is
// busy building documents; the file system's part (100,000 statements make 200,000 files in
// 170,000 new folders) is CPU time of its own, which another core can spend meanwhile.
//
// Work carries an order (the emission index of the document it is for): the failure reported is
// the first in that order, whichever thread met it, and work ordered after a failure is skipped
// (the run fails anyway). Work that holds memory until it runs (a rendition's bytes) says how
// much; past a bound, the thread that submits runs queued work itself until the backlog is under
// it, so a module faster than the disk cannot pile a run's renditions up in memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cartera::runtime {

class RunWorkers {
public:
  // Throws on failure; what() is the message reported.
  using Task = std::function<void()>;

  // threads: how many workers; 0, one fewer than the cores, at least one, at most seven.
  explicit RunWorkers(std::size_t max_held_bytes = std::size_t{64} << 20U, std::size_t threads = 0);
  ~RunWorkers();
  RunWorkers(const RunWorkers &) = delete;
  RunWorkers &operator=(const RunWorkers &) = delete;

  // Threads start with the first submission: most runs hand nothing off.
  void submit(std::size_t order, std::size_t held_bytes, Task task);

  // Runs what is left on this thread too and waits for the rest; returns the message of the
  // first failure in order, or empty. Submitting after finish() runs the work at once, here.
  std::string finish();
  // Drops what was not started and waits for what was (a run that failed).
  void abandon();

private:
  struct Work {
    std::size_t order = 0;
    std::size_t held_bytes = 0;
    Task task;
  };
  bool take(Work &w); // a worker: waits for work or the end
  // The submitting thread: work while the backlog holds more than the bound (only_over_bound),
  // or any work left (finish(), which closes the queue when there is none).
  bool take_now(Work &w, bool only_over_bound);
  void run(Work &w);
  void start_workers();

  const std::size_t max_held_bytes_;
  const std::size_t threads_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Work> queue_;
  std::size_t held_bytes_ = 0;
  bool closing_ = false;
  std::size_t first_bad_;
  std::string first_error_;
  std::vector<std::thread> workers_;
};

} // namespace cartera::runtime
