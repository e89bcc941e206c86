#include "chain/read_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <thread>

namespace baton::chain {
namespace {

TEST(ReadPool, RunsWorkAndRefusesBeyondItsQueueBound) {
  ReadPool pool({/*threads=*/1, /*max_queued=*/2});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.Submit([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the one thread is busy; the queue is empty
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.Submit([&] { ++ran; }));
  EXPECT_TRUE(pool.Submit([&] { ++ran; }));
  EXPECT_FALSE(pool.Submit([&] { ++ran; }));  // over the bound: refused at once
  release.set_value();
  std::promise<void> last;
  while (!pool.Submit([&] { last.set_value(); })) std::this_thread::yield();
  last.get_future().wait();
  EXPECT_EQ(ran.load(), 2);
}

TEST(ReadPool, StopDropsQueuedWorkAndRefusesMore) {
  auto owner = std::make_shared<int>(0);
  std::weak_ptr<int> watch = owner;
  std::atomic<int> ran{0};
  ReadPool pool({1, 100000});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.Submit([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  ASSERT_TRUE(pool.Submit([held = std::move(owner), &ran] { ++ran; }));
  std::thread stopper([&] { pool.Stop(); });
  // Once Submit is refused the pool is stopping; only then may the running work end.
  while (pool.Submit([&ran] { ++ran; })) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran.load(), 0);      // queued work is dropped, not run
  EXPECT_TRUE(watch.expired());  // ... and destroyed, so what it held is released
  EXPECT_FALSE(pool.Submit([] {}));
}

}  // namespace
}  // namespace baton::chain
