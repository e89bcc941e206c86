// EventLoop: one libevent event_base driven by its own thread.
//
// The server runs one EventLoop per worker thread; every connection lives on exactly one loop and
// is only touched by that loop's thread. Other threads never share connection state: they Post a
// task, which the loop runs in posting order.
//
// Ownership: held by shared_ptr so that response writers can keep posting safely while the server
// shuts down (posts after Stop are dropped). Threads: Post, RunAfter and IsInLoopThread are safe
// from any thread; Start and Stop are called by the owner (Stop never from the loop thread).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

struct event;
struct event_base;

namespace baton::http {

class EventLoop {
 public:
  static absl::StatusOr<std::shared_ptr<EventLoop>> Create(std::string name);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The libevent base; use only on the loop thread (or before Start).
  event_base* base() const { return base_; }

  // Starts the thread that runs the loop.
  void Start();
  // Runs `before_exit` on the loop thread, stops the loop and joins the thread. Tasks still
  // queued are dropped, later posts are refused. REQUIRES: not called on the loop thread.
  void Stop(std::function<void()> before_exit = nullptr);

  // Queues `task` to run on the loop thread. Returns false (task dropped) once stopping.
  bool Post(std::function<void()> task);
  // Runs `task` on the loop thread after `delay`. Dropped if the loop stops first.
  bool RunAfter(std::chrono::milliseconds delay, std::function<void()> task);
  bool IsInLoopThread() const { return std::this_thread::get_id() == thread_id_; }

 private:
  struct Timer;
  EventLoop(std::string name, event_base* base);
  static void OnWakeup(int fd, short events, void* self);
  static void OnTimer(int fd, short events, void* timer);
  void RunQueuedTasks();
  void ArmTimer(std::chrono::milliseconds delay, std::function<void()> task);

  const std::string name_;
  event_base* const base_;
  event* wakeup_ = nullptr;
  std::thread thread_;
  std::atomic<std::thread::id> thread_id_;

  std::mutex mutex_;
  std::vector<std::function<void()>> queue_;  // guarded by mutex_
  bool accepting_ = true;                     // guarded by mutex_

  std::vector<Timer*> timers_;  // loop thread only; freed at destruction
};

}  // namespace baton::http
