// Transcode sessions in use, and the capacity check (-maxSessions or the measured capacity,
// plus what remote transcoders add).
//
// A session is a gateway's session id (from its auth token). It counts against the capacity
// while it is live: from its first segment until it has been idle for two segment durations
// (at least kMinLapse) after its last segment arrived or finished, so a session a gateway
// abandoned without EndTranscodingSession stops counting within seconds, not when its loop
// ends. A lapsed session that sends again is known and passes, as go-livepeer lets known
// sessions pass; Release forgets a session (its loop ended, or EndTranscodingSession).
// GetOrchestrator issues tokens without holding a place (gateways ask many nodes and use
// few): gateways that ask at the same moment may all pass it, and the ones over the capacity
// are refused at their first segment, as go-livepeer does.
//
// The capacity is max(): the number set with set_max, or, once set_capacity_source is called,
// what that source says (the CapacityModel, worker/capacity_model.h), plus the capacity of the
// remote transcoders (set_remote_capacity). A new session is refused
// with "OrchestratorCapped" when the live sessions fill the capacity, and with the new-session
// check's error (e.g. "OrchestratorBusy": the local sessions are behind real time) when that
// check fails and no remote transcoder has room (set_remote_room); with room there, the session
// passes and the transcoder pool sends it there.
// Thread-safe. The time source is injectable for tests.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"

namespace baton::orchestrator {

class SessionRegistry {
 public:
  using Clock = std::chrono::steady_clock;
  // A session idle this long no longer counts (at least; two segment durations otherwise).
  static constexpr std::chrono::milliseconds kMinLapse{4000};

  explicit SessionRegistry(int max_sessions, std::function<Clock::time_point()> now = Clock::now)
      : max_(max_sessions), now_(std::move(now)) {}

  // "" checks room for one more session (GetOrchestrator).
  absl::Status CheckCapacity(const std::string& session_id) const;
  // A segment of `session_id` with this duration: capacity check (new sessions) and
  // registration in one step; true if the session was new. Each call keeps the session
  // live for two durations (at least kMinLapse).
  absl::StatusOr<bool> Acquire(const std::string& session_id,
                               std::chrono::milliseconds segment_duration = kMinLapse / 2);
  // The session just finished a segment: live again from now.
  void Touch(const std::string& session_id);
  void Release(const std::string& session_id);

  int in_use() const;  // live sessions
  int max() const;
  // The operator's /setMaxSessions; sessions already open stay open.
  void set_max(int max_sessions);
  // The capacity comes from `capacity` from now on (set_max then only changes the fallback);
  // `check` may refuse a new session whatever the count (null: none).
  void set_capacity_source(std::function<int()> capacity, std::function<absl::Status()> check);
  // What remote transcoders add on top of the local capacity (orchestrator/transcoder_pool.h);
  // the node updates it as they come and go.
  void set_remote_capacity(int capacity);
  // Whether a remote transcoder can take a new session now: the new-session check concerns the
  // local transcoder only, so a session it refuses still passes while this says yes. Called
  // under the registry's mutex: it must not call back into the registry.
  void set_remote_room(std::function<bool()> has_room);

 private:
  struct Entry {
    Clock::time_point live_until;
    std::chrono::milliseconds lapse{kMinLapse};
  };
  int LiveLocked(Clock::time_point now) const;
  int MaxLocked() const;
  absl::Status RoomLocked(Clock::time_point now) const;

  mutable std::mutex mu_;
  std::map<std::string, Entry> sessions_;
  int max_;
  int remote_ = 0;
  std::function<int()> capacity_;
  std::function<absl::Status()> check_;
  std::function<bool()> remote_room_;
  std::function<Clock::time_point()> now_;
};

}  // namespace baton::orchestrator
