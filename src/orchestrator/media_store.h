// The node's in-memory object store behind GET /stream/<id>/<name>: transcoded renditions
// (and, later, worker inputs) that gateways download.
//
// As go-livepeer's memory driver, each directory (session id plus profile) keeps only its
// most recent files (12 by default); a total byte budget also evicts the oldest files across
// the store, so memory stays bounded however many sessions run; and a file older than max_age
// goes at the next Put (gateways download a result as soon as its response arrives).
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace baton::orchestrator {

class MediaStore {
 public:
  using Clock = std::chrono::steady_clock;
  MediaStore(size_t max_bytes, size_t files_per_directory = 12,
             std::chrono::milliseconds max_age = std::chrono::hours(24),
             std::function<Clock::time_point()> now = Clock::now)
      : max_bytes_(max_bytes),
        files_per_directory_(files_per_directory),
        max_age_(max_age),
        now_(std::move(now)) {}

  // Stores `data` at `path` ("<session>/<profile>/<seq>.ts") and returns the path.
  void Put(const std::string& path, std::string data);
  // Shared so a response can stream the bytes after eviction.
  std::shared_ptr<const std::string> Get(const std::string& path) const;
  void RemoveDirectory(const std::string& prefix);

  size_t bytes() const;
  size_t files() const;

  // Content-Type by extension, as go-livepeer's store sets it.
  static std::string ContentTypeFor(const std::string& path);

 private:
  void EvictLocked();
  static std::string DirectoryOf(const std::string& path);

  const size_t max_bytes_;
  const size_t files_per_directory_;
  const std::chrono::milliseconds max_age_;
  const std::function<Clock::time_point()> now_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const std::string>> files_;
  std::map<std::string, std::deque<std::string>> directories_;   // oldest first
  std::deque<std::pair<std::string, Clock::time_point>> order_;  // by insertion, oldest first
  size_t bytes_ = 0;
};

}  // namespace baton::orchestrator
