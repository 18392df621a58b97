// Renders statements' PDFs on the cores the module's thread is not using while it builds the
// next statements: a month's PDF run is almost all rendering (about 4 ms of CPU a page), and
// the renderer is thread-safe (one font map per thread: pdf_renderer.hpp).
//
// Host services may only be called from the thread the host called the module on (cartera/abi.h),
// so what is done with a rendering (attach it, queue the e-mail that carries it, print its row)
// is a `then` the module's thread runs, in the order the renderings were submitted: the run's
// documents, renditions, messages and rows come out in the same order as one thread would make
// them. At most a few renderings wait at a time; past that, the module's thread renders too.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cartera::statements {

class RenderPool {
public:
  using Render = std::function<std::string()>;   // on any thread; must not call host services
  using Then = std::function<void(std::string)>; // on the module's thread, in submission order

  // threads: the pool's own threads; 0 renders everything on the caller's thread, at once.
  explicit RenderPool(std::size_t threads);
  ~RenderPool();
  RenderPool(const RenderPool &) = delete;
  RenderPool &operator=(const RenderPool &) = delete;

  // Also runs the `then` of every rendering already done at the front. A rendering that threw
  // rethrows here or in finish(), on the module's thread, when its turn comes.
  void submit(Render render, Then then);

  // Renders what is left (this thread too) and runs every `then` still owed.
  void finish();

  // One fewer than the cores, at most seven: the module's thread is the other (it renders too
  // when behind).
  static std::size_t threads_for_this_machine();

private:
  struct Slot {
    Render render;
    Then then;
    bool taken = false;
    bool done = false;
    std::string result;
    std::exception_ptr error;
  };
  // Under the lock: the oldest slot nobody has taken, or nullptr.
  Slot *untaken();
  void render(Slot &s);
  // Runs the `then` of the done slots at the front; lock is held on entry and on return.
  void drain(std::unique_lock<std::mutex> &lock);
  // Behind: this thread renders the oldest slot nobody has taken, or waits for one to be done.
  void help_or_wait(std::unique_lock<std::mutex> &lock);

  const std::size_t max_waiting_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::deque<Slot> slots_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace cartera::statements
