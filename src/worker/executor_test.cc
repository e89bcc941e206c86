#include "worker/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
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

// Submits a task that holds a thread until `gate` opens, and waits until it runs.
void OccupyOneThread(Executor& executor, std::shared_future<void> gate) {
  auto started = std::make_shared<std::promise<void>>();
  std::future<void> running = started->get_future();
  ASSERT_TRUE(executor
                  .Submit([started, gate] {
                    started->set_value();
                    gate.wait();
                  })
                  .ok());
  running.wait();
}

TEST(Executor, RefusesBeyondItsQueueBoundAndRunsQueuedTasksAtStop) {
  Executor executor({"busy test", 1, 2});
  std::promise<void> release;
  OccupyOneThread(executor, release.get_future().share());  // nothing waits
  std::atomic<int> ran{0};
  EXPECT_TRUE(executor.Submit([&] { ++ran; }).ok());
  EXPECT_TRUE(executor.Submit([&] { ++ran; }, "lane").ok());
  absl::Status full = executor.Submit([&] { ++ran; });
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);  // refused at once
  EXPECT_EQ(full.message(), "busy test is busy");
  EXPECT_EQ(executor.queued(), 2u);
  release.set_value();
  executor.Stop();  // runs what was queued, then joins
  EXPECT_EQ(ran.load(), 2);
  EXPECT_TRUE(executor.stop_token().stop_requested());
  EXPECT_EQ(executor.Submit([] {}).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(executor.queued(), 0u);
}

TEST(Executor, DropQueuedOnStopDestroysQueuedTasksUnrun) {
  auto owner = std::make_shared<int>(0);
  std::weak_ptr<int> watch = owner;
  std::atomic<int> ran{0};
  Executor executor({"chain reads", 1, 100000, /*drop_queued_on_stop=*/true});
  std::promise<void> release;
  OccupyOneThread(executor, release.get_future().share());
  ASSERT_TRUE(executor.Submit([held = std::move(owner), &ran] { ++ran; }).ok());
  ASSERT_TRUE(executor.Submit([&ran] { ++ran; }, "lane").ok());
  std::thread stopper([&] { executor.Stop(); });
  // Once Submit is refused the executor is stopping; only then may the running task end.
  while (executor.Submit([&ran] { ++ran; }).ok()) std::this_thread::sleep_for(1ms);
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran.load(), 0);      // queued tasks are dropped, not run
  EXPECT_TRUE(watch.expired());  // ... and destroyed, so what they held is released
}

}  // namespace
}  // namespace baton::worker
