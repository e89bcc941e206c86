// HTTP/1.1 server codec on Debian's http-parser: keep-alive, chunked request bodies,
// Expect: 100-continue, header and body limits (431 / 413), chunked or fixed-length responses.
//
// One request is answered at a time: after a request completes, parsing pauses until its response
// has ended (pipelined bytes wait in pending_input_). Runs on the connection's loop thread only.
//
// At headers-complete the server's check_head may reject the request. With a body to follow the
// rejection is written at once with "Connection: close" and the connection closes lingering, the
// body unread (a rejected "Expect: 100-continue" request never gets the 100); without a body it
// is answered like any request and the connection stays open. Parse errors, oversized headers and
// a chunked body over the limit also answer and close this way.
//
// Deadlines (ClientDeadline): a request's headers within the header time of its first byte, its
// body at min_body_rate after that grace (else 408 and close, the same way), and between
// requests the keep-alive idle time (the header time before the first), after which the
// connection closes.
#include <event2/buffer.h>
#include <http_parser.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>

#include "absl/strings/str_cat.h"
#include "net/codec.h"
#include "net/server_context.h"
#include "net/status_text.h"
#include "net/stream_sink.h"

namespace baton::http {
namespace {

// Above this much unparsed pipelined input we stop reading until the current response ends.
constexpr size_t kMaxPendingInput = 1 << 20;

class Http1Codec;
using Clock = std::chrono::steady_clock;

// One request/response exchange; the ResponseWriter posts into it.
class Http1Exchange final : public StreamSink {
 public:
  Http1Exchange(Http1Codec& codec, bool head_request) : codec_(codec), head_(head_request) {}
  void WriteHeaders(int status, HttpHeaders headers, bool end_stream) override;
  void WriteBody(std::string chunk, bool end) override;
  void WriteTrailers(HttpHeaders trailers) override;

 private:
  void End();
  Http1Codec& codec_;
  const bool head_;
  bool headers_sent_ = false;
  bool chunked_ = false;
  bool ended_ = false;
};

class Http1Codec final : public Codec {
 public:
  explicit Http1Codec(ConnectionIo& io);
  ~Http1Codec() override { OnConnectionClosed(); }

  void OnInput(evbuffer* input) override;
  std::optional<Clock::time_point> ClientDeadline() const override;
  void OnClientDeadline() override;
  void OnConnectionClosed() override;

  // Exchange side.
  void Write(std::string_view bytes) { io_.Write(bytes); }
  bool close_after_response() const { return close_after_response_; }
  void FinishExchange();

 private:
  static int OnMessageBegin(http_parser* parser);
  static int OnUrl(http_parser* parser, const char* at, size_t length);
  static int OnHeaderField(http_parser* parser, const char* at, size_t length);
  static int OnHeaderValue(http_parser* parser, const char* at, size_t length);
  static int OnHeadersComplete(http_parser* parser);
  static int OnBody(http_parser* parser, const char* at, size_t length);
  static int OnMessageComplete(http_parser* parser);
  static Http1Codec& Self(http_parser* parser) { return *static_cast<Http1Codec*>(parser->data); }

  void ParsePending();
  bool CountHeaderBytes(size_t length);
  void CommitHeader();
  void Dispatch();
  void FailConnection(const Rejection& rejection);

  ConnectionIo& io_;
  http_parser parser_;
  http_parser_settings settings_;
  std::string pending_input_;

  // The request being parsed.
  HttpRequest request_;
  std::string url_, field_, value_;
  bool in_value_ = false;
  bool message_started_ = false;
  bool headers_complete_ = false;
  Clock::time_point message_started_at_;
  Clock::time_point headers_at_;
  Clock::time_point last_input_at_;
  // Since when no request is in progress; the first request gets the header deadline, later
  // ones the keep-alive idle time.
  Clock::time_point idle_since_ = Clock::now();
  bool first_request_ = true;
  size_t header_bytes_ = 0;
  size_t body_limit_ = 0;
  int error_status_ = 0;
  std::optional<Rejection> rejection_;  // check_head's answer for this request

  std::shared_ptr<Http1Exchange> exchange_;
  std::shared_ptr<LoopResponseWriter> writer_;
  bool close_after_response_ = false;
  bool failed_ = false;
};

void EnsureParserLimit() {
  // http-parser's limit is process-wide; we enforce each server's own limit in the callbacks.
  static std::once_flag once;
  std::call_once(once, [] { http_parser_set_max_header_size(64u << 20); });
}

std::string CanonicalHeaderName(std::string_view name) {
  std::string canonical(name);
  bool upper = true;
  for (char& c : canonical) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    upper = c == '-';
  }
  return canonical;
}

std::string HttpDate() {
  char buffer[64];
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  std::strftime(buffer, sizeof(buffer), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

bool BodyForbidden(int status) { return status == 204 || status == 304 || status < 200; }

// A request body follows its headers (http-parser sets content_length to ULLONG_MAX if absent).
bool BodyFollows(const http_parser& parser) {
  return (parser.flags & F_CHUNKED) != 0 ||
         (parser.content_length != ULLONG_MAX && parser.content_length > 0);
}

std::string StatusLineAndHeaders(int status, const HttpHeaders& headers) {
  std::string head =
      absl::StrCat("HTTP/1.1 ", status, " ", std::string(StatusText(status)), "\r\n");
  for (const auto& [name, value] : headers.fields()) {
    absl::StrAppend(&head, CanonicalHeaderName(name), ": ", value, "\r\n");
  }
  head += "\r\n";
  return head;
}

void Http1Exchange::WriteHeaders(int status, HttpHeaders headers, bool end_stream) {
  if (headers_sent_ || ended_) return;
  headers_sent_ = true;
  const bool has_length = headers.Has("content-length");
  headers.Remove("transfer-encoding");
  headers.Remove("connection");
  if (end_stream && !has_length && !BodyForbidden(status)) headers.Set("content-length", "0");
  chunked_ = !end_stream && !has_length && !BodyForbidden(status);
  if (chunked_) headers.Add("transfer-encoding", "chunked");
  if (!headers.Has("date")) headers.Add("date", HttpDate());
  if (codec_.close_after_response()) headers.Add("connection", "close");
  codec_.Write(StatusLineAndHeaders(status, headers));
  if (end_stream) End();
}

void Http1Exchange::WriteBody(std::string chunk, bool end) {
  if (!headers_sent_) WriteHeaders(200, {}, false);
  if (ended_) return;
  if (!chunk.empty() && !head_) {
    if (chunked_) {
      char size_line[32];
      std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
      codec_.Write(size_line);
      codec_.Write(chunk);
      codec_.Write("\r\n");
    } else {
      codec_.Write(chunk);
    }
  }
  if (end) {
    if (chunked_ && !head_) codec_.Write("0\r\n\r\n");
    End();
  }
}

void Http1Exchange::WriteTrailers(HttpHeaders trailers) {
  if (!headers_sent_) WriteHeaders(200, {}, false);
  if (ended_) return;
  if (chunked_ && !head_) {
    std::string tail = "0\r\n";
    for (const auto& [name, value] : trailers.fields()) {
      absl::StrAppend(&tail, CanonicalHeaderName(name), ": ", value, "\r\n");
    }
    tail += "\r\n";
    codec_.Write(tail);
  }
  End();
}

void Http1Exchange::End() {
  ended_ = true;
  codec_.FinishExchange();
}

Http1Codec::Http1Codec(ConnectionIo& io) : io_(io) {
  EnsureParserLimit();
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_message_begin = &Http1Codec::OnMessageBegin;
  settings_.on_url = &Http1Codec::OnUrl;
  settings_.on_header_field = &Http1Codec::OnHeaderField;
  settings_.on_header_value = &Http1Codec::OnHeaderValue;
  settings_.on_headers_complete = &Http1Codec::OnHeadersComplete;
  settings_.on_body = &Http1Codec::OnBody;
  settings_.on_message_complete = &Http1Codec::OnMessageComplete;
}

std::optional<Clock::time_point> Http1Codec::ClientDeadline() const {
  const ClientDeadlines& deadlines = io_.server().deadlines;
  if (failed_ || exchange_ != nullptr) return std::nullopt;  // the connection or a handler acts
  if (!message_started_) {
    return idle_since_ + (first_request_ ? deadlines.header : deadlines.idle);
  }
  if (!headers_complete_) return message_started_at_ + deadlines.header;
  // The body: after a grace of the header time, at least min_body_rate bytes per second.
  if (deadlines.min_body_rate == 0) return last_input_at_ + deadlines.idle;
  const auto owed =
      std::chrono::milliseconds(request_.body.size() * 1000 / deadlines.min_body_rate);
  return headers_at_ + deadlines.header + owed;
}

void Http1Codec::OnClientDeadline() {
  if (!message_started_) {
    io_.CloseAfterWrite();  // idle keep-alive connection, or no request in time
    return;
  }
  FailConnection({408, "408 Request Timeout", {}});
}

void Http1Codec::OnInput(evbuffer* input) {
  last_input_at_ = Clock::now();
  const size_t length = evbuffer_get_length(input);
  const size_t old_size = pending_input_.size();
  pending_input_.resize(old_size + length);
  evbuffer_remove(input, pending_input_.data() + old_size, length);
  if (failed_) {
    pending_input_.clear();
    return;
  }
  if (exchange_ == nullptr) {
    ParsePending();
  } else if (pending_input_.size() > kMaxPendingInput) {
    io_.PauseReading();
  }
}

void Http1Codec::ParsePending() {
  while (exchange_ == nullptr && !failed_ && !pending_input_.empty()) {
    const size_t parsed =
        http_parser_execute(&parser_, &settings_, pending_input_.data(), pending_input_.size());
    pending_input_.erase(0, parsed);
    const http_errno error = HTTP_PARSER_ERRNO(&parser_);
    if (error == HPE_PAUSED) {
      http_parser_pause(&parser_, 0);
      Dispatch();
    } else if (rejection_) {  // rejected at headers-complete, a body following
      FailConnection(*rejection_);
    } else if (error == HPE_HEADER_OVERFLOW || error_status_ == 431) {
      FailConnection({431, "431 Request Header Fields Too Large", {}});
    } else if (error_status_ == 413) {
      FailConnection({413, std::string(kBodyTooLarge), {}});
    } else if (error != HPE_OK) {
      FailConnection({400, absl::StrCat("400 Bad Request: ", http_errno_description(error)), {}});
    } else if (parsed == 0) {
      break;
    }
  }
}

// Answers without reading the rest of the input, then closes (the request body, if any, is
// still on its way: the connection cannot be reused).
void Http1Codec::FailConnection(const Rejection& rejection) {
  failed_ = true;
  close_after_response_ = true;
  message_started_ = false;
  pending_input_.clear();
  const std::string body = rejection.message + "\n";
  HttpHeaders headers = rejection.headers;
  headers.Set("content-type", "text/plain; charset=utf-8");
  headers.Set("content-length", std::to_string(body.size()));
  headers.Set("x-content-type-options", "nosniff");
  headers.Set("date", HttpDate());
  headers.Set("connection", "close");
  io_.Write(StatusLineAndHeaders(rejection.status, headers));
  if (request_.method != "HEAD") io_.Write(body);
  io_.LingeringClose();
}

int Http1Codec::OnMessageBegin(http_parser* parser) {
  Http1Codec& self = Self(parser);
  self.request_ = HttpRequest{};
  self.url_.clear();
  self.field_.clear();
  self.value_.clear();
  self.in_value_ = false;
  self.message_started_ = true;
  self.headers_complete_ = false;
  self.message_started_at_ = Clock::now();
  self.first_request_ = false;
  self.header_bytes_ = 0;
  self.error_status_ = 0;
  self.rejection_.reset();
  return 0;
}

bool Http1Codec::CountHeaderBytes(size_t length) {
  header_bytes_ += length;
  if (header_bytes_ <= io_.server().max_header_bytes) return true;
  error_status_ = 431;
  return false;
}

int Http1Codec::OnUrl(http_parser* parser, const char* at, size_t length) {
  Http1Codec& self = Self(parser);
  if (!self.CountHeaderBytes(length)) return -1;
  self.url_.append(at, length);
  return 0;
}

void Http1Codec::CommitHeader() {
  if (!field_.empty()) request_.headers.Add(field_, value_);
  field_.clear();
  value_.clear();
  in_value_ = false;
}

int Http1Codec::OnHeaderField(http_parser* parser, const char* at, size_t length) {
  Http1Codec& self = Self(parser);
  if (!self.CountHeaderBytes(length)) return -1;
  if (self.in_value_) self.CommitHeader();
  self.field_.append(at, length);
  return 0;
}

int Http1Codec::OnHeaderValue(http_parser* parser, const char* at, size_t length) {
  Http1Codec& self = Self(parser);
  if (!self.CountHeaderBytes(length)) return -1;
  self.in_value_ = true;
  self.value_.append(at, length);
  return 0;
}

int Http1Codec::OnHeadersComplete(http_parser* parser) {
  Http1Codec& self = Self(parser);
  self.CommitHeader();
  self.headers_complete_ = true;
  self.headers_at_ = Clock::now();
  HttpRequest& request = self.request_;
  request.method = http_method_str(static_cast<http_method>(parser->method));
  std::string_view url = self.url_;
  http_parser_url parts;
  http_parser_url_init(&parts);
  if (http_parser_parse_url(url.data(), url.size(), 0, &parts) == 0 &&
      (parts.field_set & (1 << UF_PATH))) {
    request.path =
        std::string(url.substr(parts.field_data[UF_PATH].off, parts.field_data[UF_PATH].len));
    if (parts.field_set & (1 << UF_QUERY)) {
      request.query =
          std::string(url.substr(parts.field_data[UF_QUERY].off, parts.field_data[UF_QUERY].len));
    }
  } else {
    request.path = std::string(url);
  }
  request.protocol = parser->http_major == 1 && parser->http_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
  request.peer_address = self.io_.peer_address();
  request.tls = self.io_.tls();
  // h2c upgrades are not offered: treat "Upgrade: h2c" requests as plain HTTP/1.1.
  parser->upgrade = 0;
  self.close_after_response_ = !http_should_keep_alive(parser);
  self.body_limit_ = self.io_.server().body_limit(request);
  // A rejection with a body to follow stops the parser here (answered in ParsePending); one
  // without completes the message and is answered in Dispatch.
  self.rejection_ = CheckHead(self.io_.server(), request);
  if (self.rejection_) return BodyFollows(*parser) ? -1 : 0;
  auto expect = request.headers.Get("expect");
  if (expect && ToLowerAscii(*expect) == "100-continue" && parser->http_minor >= 1) {
    self.io_.Write("HTTP/1.1 100 Continue\r\n\r\n");
  }
  return 0;
}

int Http1Codec::OnBody(http_parser* parser, const char* at, size_t length) {
  Http1Codec& self = Self(parser);
  if (self.request_.body.size() + length > self.body_limit_) {
    self.error_status_ = 413;
    return -1;
  }
  self.request_.body.append(at, length);
  return 0;
}

int Http1Codec::OnMessageComplete(http_parser* parser) {
  http_parser_pause(parser, 1);
  return 0;
}

void Http1Codec::Dispatch() {
  message_started_ = false;
  const bool head = request_.method == "HEAD";
  exchange_ = std::make_shared<Http1Exchange>(*this, head);
  writer_ = std::make_shared<LoopResponseWriter>(io_.loop(), exchange_);
  std::shared_ptr<LoopResponseWriter> writer = writer_;
  if (rejection_) {
    writer->RespondError(*rejection_);
  } else {
    io_.server().dispatch(std::move(request_), std::move(writer));
  }
}

void Http1Codec::FinishExchange() {
  // Keep the exchange alive until this call unwinds: it is our caller.
  std::shared_ptr<Http1Exchange> finished = std::move(exchange_);
  std::shared_ptr<LoopResponseWriter> writer = std::move(writer_);
  if (writer) writer->MarkClosed(/*aborted=*/false);
  idle_since_ = Clock::now();
  if (close_after_response_) {
    failed_ = true;
    io_.CloseAfterWrite();
    return;
  }
  io_.ResumeReading();
  // Responses always arrive through posted tasks, so this never recurses into a handler's call.
  ParsePending();
}

void Http1Codec::OnConnectionClosed() {
  failed_ = true;
  exchange_.reset();
  if (std::shared_ptr<LoopResponseWriter> writer = std::move(writer_)) {
    writer->MarkClosed(/*aborted=*/true);
  }
}

}  // namespace

std::unique_ptr<Codec> MakeHttp1Codec(ConnectionIo& io) { return std::make_unique<Http1Codec>(io); }

}  // namespace baton::http
