// Internal: the seam between a connection (socket + TLS) and an HTTP codec.
//
// A Connection owns its socket and exactly one Codec, chosen after TLS/ALPN or by sniffing the
// first bytes. The codec turns input bytes into requests and responses into output bytes through
// ConnectionIo. Threads: everything here runs on the connection's loop thread.
#pragma once

#include <memory>
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
  // True while some request is being received or answered (idle timeout waits for these).
  virtual bool HasActiveStreams() const = 0;
  // The idle timeout fired with no active streams; the codec may say goodbye (h2 GOAWAY).
  virtual void OnIdleTimeout() = 0;
  // The connection is going away: abort every unfinished exchange.
  virtual void OnConnectionClosed() = 0;
};

std::unique_ptr<Codec> MakeHttp1Codec(ConnectionIo& io);
std::unique_ptr<Codec> MakeHttp2Codec(ConnectionIo& io);

}  // namespace baton::http
