// The node's in-memory object store behind GET /stream/<id>/<name>: transcoded renditions
// (and, later, worker inputs) that gateways download.
//
// As go-livepeer's memory driver, each directory (session id plus profile) keeps only its
// most recent files (12 by default); a total byte budget also evicts the oldest files across
// the store, so memory stays bounded however many sessions run; and a file older than max_age
// goes at the next Put (gateways download a result as soon as its response arrives).
//
// Results that must outlive that churn go on a shelf of their own (PutKept): AI results, which
// go-livepeer keeps downloadable for 10 minutes (the request's store ends then). That shelf has
// its own byte budget and age (SetKeptLimits), no per-directory count, and is never evicted by
// segment traffic, nor does it evict segments; over its budget its oldest files go first, and a
// file past its age is no longer served (and goes at the next Put). Paths are shared: Get and
// RemoveDirectory see both shelves.
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
  // Stores `data` at `path` ("<request>/<name>") on the kept shelf.
  void PutKept(const std::string& path, std::string data);
  // The kept shelf's budget and age (default: 256 MiB, 10 minutes, go-livepeer's AI results).
  void SetKeptLimits(size_t max_bytes, std::chrono::milliseconds max_age);
  // Shared so a response can stream the bytes after eviction.
  std::shared_ptr<const std::string> Get(const std::string& path) const;
  void RemoveDirectory(const std::string& prefix);

  size_t bytes() const;  // both shelves
  size_t files() const;
  size_t kept_bytes() const;

  // Content-Type by extension, as go-livepeer's store sets it.
  static std::string ContentTypeFor(const std::string& path);

 private:
  void EvictLocked();
  void EvictKeptLocked();
  void EraseKeptLocked(const std::string& path);
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
  // The kept shelf: by path with its time stored, and by insertion, oldest first.
  struct Kept {
    std::shared_ptr<const std::string> data;
    Clock::time_point stored;
  };
  size_t kept_max_bytes_ = 256u << 20;
  std::chrono::milliseconds kept_max_age_ = std::chrono::minutes(10);
  std::map<std::string, Kept> kept_;
  std::deque<std::pair<std::string, Clock::time_point>> kept_order_;
  size_t kept_bytes_ = 0;
};

}  // namespace baton::orchestrator
