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
  if (queued_ >= options_.max_queued)
    return absl::ResourceExhaustedError(options_.name + " is busy");
  ++queued_;
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
    wake_.wait(lock, [&] { return !ready_.empty() || (stopping_ && queued_ == 0); });
    if (ready_.empty()) return;  // stopping and drained
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
    lock.unlock();
    task();
    task = nullptr;  // captured state is released before the next task starts
    lock.lock();
    --queued_;
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
    if (stopping_ && queued_ == 0) wake_.notify_all();
  }
}

void Executor::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  stop_.request_stop();
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  threads_.clear();
}

size_t Executor::queued() const {
  std::lock_guard lock(mu_);
  return queued_;
}

}  // namespace baton::worker
