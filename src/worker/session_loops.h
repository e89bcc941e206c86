// One worker loop per transcode session: segments of a session run one at a time, in order,
// on that session's own thread, behind a short queue (go-livepeer's transcodeSegmentLoop).
//
// Submit fails with "OrchestratorBusy" when the session's queue is full. A loop with no work
// for `idle_timeout` (70 s, go-livepeer's; the node uses less) ends, and `on_end(session)` runs on
// that loop's thread so the owner can release the session's capacity and state. Threads: one
// std::thread per active session, owned here and joined by End/destructor. All methods are
// thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace baton::worker {

class SessionLoops {
 public:
  using Job = std::function<void()>;
  struct Options {
    size_t queue_depth = 4;
    std::chrono::milliseconds idle_timeout{70'000};
    std::function<void(const std::string& session)> on_end;
    // Runs on a loop thread after a job when no loop has work left (the node went idle).
    std::function<void()> on_idle;
  };

  explicit SessionLoops(Options options) : options_(std::move(options)) {}
  ~SessionLoops();
  SessionLoops(const SessionLoops&) = delete;
  SessionLoops& operator=(const SessionLoops&) = delete;

  // Queues `job` on the session's loop, starting the loop if needed.
  absl::Status Submit(const std::string& session, Job job);
  // Ends the session's loop after its queued jobs (EndTranscodingSession).
  void End(const std::string& session);
  size_t active() const;

 private:
  struct Loop {
    std::deque<Job> jobs;
    bool busy = false;
    bool ending = false;
    std::condition_variable wake;
    std::thread thread;
  };
  void Run(const std::string& session, std::shared_ptr<Loop> loop);
  bool IdleLocked() const;

  const Options options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Loop>> loops_;
  std::deque<std::thread> finished_;  // threads of ended loops, joined later
  bool stopping_ = false;
};

}  // namespace baton::worker
