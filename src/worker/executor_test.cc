#include "worker/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <vector>

namespace baton::worker {
namespace {

using namespace std::chrono_literals;

TEST(Executor, RunsTasksInParallelAndKeyedTasksInOrder) {
  Executor executor({"test", 4, 1000});
  std::mutex mu;
  std::vector<int> order;
  std::atomic<int> running{0}, max_running{0};
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(executor
                    .Submit(
                        [&, i] {
                          int now = ++running;
                          int seen = max_running.load();
                          while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
                          }
                          std::this_thread::sleep_for(1ms);
                          {
                            std::lock_guard lock(mu);
                            order.push_back(i);
                          }
                          --running;
                        },
                        "session")
                    .ok());
  }
  executor.Stop();  // runs what was queued, then joins
  ASSERT_EQ(order.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(max_running.load(), 1);  // one key: one at a time

  Executor parallel({"test", 4, 1000});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> started{0};
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(parallel
                    .Submit([&, gate] {
                      ++started;
                      gate.wait();
                    })
                    .ok());
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (started < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(started.load(), 4);  // unkeyed tasks do not wait for each other
  release.set_value();
}

TEST(Executor, BoundedAndStopped) {
  Executor executor({"busy test", 1, 2});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  ASSERT_TRUE(executor.Submit([gate] { gate.wait(); }).ok());
  ASSERT_TRUE(executor.Submit([] {}).ok());
  absl::Status full = executor.Submit([] {});
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(full.message(), "busy test is busy");
  release.set_value();
  executor.Stop();
  EXPECT_TRUE(executor.stop_token().stop_requested());
  EXPECT_EQ(executor.Submit([] {}).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(executor.queued(), 0u);
}

}  // namespace
}  // namespace baton::worker
