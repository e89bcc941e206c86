#include "net/connection_limiter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cstring>

namespace baton::http {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    if (limiter_) limiter_->Release(key_);
    limiter_ = std::move(other.limiter_);
    key_ = std::move(other.key_);
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  if (limiter_) limiter_->Release(key_);
}

std::string ConnectionLimiter::ClientKey(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text,
              sizeof(text));
    return text;
  }
  if (address->sa_family != AF_INET6) return "?";
  in6_addr v6 = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    in_addr v4;
    std::memcpy(&v4, &v6.s6_addr[12], 4);
    inet_ntop(AF_INET, &v4, text, sizeof(text));
    return text;
  }
  // One host usually owns a whole /64: count the prefix, not the address.
  std::memset(&v6.s6_addr[8], 0, 8);
  inet_ntop(AF_INET6, &v6, text, sizeof(text));
  return std::string(text) + "/64";
}

std::unique_ptr<ConnectionSlot> ConnectionLimiter::TryAcquire(const std::string& key) {
  {
    std::lock_guard lock(mu_);
    size_t& count = per_key_[key];
    const bool over = (max_total_ != 0 && total_ >= max_total_) ||
                      (max_per_client_ != 0 && count >= max_per_client_);
    if (!over) {
      ++count;
      ++total_;
      return std::make_unique<ConnectionSlot>(shared_from_this(), key);
    }
    if (count == 0) per_key_.erase(key);
  }
  refused_.fetch_add(1);
  // One warning per 10 s at most: a flood of refusals must not become a flood of log lines.
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
  int64_t last = last_warning_ms_.load();
  if (now_ms - last >= 10'000 && last_warning_ms_.compare_exchange_strong(last, now_ms)) {
    spdlog::warn("refusing connections over the cap ({} in all, {} per client; {} refused so far)",
                 max_total_, max_per_client_, refused_.load());
  }
  return nullptr;
}

void ConnectionLimiter::Release(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = per_key_.find(key);
  if (it != per_key_.end() && --it->second == 0) per_key_.erase(it);
  if (total_ > 0) --total_;
}

size_t ConnectionLimiter::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace baton::http
