#include "worker/session_loops.h"

namespace baton::worker {

SessionLoops::~SessionLoops() {
  std::deque<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [session, loop] : loops_) {
      loop->ending = true;
      loop->wake.notify_all();
      threads.push_back(std::move(loop->thread));
    }
    for (auto& t : finished_) threads.push_back(std::move(t));
    finished_.clear();
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

absl::Status SessionLoops::Submit(const std::string& session, Job job) {
  std::lock_guard lock(mu_);
  if (stopping_) return absl::UnavailableError("node is stopping");
  // Reap threads of loops that ended since the last call.
  while (!finished_.empty()) {
    if (finished_.front().joinable()) finished_.front().join();
    finished_.pop_front();
  }
  auto& loop = loops_[session];
  if (!loop) {
    loop = std::make_shared<Loop>();
    loop->thread = std::thread(&SessionLoops::Run, this, session, loop);
  }
  // As go-livepeer's buffered channel: `queue_depth` waiting, plus the one being transcoded.
  if (loop->jobs.size() >= options_.queue_depth)
    return absl::ResourceExhaustedError("OrchestratorBusy");
  loop->jobs.push_back(std::move(job));
  loop->wake.notify_one();
  return absl::OkStatus();
}

void SessionLoops::End(const std::string& session) {
  std::lock_guard lock(mu_);
  auto it = loops_.find(session);
  if (it == loops_.end()) return;
  it->second->ending = true;
  it->second->wake.notify_all();
}

bool SessionLoops::IdleLocked() const {
  for (const auto& [session, loop] : loops_)
    if (loop->busy || !loop->jobs.empty()) return false;
  return true;
}

size_t SessionLoops::active() const {
  std::lock_guard lock(mu_);
  return loops_.size();
}

void SessionLoops::Run(const std::string& session, std::shared_ptr<Loop> loop) {
  std::unique_lock lock(mu_);
  for (;;) {
    bool woke = loop->wake.wait_for(lock, options_.idle_timeout,
                                    [&] { return !loop->jobs.empty() || loop->ending; });
    if (!loop->jobs.empty()) {
      Job job = std::move(loop->jobs.front());
      loop->jobs.pop_front();
      loop->busy = true;
      lock.unlock();
      job();
      lock.lock();
      loop->busy = false;
      if (options_.on_idle && IdleLocked()) {
        lock.unlock();
        options_.on_idle();
        lock.lock();
      }
      continue;
    }
    if (!woke || loop->ending) break;  // idle for the whole timeout, or asked to end
  }
  bool stopping = stopping_;
  if (!stopping) {
    loops_.erase(session);
    finished_.push_back(std::move(loop->thread));
  }
  lock.unlock();
  if (options_.on_end) options_.on_end(session);
}

}  // namespace baton::worker
