#include "orchestrator/media_store.h"

#include <algorithm>

namespace baton::orchestrator {

std::string MediaStore::DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

void MediaStore::Put(const std::string& path, std::string data) {
  std::lock_guard lock(mu_);
  EraseKeptLocked(path);
  auto it = files_.find(path);
  if (it != files_.end()) {
    bytes_ -= it->second->size();
  } else {
    directories_[DirectoryOf(path)].push_back(path);
    order_.emplace_back(path, now_());
  }
  bytes_ += data.size();
  files_[path] = std::make_shared<const std::string>(std::move(data));
  auto& dir = directories_[DirectoryOf(path)];
  while (dir.size() > files_per_directory_) {
    auto victim = files_.find(dir.front());
    if (victim != files_.end()) {
      bytes_ -= victim->second->size();
      files_.erase(victim);
    }
    dir.pop_front();
  }
  EvictLocked();
  EvictKeptLocked();
}

void MediaStore::PutKept(const std::string& path, std::string data) {
  std::lock_guard lock(mu_);
  if (auto it = files_.find(path); it != files_.end()) {  // the path moves shelves
    bytes_ -= it->second->size();
    auto& dir = directories_[DirectoryOf(path)];
    dir.erase(std::remove(dir.begin(), dir.end(), path), dir.end());
    files_.erase(it);
  }
  EraseKeptLocked(path);
  const auto now = now_();
  kept_bytes_ += data.size();
  kept_[path] = Kept{std::make_shared<const std::string>(std::move(data)), now};
  kept_order_.emplace_back(path, now);
  EvictKeptLocked();
  EvictLocked();
}

void MediaStore::SetKeptLimits(size_t max_bytes, std::chrono::milliseconds max_age) {
  std::lock_guard lock(mu_);
  kept_max_bytes_ = max_bytes;
  kept_max_age_ = max_age;
  EvictKeptLocked();
}

void MediaStore::EraseKeptLocked(const std::string& path) {
  auto it = kept_.find(path);
  if (it == kept_.end()) return;
  kept_bytes_ -= it->second.data->size();
  kept_.erase(it);  // its kept_order_ entry is skipped when it comes up
}

void MediaStore::EvictKeptLocked() {
  const Clock::time_point too_old = now_() - kept_max_age_;
  while (!kept_order_.empty() &&
         (kept_bytes_ > kept_max_bytes_ || kept_order_.front().second < too_old)) {
    auto [victim, stored] = kept_order_.front();
    kept_order_.pop_front();
    auto it = kept_.find(victim);
    // Gone already, or stored again since (a later entry stands for it).
    if (it == kept_.end() || it->second.stored != stored) continue;
    EraseKeptLocked(victim);
  }
  if (kept_order_.size() > 4 * kept_.size() + 64) {
    std::deque<std::pair<std::string, Clock::time_point>> live;
    for (const auto& entry : kept_order_) {
      auto it = kept_.find(entry.first);
      if (it != kept_.end() && it->second.stored == entry.second) live.push_back(entry);
    }
    kept_order_.swap(live);
  }
}

void MediaStore::EvictLocked() {
  // Oldest first across the whole store; entries already evicted per directory are skipped.
  const Clock::time_point too_old = now_() - max_age_;
  while (!order_.empty() && (bytes_ > max_bytes_ || order_.front().second < too_old)) {
    std::string victim = order_.front().first;
    order_.pop_front();
    auto it = files_.find(victim);
    if (it == files_.end()) continue;
    bytes_ -= it->second->size();
    files_.erase(it);
    auto& dir = directories_[DirectoryOf(victim)];
    dir.erase(std::remove(dir.begin(), dir.end(), victim), dir.end());
  }
  if (order_.size() > 4 * files_.size() + 64) {
    std::deque<std::pair<std::string, Clock::time_point>> live;
    for (const auto& entry : order_)
      if (files_.count(entry.first)) live.push_back(entry);
    order_.swap(live);
  }
}

std::shared_ptr<const std::string> MediaStore::Get(const std::string& path) const {
  std::lock_guard lock(mu_);
  if (auto it = files_.find(path); it != files_.end()) return it->second;
  auto it = kept_.find(path);
  // A kept file past its age is gone for readers, whether or not a Put has evicted it yet.
  if (it == kept_.end() || it->second.stored < now_() - kept_max_age_) return nullptr;
  return it->second.data;
}

void MediaStore::RemoveDirectory(const std::string& prefix) {
  std::lock_guard lock(mu_);
  for (auto it = files_.begin(); it != files_.end();) {
    if (it->first.rfind(prefix + "/", 0) == 0) {
      bytes_ -= it->second->size();
      directories_.erase(DirectoryOf(it->first));
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = kept_.begin(); it != kept_.end();) {
    if (it->first.rfind(prefix + "/", 0) == 0) {
      kept_bytes_ -= it->second.data->size();
      it = kept_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t MediaStore::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_ + kept_bytes_;
}

size_t MediaStore::files() const {
  std::lock_guard lock(mu_);
  return files_.size() + kept_.size();
}

size_t MediaStore::kept_bytes() const {
  std::lock_guard lock(mu_);
  return kept_bytes_;
}

std::string MediaStore::ContentTypeFor(const std::string& path) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".ts")) return "video/mp2t";
  if (ends(".mp4")) return "video/mp4";
  if (ends(".m3u8")) return "application/x-mpegURL";
  if (ends(".png")) return "image/png";
  if (ends(".wav")) return "audio/wav";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace baton::orchestrator
