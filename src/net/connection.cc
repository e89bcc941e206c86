#include "net/connection.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "net/event_loop.h"
#include "net/server_context.h"

namespace baton::http {

namespace {
constexpr char kHttp2Preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr size_t kHttp2PrefaceLength = sizeof(kHttp2Preface) - 1;
// How long a lingering close waits for the client to close after our FIN.
constexpr std::chrono::milliseconds kLinger{2000};

timeval ToTimeval(std::chrono::milliseconds delay) {
  const auto ms = delay.count();
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}
}  // namespace

Connection::Connection(std::shared_ptr<EventLoop> loop, const ServerContext& server, SSL_CTX* tls,
                       int fd, std::string peer_address, std::unique_ptr<ConnectionSlot> slot,
                       ReleaseFn release)
    : loop_(std::move(loop)),
      server_(server),
      tls_(tls),
      fd_(fd),
      peer_address_(std::move(peer_address)),
      slot_(std::move(slot)),
      release_(std::move(release)),
      accepted_at_(std::chrono::steady_clock::now()),
      ready_at_(accepted_at_),
      handshake_done_(tls == nullptr) {}

Connection::~Connection() {
  codec_.reset();
  if (timer_ != nullptr) event_free(timer_);
  if (bev_ != nullptr) bufferevent_free(bev_);
}

bool Connection::Open() {
  event_base* base = loop_->base();
  if (tls_ != nullptr) {
    SSL* ssl = SSL_new(tls_);
    if (ssl == nullptr) {
      ::close(fd_);
      return false;
    }
    bev_ = bufferevent_openssl_socket_new(base, fd_, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE);
    if (bev_ != nullptr) bufferevent_openssl_set_allow_dirty_shutdown(bev_, 1);
  } else {
    bev_ = bufferevent_socket_new(base, fd_, BEV_OPT_CLOSE_ON_FREE);
  }
  if (bev_ == nullptr) {
    ::close(fd_);
    return false;
  }
  bufferevent_setcb(bev_, &Connection::OnReadable, &Connection::OnWritable, &Connection::OnEvent,
                    this);
  bufferevent_enable(bev_, EV_READ | EV_WRITE);
  // Output that makes no progress for the idle time means a client that stopped reading.
  const timeval write_stall = ToTimeval(server_.deadlines.idle);
  bufferevent_set_timeouts(bev_, nullptr, &write_stall);
  timer_ = evtimer_new(base, &Connection::OnTimer, this);
  RearmDeadline();
  return true;
}

std::optional<std::chrono::steady_clock::time_point> Connection::Deadline() const {
  const ClientDeadlines& deadlines = server_.deadlines;
  if (!handshake_done_) return accepted_at_ + deadlines.handshake;
  if (!codec_) return ready_at_ + deadlines.header;
  return codec_->ClientDeadline();
}

void Connection::RearmDeadline() {
  if (closed_ || lingering_) return;
  const auto now = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> deadline = Deadline();
  // No client deadline (a handler is working): look again after the idle time.
  const auto at = deadline.value_or(now + server_.deadlines.idle);
  ArmTimer(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(at - now),
                    std::chrono::milliseconds(0)));
}

void Connection::ArmTimer(std::chrono::milliseconds delay) {
  const timeval tv = ToTimeval(delay);
  evtimer_add(timer_, &tv);
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  if (codec_) codec_->OnConnectionClosed();
  if (timer_ != nullptr) evtimer_del(timer_);
  if (bev_ != nullptr) {
    bufferevent_free(bev_);
    bev_ = nullptr;
  }
  release_(this);
}

void Connection::Write(std::string_view bytes) {
  if (closed_ || bytes.empty()) return;
  bufferevent_write(bev_, bytes.data(), bytes.size());
  if (!output_paused_ && OutputBacklog() > server_.max_output_bytes) {
    // The client is not reading its answers: stop reading its requests until they drain.
    output_paused_ = true;
    UpdateReading();
  }
}

size_t Connection::OutputBacklog() const {
  return bev_ == nullptr ? 0 : evbuffer_get_length(bufferevent_get_output(bev_));
}

void Connection::CloseAfterWrite() {
  if (closed_) return;
  close_after_write_ = true;
  bufferevent_disable(bev_, EV_READ);
  if (evbuffer_get_length(bufferevent_get_output(bev_)) == 0) Close();
}

void Connection::LingeringClose() {
  if (closed_ || close_after_write_) return;
  close_after_write_ = true;
  linger_after_write_ = true;
  bufferevent_disable(bev_, EV_READ);
  if (evbuffer_get_length(bufferevent_get_output(bev_)) == 0) StartLinger();
}

void Connection::StartLinger() {
  lingering_ = true;
  // Output is flushed: everything written so far is in the kernel, ahead of the FIN.
  if (tls_ != nullptr) SSL_shutdown(bufferevent_openssl_get_ssl(bev_));
  ::shutdown(bufferevent_getfd(bev_), SHUT_WR);
  bufferevent_enable(bev_, EV_READ);
  ArmTimer(kLinger);
}

void Connection::PauseReading() {
  codec_paused_ = true;
  UpdateReading();
}

void Connection::ResumeReading() {
  codec_paused_ = false;
  UpdateReading();
}

void Connection::UpdateReading() {
  if (closed_ || close_after_write_) return;
  if (codec_paused_ || output_paused_) {
    bufferevent_disable(bev_, EV_READ);
  } else {
    bufferevent_enable(bev_, EV_READ);
  }
}

bool Connection::ChooseCodec() {
  if (tls_ != nullptr) {
    const unsigned char* alpn = nullptr;
    unsigned int alpn_length = 0;
    SSL_get0_alpn_selected(bufferevent_openssl_get_ssl(bev_), &alpn, &alpn_length);
    std::string_view protocol(reinterpret_cast<const char*>(alpn), alpn ? alpn_length : 0);
    if (protocol == "h2") codec_ = MakeHttp2Codec(*this);
    if (protocol == "http/1.1") codec_ = MakeHttp1Codec(*this);
    if (codec_) return true;
  }
  // No ALPN (or cleartext): an HTTP/2 client with prior knowledge starts with the preface.
  evbuffer* input = bufferevent_get_input(bev_);
  const size_t available = std::min(evbuffer_get_length(input), kHttp2PrefaceLength);
  const unsigned char* head = evbuffer_pullup(input, static_cast<ssize_t>(available));
  if (std::memcmp(head, kHttp2Preface, available) != 0) {
    codec_ = MakeHttp1Codec(*this);
  } else if (available == kHttp2PrefaceLength) {
    codec_ = MakeHttp2Codec(*this);
  }
  return codec_ != nullptr;
}

void Connection::OnReadable(bufferevent* bev, void* arg) {
  auto& self = *static_cast<Connection*>(arg);
  if (self.closed_) return;
  if (self.lingering_) {
    evbuffer* input = bufferevent_get_input(bev);
    evbuffer_drain(input, evbuffer_get_length(input));
    return;
  }
  if (!self.codec_ && !self.ChooseCodec()) return;
  self.codec_->OnInput(bufferevent_get_input(bev));
  self.RearmDeadline();
}

void Connection::OnWritable(bufferevent* bev, void* arg) {
  auto& self = *static_cast<Connection*>(arg);
  if (self.closed_) return;
  if (!self.close_after_write_) {
    // Called once the output has drained: reading may resume, and a finished answer may have
    // started the idle time.
    if (self.output_paused_) {
      self.output_paused_ = false;
      self.UpdateReading();
      if (self.codec_) self.codec_->OnOutputDrained();
    }
    self.RearmDeadline();
    return;
  }
  if (self.lingering_) return;
  if (evbuffer_get_length(bufferevent_get_output(bev)) != 0) return;
  if (self.linger_after_write_) {
    self.StartLinger();
  } else {
    self.Close();
  }
}

void Connection::OnEvent(bufferevent*, short events, void* arg) {
  auto& self = *static_cast<Connection*>(arg);
  if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) return self.Close();
  if ((events & BEV_EVENT_CONNECTED) && !self.handshake_done_) {
    // The TLS handshake is done: the header deadline for the first request starts now.
    self.handshake_done_ = true;
    self.ready_at_ = std::chrono::steady_clock::now();
    self.RearmDeadline();
  }
}

void Connection::OnTimer(int, short, void* arg) {
  auto& self = *static_cast<Connection*>(arg);
  if (self.closed_) return;
  if (self.lingering_) return self.Close();
  if (self.close_after_write_) {
    // The last answer is still leaving; the write-stall timeout cuts a client that stopped
    // reading it.
    self.ArmTimer(self.server_.deadlines.idle);
    return;
  }
  const std::optional<std::chrono::steady_clock::time_point> deadline = self.Deadline();
  if (deadline && *deadline <= std::chrono::steady_clock::now()) {
    if (!self.codec_) return self.Close();  // no handshake, or no request bytes, in time
    self.codec_->OnClientDeadline();
    if (self.closed_ || self.close_after_write_) return;
  }
  self.RearmDeadline();
}

void ConnectionSet::Accept(int fd, std::string peer_address, std::unique_ptr<ConnectionSlot> slot) {
  auto connection = std::make_unique<Connection>(loop_, server_, tls_, fd, std::move(peer_address),
                                                 std::move(slot),
                                                 [this](Connection* closed) { Release(closed); });
  Connection* raw = connection.get();
  live_.emplace(raw, std::move(connection));
  if (!raw->Open()) live_.erase(raw);
}

void ConnectionSet::Release(Connection* connection) {
  auto it = live_.find(connection);
  if (it == live_.end()) return;
  graveyard_.push_back(std::move(it->second));
  live_.erase(it);
  if (!cleanup_posted_) {
    cleanup_posted_ = loop_->Post([this] {
      cleanup_posted_ = false;
      graveyard_.clear();
    });
  }
}

void ConnectionSet::CloseAll() {
  while (!live_.empty()) live_.begin()->second->Close();
  graveyard_.clear();
}

}  // namespace baton::http
