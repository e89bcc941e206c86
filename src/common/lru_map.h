// LruMap: a map with a cap on its entries; inserting into a full map evicts the least recently
// used entry (looked up or written). For caches keyed by what untrusted clients choose (e.g. a
// gateway's address), whose size must not grow with the number of keys ever asked about.
//
// Not thread-safe: the owner guards it (every lookup updates the recency order).
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <utility>

namespace baton {

template <typename K, typename V>
class LruMap {
 public:
  explicit LruMap(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The value for `key` (marked most recently used), or nullptr.
  V* Find(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }
  // A read that leaves the recency order alone.
  const V* Peek(const K& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  // Inserts or replaces; evicts the least recently used entry when over capacity.
  void Put(const K& key, V value) {
    if (V* existing = Find(key)) {
      *existing = std::move(value);
      return;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    if (index_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }
  void Erase(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }
  void Clear() {
    index_.clear();
    order_.clear();
  }
  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  using Order = std::list<std::pair<K, V>>;
  size_t capacity_;
  Order order_;  // most recently used first
  std::map<K, typename Order::iterator> index_;
};

}  // namespace baton
