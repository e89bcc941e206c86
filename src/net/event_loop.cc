#include "net/event_loop.h"

#include <event2/event.h>
#include <event2/thread.h>

#include <algorithm>

#include "absl/status/status.h"

namespace baton::http {

struct EventLoop::Timer {
  EventLoop* loop;
  event* ev;
  std::function<void()> task;
};

namespace {
void EnableLibeventThreads() {
  static const bool enabled = [] { return evthread_use_pthreads() == 0; }();
  (void)enabled;
}
}  // namespace

absl::StatusOr<std::shared_ptr<EventLoop>> EventLoop::Create(std::string name) {
  EnableLibeventThreads();
  event_base* base = event_base_new();
  if (base == nullptr) return absl::InternalError("libevent: event_base_new failed");
  std::shared_ptr<EventLoop> loop(new EventLoop(std::move(name), base));
  if (loop->wakeup_ == nullptr) return absl::InternalError("libevent: event_new failed");
  return loop;
}

EventLoop::EventLoop(std::string name, event_base* base) : name_(std::move(name)), base_(base) {
  wakeup_ = event_new(base_, -1, 0, &EventLoop::OnWakeup, this);
}

EventLoop::~EventLoop() {
  if (thread_.joinable()) Stop();
  for (Timer* timer : timers_) {
    event_free(timer->ev);
    delete timer;
  }
  if (wakeup_ != nullptr) event_free(wakeup_);
  event_base_free(base_);
}

void EventLoop::Start() {
  thread_ = std::thread([this] {
    thread_id_ = std::this_thread::get_id();
    event_base_loop(base_, EVLOOP_NO_EXIT_ON_EMPTY);
  });
}

void EventLoop::Stop(std::function<void()> before_exit) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) return;
    queue_.push_back([this, before_exit = std::move(before_exit)] {
      if (before_exit) before_exit();
      event_base_loopbreak(base_);
    });
    accepting_ = false;
  }
  event_active(wakeup_, 0, 0);
  if (thread_.joinable()) thread_.join();
  std::vector<std::function<void()>> dropped;
  std::lock_guard lock(mutex_);
  dropped.swap(queue_);
}

bool EventLoop::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) return false;
    queue_.push_back(std::move(task));
  }
  event_active(wakeup_, 0, 0);
  return true;
}

bool EventLoop::RunAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  return Post(
      [this, delay, task = std::move(task)]() mutable { ArmTimer(delay, std::move(task)); });
}

void EventLoop::ArmTimer(std::chrono::milliseconds delay, std::function<void()> task) {
  auto* timer = new Timer{this, nullptr, std::move(task)};
  timer->ev = event_new(base_, -1, 0, &EventLoop::OnTimer, timer);
  timeval tv{static_cast<time_t>(delay.count() / 1000),
             static_cast<suseconds_t>((delay.count() % 1000) * 1000)};
  event_add(timer->ev, &tv);
  timers_.push_back(timer);
}

void EventLoop::OnTimer(int, short, void* arg) {
  auto* timer = static_cast<Timer*>(arg);
  EventLoop* loop = timer->loop;
  std::erase(loop->timers_, timer);
  std::function<void()> task = std::move(timer->task);
  event_free(timer->ev);
  delete timer;
  task();
}

void EventLoop::OnWakeup(int, short, void* self) {
  static_cast<EventLoop*>(self)->RunQueuedTasks();
}

void EventLoop::RunQueuedTasks() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(queue_);
  }
  for (auto& task : tasks) task();
}

}  // namespace baton::http
