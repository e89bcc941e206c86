#include "orchestrator/session_registry.h"

#include <algorithm>

#include "absl/status/statusor.h"

namespace baton::orchestrator {

int SessionRegistry::LiveLocked(Clock::time_point now) const {
  int live = 0;
  for (const auto& [id, entry] : sessions_)
    if (entry.live_until > now) ++live;
  return live;
}

int SessionRegistry::MaxLocked() const {
  // The source is called under mu_: it must not call back into the registry.
  return (capacity_ ? capacity_() : max_) + remote_;
}

absl::Status SessionRegistry::RoomLocked(Clock::time_point now) const {
  if (LiveLocked(now) >= MaxLocked()) return absl::ResourceExhaustedError("OrchestratorCapped");
  if (!check_) return absl::OkStatus();
  absl::Status local = check_();
  if (!local.ok() && remote_room_ && remote_room_()) return absl::OkStatus();
  return local;
}

absl::Status SessionRegistry::CheckCapacity(const std::string& session_id) const {
  std::lock_guard lock(mu_);
  if (!session_id.empty() && sessions_.count(session_id) != 0) return absl::OkStatus();
  return RoomLocked(now_());
}

absl::StatusOr<bool> SessionRegistry::Acquire(const std::string& session_id,
                                              std::chrono::milliseconds segment_duration) {
  std::lock_guard lock(mu_);
  const auto now = now_();
  const auto lapse = std::max<std::chrono::milliseconds>(kMinLapse, 2 * segment_duration);
  auto it = sessions_.find(session_id);
  if (it != sessions_.end()) {
    // Known (live or lapsed): it passes, and is live again.
    it->second.lapse = lapse;
    it->second.live_until = std::max(it->second.live_until, now + lapse);
    return false;
  }
  if (absl::Status room = RoomLocked(now); !room.ok()) return room;
  sessions_[session_id] = Entry{now + lapse, lapse};
  return true;
}

void SessionRegistry::Touch(const std::string& session_id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  it->second.live_until = std::max(it->second.live_until, now_() + it->second.lapse);
}

void SessionRegistry::Release(const std::string& session_id) {
  std::lock_guard lock(mu_);
  sessions_.erase(session_id);
}

int SessionRegistry::in_use() const {
  std::lock_guard lock(mu_);
  return LiveLocked(now_());
}

int SessionRegistry::max() const {
  std::lock_guard lock(mu_);
  return MaxLocked();
}

void SessionRegistry::set_max(int max_sessions) {
  std::lock_guard lock(mu_);
  max_ = max_sessions;
}

void SessionRegistry::set_capacity_source(std::function<int()> capacity,
                                          std::function<absl::Status()> check) {
  std::lock_guard lock(mu_);
  capacity_ = std::move(capacity);
  check_ = std::move(check);
}

void SessionRegistry::set_remote_room(std::function<bool()> has_room) {
  std::lock_guard lock(mu_);
  remote_room_ = std::move(has_room);
}

void SessionRegistry::set_remote_capacity(int capacity) {
  std::lock_guard lock(mu_);
  remote_ = capacity;
}

}  // namespace baton::orchestrator
