// ConnectionLimiter: the server's caps on open connections, in all and per client address.
//
// The acceptor asks TryAcquire for every accepted socket; over either cap the socket is closed at
// once (accept-then-close: the client sees its connection end rather than waiting in the listen
// backlog, and the kernel's queue keeps moving). A granted ConnectionSlot travels with the
// connection and gives its place back when destroyed. Clients are counted by address: an IPv4
// address (IPv4-mapped IPv6 addresses count as IPv4), or an IPv6 /64 prefix, since one host
// commonly holds a whole /64.
//
// Thread-safe: the acceptor thread acquires, worker loop threads release.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

struct sockaddr;

namespace baton::http {

class ConnectionLimiter;

// One counted connection; releases its place when destroyed. Movable, not copyable.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(std::shared_ptr<ConnectionLimiter> limiter, std::string key)
      : limiter_(std::move(limiter)), key_(std::move(key)) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ~ConnectionSlot();

 private:
  std::shared_ptr<ConnectionLimiter> limiter_;
  std::string key_;
};

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  // 0 = no cap.
  ConnectionLimiter(size_t max_total, size_t max_per_client)
      : max_total_(max_total), max_per_client_(max_per_client) {}

  // The client key of a peer address (see the file comment).
  static std::string ClientKey(const sockaddr* address);
  // A slot for a new connection from `key`, or nullptr when a cap is reached.
  std::unique_ptr<ConnectionSlot> TryAcquire(const std::string& key);

  size_t total() const;
  size_t refused() const { return refused_.load(); }

 private:
  friend class ConnectionSlot;
  void Release(const std::string& key);

  const size_t max_total_;
  const size_t max_per_client_;
  mutable std::mutex mu_;
  size_t total_ = 0;                                 // guarded by mu_
  std::unordered_map<std::string, size_t> per_key_;  // guarded by mu_
  std::atomic<size_t> refused_{0};
  std::atomic<int64_t> last_warning_ms_{0};
};

}  // namespace baton::http
