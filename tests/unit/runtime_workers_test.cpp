// RunWorkers (host-adapters/runtime/workers/run_workers.hpp): the first failure in order wins whatever
// thread meets it, work after it is skipped, and a backlog over the bound is worked off by the
// thread that submits.
#include "runtime/workers/run_workers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using cartera::runtime::RunWorkers;

TEST(RunWorkers, RunsEverythingAndReportsNothingWhenAllSucceed) {
  std::atomic<int> done{0};
  RunWorkers w;
  for (std::size_t i = 0; i < 1000; ++i) {
    w.submit(i, 0, [&] { ++done; });
  }
  EXPECT_EQ(w.finish(), "");
  EXPECT_EQ(done.load(), 1000);
}

TEST(RunWorkers, TheFirstFailureInOrderIsReportedWhicheverThreadMetItFirst) {
  // Work 7 fails late, work 9 fails at once: 7's message is the one reported.
  RunWorkers w;
  std::atomic<bool> nine_failed{false};
  w.submit(7, 0, [&] {
    while (!nine_failed.load()) {
      std::this_thread::yield();
    }
    throw std::runtime_error("seven");
  });
  w.submit(9, 0, [&] {
    nine_failed = true;
    throw std::runtime_error("nine");
  });
  EXPECT_EQ(w.finish(), "seven");
}

TEST(RunWorkers, WorkOrderedAfterAFailureIsSkipped) {
  RunWorkers w;
  std::atomic<int> ran_after{0};
  w.submit(0, 0, [] { throw std::runtime_error("zero"); });
  EXPECT_EQ(w.finish(), "zero");
  // After finish() the work runs at once on this thread; ordered after the failure, it is skipped.
  w.submit(5, 0, [&] { ++ran_after; });
  EXPECT_EQ(ran_after.load(), 0);
  EXPECT_EQ(w.finish(), "zero");
}

TEST(RunWorkers, ABacklogOverTheBoundIsWorkedOffByTheSubmittingThread) {
  // The worker is held on its first task; every later task holds 100 bytes against a bound
  // of 250, so the third submission over the bound runs work on this thread.
  RunWorkers w(250, 1);
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> on_caller{0};
  const std::thread::id caller = std::this_thread::get_id();
  w.submit(0, 0, [&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
  });
  // Let the worker take the blocking task first.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (std::size_t i = 1; i <= 6; ++i) {
    w.submit(i, 100, [&] {
      if (std::this_thread::get_id() == caller) {
        ++on_caller;
      }
    });
  }
  EXPECT_GE(on_caller.load(), 3) << "the backlog stays at most 250 bytes: the caller ran the rest";
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  EXPECT_EQ(w.finish(), "");
}

TEST(RunWorkers, APoolDestroyedBeforeFinishDropsTheWorkLeft) {
  // A run that failed before finish(): the queue is dropped and the workers joined, the task
  // under way allowed to end.
  std::atomic<int> ran{0};
  std::atomic<bool> go{false};
  std::thread releaser;
  {
    RunWorkers w(std::size_t{64} << 20U, 1);
    w.submit(0, 0, [&] {
      while (!go.load()) {
        std::this_thread::yield();
      }
    });
    for (std::size_t i = 1; i < 100; ++i) {
      w.submit(i, 0, [&] { ++ran; });
    }
    releaser = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      go = true;
    });
  }
  releaser.join();
  EXPECT_EQ(ran.load(), 0);
}

} // namespace
