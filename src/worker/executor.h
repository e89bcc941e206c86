// Executor: a fixed set of threads, owned here, for work that may block (a ledger fsync, a
// transaction waiting for its receipt) and so must not run on an event-loop thread.
//
// Bounded: at most `max_queued` tasks wait (besides those running); Submit refuses more
// (ResourceExhausted) instead of growing without limit, and the caller answers "busy". Tasks
// submitted with the same `key` run one at a time in submission order (a gateway session's payments
// stay in the order they arrived); tasks with different keys, or none, run in parallel on the
// pool's threads.
//
// Stop refuses new tasks, signals stop_token() (a task that may wait long, such as for a
// transaction's receipt, watches it and gives up), lets the queued tasks run (or, with
// drop_queued_on_stop, destroys them unrun, so whatever they hold, e.g. a gRPC responder, ends
// its call), and joins every thread; the destructor stops. Tasks must not throw. Thread-safe:
// Submit may be called from any thread, including a task of this executor.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace baton::worker {

class Executor {
 public:
  using Task = std::function<void()>;
  struct Options {
    std::string name = "executor";  // for errors and logs
    int threads = 2;
    size_t max_queued = 1024;
    bool drop_queued_on_stop = false;
  };

  explicit Executor(Options options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task`; "" = no ordering with other tasks. Fails when stopping or full.
  absl::Status Submit(Task task, const std::string& key = "");
  void Stop();
  size_t queued() const;
  std::stop_token stop_token() const { return stop_.get_token(); }

 private:
  void Run();

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  // Runnable lanes in order; a keyed lane is runnable while it has tasks and none running.
  std::deque<std::string> ready_;
  std::deque<Task> unkeyed_;  // lane "" — its tasks run in parallel
  struct Lane {
    std::deque<Task> tasks;
    bool running = false;
  };
  std::map<std::string, Lane> lanes_;
  size_t waiting_ = 0;  // tasks in unkeyed_ and lanes_
  bool stopping_ = false;
  std::stop_source stop_;
  std::vector<std::thread> threads_;
};

}  // namespace baton::worker
