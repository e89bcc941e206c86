// Transcode sessions in use, and the -maxSessions capacity check (plus the capacity of remote
// transcoders, set_remote_capacity).
//
// A session is a gateway's session id (from its auth token). CheckCapacity passes for known
// sessions and for new ones while fewer than max are open; otherwise it fails with
// go-livepeer's "OrchestratorCapped". Thread-safe.
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "absl/status/statusor.h"

namespace baton::orchestrator {

class SessionRegistry {
 public:
  explicit SessionRegistry(int max_sessions) : max_(max_sessions) {}

  // "" checks room for one more session (GetOrchestrator).
  absl::Status CheckCapacity(const std::string& session_id) const;
  // Capacity check and registration in one step; true if the session was new.
  absl::StatusOr<bool> Acquire(const std::string& session_id);
  void Release(const std::string& session_id);

  int in_use() const;
  int max() const;
  // The operator's /setMaxSessions; sessions already open stay open.
  void set_max(int max_sessions);
  // What remote transcoders add on top of max_sessions (orchestrator/transcoder_pool.h); the
  // node updates it as they come and go.
  void set_remote_capacity(int capacity);

 private:
  int MaxLocked() const { return max_ + remote_; }

  mutable std::mutex mu_;
  std::set<std::string> sessions_;
  int max_;
  int remote_ = 0;
};

}  // namespace baton::orchestrator
