#include "worker/executor.h"

namespace baton::worker {

Executor::Executor(Options options) : options_(std::move(options)) {
  int n = options_.threads < 1 ? 1 : options_.threads;
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back(&Executor::Run, this);
}

Executor::~Executor() { Stop(); }

absl::Status Executor::Submit(Task task, const std::string& key) {
  std::lock_guard lock(mu_);
  if (stopping_) return absl::UnavailableError(options_.name + " is stopping");
  if (waiting_ >= options_.max_queued)
    return absl::ResourceExhaustedError(options_.name + " is busy");
  ++waiting_;
  if (key.empty()) {
    unkeyed_.push_back(std::move(task));
    ready_.push_back("");
  } else {
    Lane& lane = lanes_[key];
    lane.tasks.push_back(std::move(task));
    // A lane waits in ready_ once: when it gets its first task and nothing of it runs.
    if (lane.tasks.size() == 1 && !lane.running) ready_.push_back(key);
  }
  wake_.notify_one();
  return absl::OkStatus();
}

void Executor::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    // A stopping executor's thread leaves once nothing is runnable: a lane whose task is
    // running elsewhere is drained by the thread running it.
    wake_.wait(lock, [&] { return !ready_.empty() || stopping_; });
    if (ready_.empty()) return;
    std::string key = std::move(ready_.front());
    ready_.pop_front();
    Task task;
    if (key.empty()) {
      task = std::move(unkeyed_.front());
      unkeyed_.pop_front();
    } else {
      Lane& lane = lanes_[key];
      task = std::move(lane.tasks.front());
      lane.tasks.pop_front();
      lane.running = true;
    }
    --waiting_;
    lock.unlock();
    task();
    task = nullptr;  // captured state is released before the next task starts
    lock.lock();
    if (!key.empty()) {
      auto it = lanes_.find(key);
      it->second.running = false;
      if (it->second.tasks.empty()) {
        lanes_.erase(it);
      } else {
        ready_.push_back(key);
        wake_.notify_one();
      }
    }
  }
}

void Executor::Stop() {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    if (options_.drop_queued_on_stop) {
      dropped.swap(unkeyed_);
      for (auto& [key, lane] : lanes_)
        for (auto& task : lane.tasks) dropped.push_back(std::move(task));
      for (auto it = lanes_.begin(); it != lanes_.end();) {
        it->second.tasks.clear();
        it = it->second.running ? std::next(it) : lanes_.erase(it);
      }
      ready_.clear();
      waiting_ = 0;
    }
  }
  stop_.request_stop();
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  threads_.clear();
  dropped.clear();  // outside the lock: destroying a task may run its owners' callbacks
}

size_t Executor::queued() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

}  // namespace baton::worker
