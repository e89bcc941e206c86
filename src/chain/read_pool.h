// ReadPool: a few owned threads on which event-loop threads run work that may wait on the chain
// (an eth_call for a sender the caches do not hold), so that a loop thread never does.
//
// The queue is bounded: Submit refuses work beyond max_queued at once, and the caller answers
// "busy" rather than letting a flood of unknown senders queue without end. Work still queued at
// Stop is dropped (its closures are destroyed, so whatever they hold, e.g. a gRPC responder,
// ends the call).
//
// Thread-safe: Submit from any thread; Stop (also run by the destructor) from the owner, never
// from a pool thread. Stop joins the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace baton::chain {

class ReadPool {
 public:
  struct Options {
    size_t threads = 4;
    size_t max_queued = 1024;
  };
  explicit ReadPool(Options options);
  ~ReadPool();
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  // Queues `work`; false (work dropped) when the queue is full or the pool is stopping.
  bool Submit(std::function<void()> work);
  void Stop();

 private:
  void Run();

  const Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace baton::chain
