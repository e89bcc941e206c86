#include "net/server.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "net/connection.h"
#include "net/connection_limiter.h"
#include "net/event_loop.h"
#include "net/server_context.h"
#include "net/tls_context.h"

namespace baton::http {

namespace {

constexpr int kListenBacklog = 4096;

struct HostPort {
  std::string host;
  std::string port;
};

absl::StatusOr<HostPort> SplitHostPort(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("address ", address, ": missing port"));
  }
  std::string_view host = std::string_view(address).substr(0, colon);
  std::string_view port = std::string_view(address).substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  // Built, not assigned: GCC 12 warns (-Wrestrict, a false positive) on `port = "0"`.
  return HostPort{std::string(host), std::string(port.empty() ? "0" : port)};
}

std::string FormatPeer(const sockaddr* address) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
    port = ntohs(v4->sin_port);
    return absl::StrCat(host, ":", port);
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
    port = ntohs(v6->sin6_port);
  }
  return absl::StrCat("[", host, "]:", port);
}

// strerror says "Address already in use"; Go says "address already in use".
std::string LowerFirst(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] + 32);
  return text;
}

// Go-style "listen tcp host:port: bind: address already in use".
absl::StatusOr<int> BindAndListen(const std::string& address) {
  absl::StatusOr<HostPort> parts = SplitHostPort(address);
  if (!parts.ok()) return parts.status();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* results = nullptr;
  const char* host = parts->host.empty() ? nullptr : parts->host.c_str();
  if (int rc = getaddrinfo(host, parts->port.c_str(), &hints, &results); rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen tcp ", address, ": lookup: ", gai_strerror(rc)));
  }
  std::string error = "no usable address";
  int fd = -1;
  // For ":port" prefer the IPv6 wildcard, which also accepts IPv4 (dual stack), as Go does.
  for (int want : {AF_INET6, AF_INET}) {
    for (addrinfo* ai = results; ai != nullptr && fd < 0; ai = ai->ai_next) {
      if (ai->ai_family != want) continue;
      int candidate = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (candidate < 0) continue;
      const int on = 1, off = 0;
      setsockopt(candidate, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
      if (ai->ai_family == AF_INET6 && host == nullptr) {
        setsockopt(candidate, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
      }
      if (bind(candidate, ai->ai_addr, ai->ai_addrlen) != 0) {
        error = absl::StrCat("bind: ", LowerFirst(std::strerror(errno)));
        ::close(candidate);
        continue;
      }
      if (listen(candidate, kListenBacklog) != 0) {
        error = absl::StrCat("listen: ", LowerFirst(std::strerror(errno)));
        ::close(candidate);
        continue;
      }
      fd = candidate;
    }
  }
  freeaddrinfo(results);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("listen tcp ", address, ": ", error));
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

// Owns an accepted socket until a worker takes it.
class AcceptedSocket {
 public:
  explicit AcceptedSocket(int fd) : fd_(fd) {}
  ~AcceptedSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool IsGrpc(const HttpRequest& request) {
  auto content_type = request.headers.Get("content-type");
  return content_type && content_type->rfind("application/grpc", 0) == 0;
}

// Every connection is a descriptor: take all the kernel allows this process.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    spdlog::debug("open file limit raised from {} to {}", before, limit.rlim_max);
  }
}

size_t FileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return SIZE_MAX;
  return static_cast<size_t>(limit.rlim_cur);
}

}  // namespace

class Server::Impl {
 public:
  struct Worker {
    std::shared_ptr<EventLoop> loop;
    std::unique_ptr<ConnectionSet> connections;
  };

  ~Impl() { Stop(); }

  void Stop() {
    if (acceptor_) {
      acceptor_->Stop([this] {
        if (listener_ != nullptr) evconnlistener_free(listener_);
        listener_ = nullptr;
      });
    }
    for (Worker& worker : workers_) {
      ConnectionSet* connections = worker.connections.get();
      worker.loop->Stop([connections] { connections->CloseAll(); });
    }
    workers_.clear();
    acceptor_.reset();
  }

  static void OnAccept(evconnlistener*, evutil_socket_t fd, sockaddr* address, int, void* arg) {
    auto& self = *static_cast<Impl*>(arg);
    std::unique_ptr<ConnectionSlot> slot =
        self.limiter->TryAcquire(ConnectionLimiter::ClientKey(address));
    if (!slot) {
      ::close(fd);  // over a cap: accepted and closed at once, so the backlog keeps moving
      return;
    }
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    Worker& worker = self.workers_[self.next_worker_++ % self.workers_.size()];
    ConnectionSet* connections = worker.connections.get();
    // The socket is closed if the task is dropped because the worker is stopping.
    auto socket = std::make_shared<AcceptedSocket>(fd);
    // The slot is shared so that a dropped task still gives its place back.
    std::shared_ptr<ConnectionSlot> shared_slot(slot.release());
    worker.loop->Post([connections, socket, shared_slot, peer = FormatPeer(address)]() mutable {
      connections->Accept(socket->Release(), std::move(peer),
                          std::make_unique<ConnectionSlot>(std::move(*shared_slot)));
    });
  }

  static void OnAcceptError(evconnlistener* listener, void* arg) {
    auto& self = *static_cast<Impl*>(arg);
    // Typically EMFILE: back off briefly instead of spinning on the readable listener.
    spdlog::warn("accept failed: {}", std::strerror(errno));
    evconnlistener_disable(listener);
    self.acceptor_->RunAfter(std::chrono::milliseconds(100), [&self] {
      if (self.listener_ != nullptr) evconnlistener_enable(self.listener_);
    });
  }

  ServerContext context;
  std::shared_ptr<ConnectionLimiter> limiter;
  std::unique_ptr<TlsServerContext> tls;
  std::shared_ptr<EventLoop> acceptor_;
  evconnlistener* listener_ = nullptr;
  std::vector<Worker> workers_;
  size_t next_worker_ = 0;
};

Server::Server(ServerOptions options) : options_(std::move(options)) {
  router_.SetDefaultMaxBody(options_.max_body_bytes);
}

size_t Server::open_connections() const { return impl_ ? impl_->limiter->total() : 0; }

size_t Server::refused_connections() const { return impl_ ? impl_->limiter->refused() : 0; }

Server::~Server() { Stop(); }

absl::StatusOr<int> Server::Start() {
  if (impl_) return absl::FailedPreconditionError("server already started");
  // A peer that vanishes mid-write must cost an error code, not the process (libevent and
  // OpenSSL write with plain send/write).
  std::signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();
  auto impl = std::make_unique<Impl>();
  size_t max_connections = options_.max_connections;
  // Keep descriptors for the node's own files, clients and the chain.
  const size_t file_limit = FileLimit();
  const size_t usable = file_limit > 256 ? file_limit - 256 : file_limit / 2;
  if (max_connections == 0 || max_connections > usable) {
    if (max_connections != 0) {
      spdlog::warn("connection cap {} lowered to {}: the open file limit is {}", max_connections,
                   usable, file_limit);
    }
    max_connections = usable;
  }
  impl->limiter =
      std::make_shared<ConnectionLimiter>(max_connections, options_.max_connections_per_client);
  if (options_.tls) {
    if (options_.cert_dir.empty()) {
      return absl::InvalidArgumentError("TLS needs a directory for cert.pem/key.pem");
    }
    auto paths = WriteSelfSignedCertificate(options_.cert_dir, options_.cert_host);
    if (!paths.ok()) return paths.status();
    auto tls = TlsServerContext::Create(*paths);
    if (!tls.ok()) return tls.status();
    impl->tls = std::move(*tls);
    cert_path_ = paths->cert_pem;
  }
  ServerContext& context = impl->context;
  context.max_header_bytes = options_.max_header_bytes;
  context.deadlines.handshake = options_.handshake_timeout;
  context.deadlines.header = options_.header_timeout;
  context.deadlines.min_body_rate = options_.min_body_rate;
  context.deadlines.idle = options_.idle_timeout;
  context.max_output_bytes = options_.max_output_bytes;
  // Decided from the head: a registered gRPC method takes one message, an unknown one nothing
  // (it is answered UNIMPLEMENTED without reading a body); routes have their own limits.
  context.body_limit = [this](const HttpRequest& request) -> size_t {
    if (!IsGrpc(request)) return router_.MaxBody(request);
    return grpc_.Has(request.path) ? kGrpcDefaultMaxMessageBytes + kGrpcFramePrefixBytes : 0;
  };
  context.reject_oversized_body = [this](const HttpRequest& request, ResponseWriter& response) {
    if (!IsGrpc(request)) {
      response.RespondError(413, kBodyTooLarge);
    } else if (grpc_.Has(request.path)) {
      GrpcService::RespondStatus(response, GrpcCode::kResourceExhausted,
                                 "grpc: received message larger than max");
    } else {
      GrpcService::RespondUnknownMethod(response, request.path);
    }
  };
  context.check_head = [this](HttpRequest& head) -> std::optional<Rejection> {
    // gRPC answers with its own statuses; its message limit is checked on the frames.
    if (IsGrpc(head)) {
      if (head.protocol == "HTTP/2") return std::nullopt;
      return Rejection{400, "gRPC requires HTTP/2", {}};
    }
    return router_.CheckHead(head);
  };
  context.dispatch = [this](HttpRequest request, std::shared_ptr<ResponseWriter> response) {
    if (IsGrpc(request)) {
      grpc_.Serve(std::move(request), std::move(response));
    } else {
      router_.Dispatch(std::move(request), std::move(response));
    }
  };

  absl::StatusOr<int> fd = BindAndListen(options_.bind_address);
  if (!fd.ok()) return fd.status();
  port_ = BoundPort(*fd);

  auto acceptor = EventLoop::Create("acceptor");
  if (!acceptor.ok()) {
    ::close(*fd);
    return acceptor.status();
  }
  impl->acceptor_ = std::move(*acceptor);
  int threads = options_.worker_threads;
  if (threads <= 0) threads = std::max(2u, std::thread::hardware_concurrency());
  SSL_CTX* ssl_ctx = impl->tls ? impl->tls->ctx() : nullptr;
  for (int i = 0; i < threads; ++i) {
    auto loop = EventLoop::Create(absl::StrCat("worker-", i));
    if (!loop.ok()) {
      ::close(*fd);
      return loop.status();
    }
    auto connections = std::make_unique<ConnectionSet>(*loop, context, ssl_ctx);
    impl->workers_.push_back({std::move(*loop), std::move(connections)});
  }
  impl->listener_ = evconnlistener_new(impl->acceptor_->base(), &Impl::OnAccept, impl.get(),
                                       LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, *fd);
  if (impl->listener_ == nullptr) {
    ::close(*fd);
    return absl::InternalError("libevent: cannot create the listener");
  }
  evconnlistener_set_error_cb(impl->listener_, &Impl::OnAcceptError);
  for (auto& worker : impl->workers_) worker.loop->Start();
  impl->acceptor_->Start();
  impl_ = std::move(impl);
  return port_.load();
}

void Server::Stop() {
  if (impl_) impl_->Stop();
  impl_.reset();
}

}  // namespace baton::http
