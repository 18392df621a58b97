// RenderPool (plugins/statements/render_pool.hpp): renderings on other threads, what is done with
// them on the caller's, in submission order; a failure rethrown in its turn; a bounded backlog.
#include "render_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using cartera::statements::RenderPool;

TEST(RenderPool, ThenRunsOnTheCallersThreadInSubmissionOrder) {
  RenderPool pool(3);
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<int> order;
  bool all_on_caller = true;
  for (int i = 0; i < 200; ++i) {
    pool.submit(
        [i] {
          // Later ones often finish first.
          std::this_thread::sleep_for(std::chrono::microseconds((200 - i) % 7 * 50));
          return std::to_string(i);
        },
        [&, i](const std::string &r) {
          all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
          EXPECT_EQ(r, std::to_string(i));
          order.push_back(i);
        });
  }
  pool.finish();
  ASSERT_EQ(order.size(), 200U);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  }
  EXPECT_TRUE(all_on_caller);
}

TEST(RenderPool, AFailedRenderingIsRethrownInItsTurnAfterThoseBeforeIt) {
  RenderPool pool(2);
  std::vector<int> done;
  const auto submit_all = [&] {
    for (int i = 0; i < 50; ++i) {
      pool.submit(
          [i]() -> std::string {
            if (i == 20) {
              throw std::runtime_error("la página 20 no cabe");
            }
            return "";
          },
          [&, i](const std::string &) { done.push_back(i); });
    }
    pool.finish();
  };
  try {
    submit_all();
    FAIL() << "the failure was not rethrown";
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(), "la página 20 no cabe");
  }
  ASSERT_EQ(done.size(), 20U) << "every one before it, none after";
  EXPECT_EQ(done.back(), 19);
}

TEST(RenderPool, WithoutThreadsEachRenderingIsDoneAtOnce) {
  RenderPool pool(0);
  bool then_ran = false;
  pool.submit([] { return std::string("pdf"); }, [&](const std::string &r) { then_ran = r == "pdf"; });
  EXPECT_TRUE(then_ran) << "before submit returns";
  pool.finish();
}

TEST(RenderPool, BehindTheCallerRendersTooAndTheBacklogStaysSmall) {
  // The pool's one thread is held by the first rendering for a while; the caller renders what
  // comes after it itself instead of piling it up, then waits for the front.
  RenderPool pool(1);
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> release{false};
  std::atomic<int> on_caller{0};
  std::vector<int> order;
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    release = true;
  });
  pool.submit(
      [&] {
        while (!release.load()) {
          std::this_thread::yield();
        }
        return std::string();
      },
      [&](const std::string &) { order.push_back(0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (int i = 1; i < 20; ++i) {
    pool.submit(
        [&] {
          on_caller += std::this_thread::get_id() == caller ? 1 : 0;
          return std::string();
        },
        [&, i](const std::string &) { order.push_back(i); });
  }
  pool.finish();
  releaser.join();
  EXPECT_GE(on_caller.load(), 1);
  ASSERT_EQ(order.size(), 20U);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  }
}

} // namespace
