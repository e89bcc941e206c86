// Internal: one accepted socket on one loop thread (transport socket + codec), and the set of
// connections a worker loop owns.
//
// A Connection wraps a libevent bufferevent (OpenSSL when TLS is on), picks its codec from ALPN
// or by sniffing the HTTP/2 preface, and closes cleanly on any transport error without touching
// other connections. It enforces the client's deadlines with one timer: the TLS handshake
// deadline from accept, the header deadline for the first request's bytes after the handshake,
// then whatever the codec says (Codec::ClientDeadline). Output the client does not read is
// bounded: above max_output_bytes the connection stops reading until the output drains, and
// output that makes no progress for the idle time closes the connection. After an answer sent
// before a request body was read it closes lingering (codec.h: LingeringClose), discarding late
// input. Ownership: ConnectionSet owns its connections; a closed connection is deleted on a later
// loop turn, never inside its own callbacks. Threads: everything runs on the owning loop's thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/codec.h"
#include "net/connection_limiter.h"

struct bufferevent;
struct event;
typedef struct ssl_ctx_st SSL_CTX;

namespace baton::http {

class Connection final : public ConnectionIo {
 public:
  using ReleaseFn = std::function<void(Connection*)>;
  Connection(std::shared_ptr<EventLoop> loop, const ServerContext& server, SSL_CTX* tls, int fd,
             std::string peer_address, std::unique_ptr<ConnectionSlot> slot, ReleaseFn release);
  ~Connection() override;

  // Starts reading; false if libevent or OpenSSL could not set up the socket (fd is closed).
  bool Open();
  // Closes now: aborts unfinished exchanges, frees the socket, hands itself to `release`.
  void Close();

  // ConnectionIo
  void Write(std::string_view bytes) override;
  void CloseAfterWrite() override;
  void LingeringClose() override;
  void PauseReading() override;
  void ResumeReading() override;
  size_t OutputBacklog() const override;
  const std::string& peer_address() const override { return peer_address_; }
  bool tls() const override { return tls_ != nullptr; }
  const std::shared_ptr<EventLoop>& loop() const override { return loop_; }
  const ServerContext& server() const override { return server_; }

 private:
  static void OnReadable(bufferevent* bev, void* self);
  static void OnWritable(bufferevent* bev, void* self);
  static void OnEvent(bufferevent* bev, short events, void* self);
  static void OnTimer(int fd, short events, void* self);
  bool ChooseCodec();
  // The client's next deadline, or nullopt while only the server has work to do.
  std::optional<std::chrono::steady_clock::time_point> Deadline() const;
  // Arms the timer for Deadline() (or, without one, to look again after the idle time).
  void RearmDeadline();
  void ArmTimer(std::chrono::milliseconds delay);
  void StartLinger();
  void UpdateReading();

  std::shared_ptr<EventLoop> loop_;
  const ServerContext& server_;
  SSL_CTX* tls_;
  int fd_;
  std::string peer_address_;
  std::unique_ptr<ConnectionSlot> slot_;  // our place under the connection caps
  ReleaseFn release_;
  bufferevent* bev_ = nullptr;
  event* timer_ = nullptr;
  std::unique_ptr<Codec> codec_;
  const std::chrono::steady_clock::time_point accepted_at_;
  std::chrono::steady_clock::time_point ready_at_;  // handshake done (accept, in cleartext)
  bool handshake_done_ = false;
  bool codec_paused_ = false;   // the codec asked to stop reading
  bool output_paused_ = false;  // too much unsent output
  bool close_after_write_ = false;
  bool linger_after_write_ = false;  // LingeringClose: linger once the output is flushed
  bool lingering_ = false;           // write side shut; input is discarded until close
  bool closed_ = false;
};

class ConnectionSet {
 public:
  ConnectionSet(std::shared_ptr<EventLoop> loop, const ServerContext& server, SSL_CTX* tls)
      : loop_(std::move(loop)), server_(server), tls_(tls) {}
  ~ConnectionSet() { CloseAll(); }

  // Takes ownership of an accepted socket and its place under the connection caps.
  void Accept(int fd, std::string peer_address, std::unique_ptr<ConnectionSlot> slot);
  // Closes every connection and frees them (used at shutdown, on the loop thread).
  void CloseAll();
  size_t size() const { return live_.size(); }

 private:
  void Release(Connection* connection);

  std::shared_ptr<EventLoop> loop_;
  const ServerContext& server_;
  SSL_CTX* tls_;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> live_;
  std::vector<std::unique_ptr<Connection>> graveyard_;
  bool cleanup_posted_ = false;
};

}  // namespace baton::http
