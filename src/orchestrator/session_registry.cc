#include "orchestrator/session_registry.h"

#include "absl/status/statusor.h"

namespace baton::orchestrator {

absl::Status SessionRegistry::CheckCapacity(const std::string& session_id) const {
  std::lock_guard lock(mu_);
  if (!session_id.empty() && sessions_.count(session_id) != 0) return absl::OkStatus();
  if (static_cast<int>(sessions_.size()) >= MaxLocked())
    return absl::ResourceExhaustedError("OrchestratorCapped");
  return absl::OkStatus();
}

absl::StatusOr<bool> SessionRegistry::Acquire(const std::string& session_id) {
  std::lock_guard lock(mu_);
  if (sessions_.count(session_id) != 0) return false;
  if (static_cast<int>(sessions_.size()) >= MaxLocked())
    return absl::ResourceExhaustedError("OrchestratorCapped");
  sessions_.insert(session_id);
  return true;
}

void SessionRegistry::Release(const std::string& session_id) {
  std::lock_guard lock(mu_);
  sessions_.erase(session_id);
}

int SessionRegistry::in_use() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(sessions_.size());
}

int SessionRegistry::max() const {
  std::lock_guard lock(mu_);
  return MaxLocked();
}

void SessionRegistry::set_max(int max_sessions) {
  std::lock_guard lock(mu_);
  max_ = max_sessions;
}

}  // namespace baton::orchestrator

namespace baton::orchestrator {

void SessionRegistry::set_remote_capacity(int capacity) {
  std::lock_guard lock(mu_);
  remote_ = capacity;
}

}  // namespace baton::orchestrator
