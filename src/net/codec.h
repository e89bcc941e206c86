// Internal: the seam between a connection (socket + TLS) and an HTTP codec.
//
// A Connection owns its socket and exactly one Codec, chosen after TLS/ALPN or by sniffing the
// first bytes. The codec turns input bytes into requests and responses into output bytes through
// ConnectionIo. Threads: everything here runs on the connection's loop thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evbuffer;

namespace baton::http {

class EventLoop;
struct ServerContext;

class ConnectionIo {
 public:
  virtual ~ConnectionIo() = default;
  virtual void Write(std::string_view bytes) = 0;
  // Flushes pending output, then closes the connection.
  virtual void CloseAfterWrite() = 0;
  // For an answer sent before the request body was read: flushes pending output, shuts the write
  // side (TLS close_notify, then FIN) so the client sees the end at once, then reads and discards
  // whatever still arrives until the client closes or a short linger passes. Closing with unread
  // input would make the kernel reset the connection, which can destroy the answer in flight.
  virtual void LingeringClose() = 0;
  virtual void PauseReading() = 0;
  virtual void ResumeReading() = 0;
  // Bytes written but not yet taken by the socket.
  virtual size_t OutputBacklog() const { return 0; }
  virtual const std::string& peer_address() const = 0;
  virtual bool tls() const = 0;
  virtual const std::shared_ptr<EventLoop>& loop() const = 0;
  virtual const ServerContext& server() const = 0;
};

class Codec {
 public:
  virtual ~Codec() = default;
  // Consumes readable bytes (the codec drains what it uses from `input`).
  virtual void OnInput(evbuffer* input) = 0;
  // When the client must next have sent something: the header deadline of a request being
  // received, the body-rate deadline of a body being received, or the end of the keep-alive idle
  // time. nullopt while only the server has work to do (a handler is answering).
  virtual std::optional<std::chrono::steady_clock::time_point> ClientDeadline() const = 0;
  // ClientDeadline() has passed: the codec answers what it can (408 on HTTP/1.1, RST_STREAM or
  // GOAWAY on HTTP/2) and closes what must be closed.
  virtual void OnClientDeadline() = 0;
  // The connection's output drained (after a pause for too much unsent output).
  virtual void OnOutputDrained() {}
  // The connection is going away: abort every unfinished exchange.
  virtual void OnConnectionClosed() = 0;
};

std::unique_ptr<Codec> MakeHttp1Codec(ConnectionIo& io);
std::unique_ptr<Codec> MakeHttp2Codec(ConnectionIo& io);

}  // namespace baton::http
