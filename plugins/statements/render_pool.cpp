#include "render_pool.hpp"

#include <algorithm>
#include <utility>

namespace cartera::statements {

RenderPool::RenderPool(std::size_t threads) : max_waiting_(2 * threads + 2) {
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      std::unique_lock lock(mutex_);
      for (;;) {
        work_.wait(lock, [this] { return stopping_ || untaken() != nullptr; });
        if (stopping_) {
          return;
        }
        Slot *s = untaken();
        s->taken = true;
        lock.unlock();
        render(*s);
        lock.lock();
        s->done = true;
        done_.notify_all();
      }
    });
  }
}

RenderPool::~RenderPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto &t : threads_) {
    t.join();
  }
}

std::size_t RenderPool::threads_for_this_machine() {
  // At most seven: a pango font map per thread, and a machine's count of cores is not this
  // process's share of them.
  return std::min(std::max(2U, std::thread::hardware_concurrency()), 8U) - 1;
}

RenderPool::Slot *RenderPool::untaken() {
  const auto it = std::find_if(slots_.begin(), slots_.end(), [](const Slot &s) { return !s.taken; });
  return it == slots_.end() ? nullptr : &*it;
}

void RenderPool::render(Slot &s) {
  // The slot is this thread's until done is set: nobody else reads or writes it meanwhile.
  try {
    s.result = s.render();
  } catch (...) {
    s.error = std::current_exception();
  }
  s.render = nullptr;
}

void RenderPool::drain(std::unique_lock<std::mutex> &lock) {
  while (!slots_.empty() && slots_.front().done) {
    Slot s = std::move(slots_.front());
    slots_.pop_front();
    lock.unlock();
    if (s.error) {
      std::rethrow_exception(s.error);
    }
    s.then(std::move(s.result));
    lock.lock();
  }
}

void RenderPool::help_or_wait(std::unique_lock<std::mutex> &lock) {
  if (Slot *s = untaken(); s != nullptr) {
    s->taken = true;
    lock.unlock();
    render(*s);
    lock.lock();
    s->done = true;
  } else {
    done_.wait(lock);
  }
}

void RenderPool::submit(Render render, Then then) {
  if (threads_.empty()) {
    then(render());
    return;
  }
  std::unique_lock lock(mutex_);
  Slot &s = slots_.emplace_back();
  s.render = std::move(render);
  s.then = std::move(then);
  work_.notify_one();
  drain(lock);
  while (slots_.size() > max_waiting_) {
    help_or_wait(lock);
    drain(lock);
  }
}

void RenderPool::finish() {
  std::unique_lock lock(mutex_);
  for (;;) {
    drain(lock);
    if (slots_.empty()) {
      return;
    }
    help_or_wait(lock);
  }
}

} // namespace cartera::statements
