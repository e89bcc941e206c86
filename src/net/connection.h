// Internal: one accepted socket on one loop thread (transport socket + codec), and the set of
// connections a worker loop owns.
//
// A Connection wraps a libevent bufferevent (OpenSSL when TLS is on), picks its codec from ALPN
// or by sniffing the HTTP/2 preface, enforces the idle timeout, and closes cleanly on any
// transport error without touching other connections. After an answer sent before a request
// body was read it closes lingering (codec.h: LingeringClose), discarding late input. Ownership:
// ConnectionSet owns its connections; a closed connection is deleted on a later loop turn, never
// inside its own callbacks. Threads: everything runs on the owning loop's thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/codec.h"

struct bufferevent;
struct event;
typedef struct ssl_ctx_st SSL_CTX;

namespace baton::http {

class Connection final : public ConnectionIo {
 public:
  using ReleaseFn = std::function<void(Connection*)>;
  Connection(std::shared_ptr<EventLoop> loop, const ServerContext& server, SSL_CTX* tls, int fd,
             std::string peer_address, ReleaseFn release);
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
  const std::string& peer_address() const override { return peer_address_; }
  bool tls() const override { return tls_ != nullptr; }
  const std::shared_ptr<EventLoop>& loop() const override { return loop_; }
  const ServerContext& server() const override { return server_; }

 private:
  static void OnReadable(bufferevent* bev, void* self);
  static void OnWritable(bufferevent* bev, void* self);
  static void OnEvent(bufferevent* bev, short events, void* self);
  static void OnIdle(int fd, short events, void* self);
  bool ChooseCodec();
  void ArmIdleTimer();
  void ArmTimer(std::chrono::milliseconds delay);
  void StartLinger();

  std::shared_ptr<EventLoop> loop_;
  const ServerContext& server_;
  SSL_CTX* tls_;
  int fd_;
  std::string peer_address_;
  ReleaseFn release_;
  bufferevent* bev_ = nullptr;
  event* idle_timer_ = nullptr;
  std::unique_ptr<Codec> codec_;
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

  // Takes ownership of an accepted socket.
  void Accept(int fd, std::string peer_address);
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
