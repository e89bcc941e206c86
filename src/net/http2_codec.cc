// HTTP/2 server codec on nghttp2: request streams become HttpRequests once the client ends them;
// responses are headers, buffered DATA (deferred while the handler has nothing to send) and
// optional trailers. Header lists up to the server's limit are accepted (a larger one gets 431 on
// its stream); an oversized body gets the server's rejection; protocol errors end the connection
// with GOAWAY. Runs on the connection's loop thread only.
//
// Early answers: when a request's HEADERS arrive, the server's check_head may reject it. The
// rejection is answered on the stream at once and the stream's remaining DATA is dropped (nghttp2
// still credits the flow-control windows for it, so other streams never stall). A client that
// keeps sending more than a stream window after the answer is complete gets that stream alone
// reset with NO_ERROR (RFC 9113 8.1: the response is complete, stop sending). Not at once, as Go
// does: curl 7.88 fails a transfer whose stream is reset right after its answer arrives, and curl
// and Go clients stop uploading on an error answer by themselves. The 431 for an oversized
// header list and the answer to a body over the limit end their streams the same way.
//
// Bounds: flow-control windows are not reopened on receipt (nghttp2's automatic WINDOW_UPDATE is
// off) but as bodies are taken: appended to a request while the connection buffers at most
// kMaxBufferedBodyBytes of undispatched bodies, else when a stream is dispatched; the oldest
// stream still receiving its body is always credited (so a body larger than the bound, up to its
// route's limit, still completes); dropped DATA is credited at once. Deadlines (ClientDeadline): a
// header block must complete within the header time of its start (else GOAWAY: nothing else can use
// the connection meanwhile); a body must average min_body_rate after that grace (else 408 on the
// stream, then RST_STREAM); a stream answered early must be ended by the client within the header
// time (else RST_STREAM); with no stream open the connection may idle for the idle time (the header
// time before its first request), then gets GOAWAY. Output is pulled from nghttp2 only while the
// connection's unsent output is under max_output_bytes.
#include <event2/buffer.h>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "net/codec.h"
#include "net/event_loop.h"
#include "net/server_context.h"
#include "net/stream_sink.h"

namespace baton::http {
namespace {

constexpr uint32_t kMaxConcurrentStreams = 250;
constexpr int32_t kStreamWindowBytes = 1 << 20;
constexpr int32_t kConnectionWindowBytes = 16 << 20;
constexpr uint64_t kResetBurst = 100000;
constexpr uint64_t kResetsPerSecond = 20000;
// Request bodies a connection may hold before its handlers take them; past this the windows
// stay shut until a stream is dispatched, except the oldest one receiving (it must be able to
// finish), so a connection holds at most this, that stream's body (up to its route's limit)
// and one connection window of unread bodies.
constexpr size_t kMaxBufferedBodyBytes = 32u << 20;

using Clock = std::chrono::steady_clock;

class Http2Codec;

class Http2Stream final : public StreamSink {
 public:
  Http2Stream(Http2Codec& codec, int32_t id) : codec_(codec), id_(id) {}

  void WriteHeaders(int status, HttpHeaders headers, bool end_stream) override;
  void WriteBody(std::string chunk, bool end) override;
  void WriteTrailers(HttpHeaders trailers) override;

  bool response_done() const { return response_done_; }

  static ssize_t ReadBody(nghttp2_session* session, int32_t stream_id, uint8_t* buf, size_t length,
                          uint32_t* data_flags, nghttp2_data_source* source, void* user_data);

  Http2Codec& codec_;
  const int32_t id_;
  HttpRequest request;
  size_t header_bytes = 0;
  bool headers_too_large = false;
  bool body_too_large = false;
  size_t body_limit = 0;
  bool dispatched = false;          // handed to a handler or answered; later DATA is dropped
  bool answered_early = false;      // answered before the client's END_STREAM
  bool answer_complete = false;     // ... and the answer's END_STREAM has been sent
  size_t dropped_after_answer = 0;  // DATA bytes received since then
  bool reset_sent = false;
  bool reset_after_answer = false;  // the client was too slow: reset once the answer is out
  Clock::time_point begin_at = Clock::now();
  bool headers_complete = false;
  Clock::time_point headers_at;
  Clock::time_point answered_at;  // when answer_complete became true
  size_t unconsumed = 0;          // body bytes received but not yet credited to the windows
  std::shared_ptr<LoopResponseWriter> writer;

 private:
  void ResumeIfDeferred();
  bool response_started_ = false;
  bool response_done_ = false;  // nothing more will be submitted
  std::string outbound_;
  size_t outbound_offset_ = 0;
  bool body_end_ = false;
  bool deferred_ = false;
  bool has_trailers_ = false;
  HttpHeaders trailers_;
};

class Http2Codec final : public Codec {
 public:
  explicit Http2Codec(ConnectionIo& io);
  ~Http2Codec() override;

  void OnInput(evbuffer* input) override;
  std::optional<Clock::time_point> ClientDeadline() const override;
  void OnClientDeadline() override;
  void OnOutputDrained() override { Flush(); }
  void OnConnectionClosed() override;

  nghttp2_session* session() const { return session_; }
  // Sends whatever nghttp2 has queued; closes the connection when the session is over.
  void Flush();

 private:
  static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t flags,
                      void* self);
  static int OnDataChunk(nghttp2_session*, uint8_t flags, int32_t stream_id, const uint8_t* data,
                         size_t len, void* self);
  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* self);
  static int OnFrameSend(nghttp2_session*, const nghttp2_frame* frame, void* self);

  Http2Stream* Find(int32_t stream_id);
  std::shared_ptr<ResponseWriter> StartResponse(Http2Stream& stream);
  void Dispatch(Http2Stream& stream);
  // Answers `stream` now; `body_follows`: the client has not ended it yet.
  void Reject(Http2Stream& stream, const Rejection& rejection, bool body_follows);
  // DATA for a stream answered before its end: dropped; resets a client that keeps sending.
  void DropLateData(Http2Stream& stream, size_t length);
  // The deadline `stream` puts on the client, if any.
  std::optional<Clock::time_point> StreamDeadline(const Http2Stream& stream) const;
  // `stream`'s buffered body left the connection (dispatched, dropped or closed): credit what
  // other streams were held back by kMaxBufferedBodyBytes.
  void ReleaseBody(Http2Stream& stream, bool closed = false);
  // Credits held-back body bytes: the oldest receiving stream's always, others' while under
  // kMaxBufferedBodyBytes.
  void CreditHeldBodies();

  ConnectionIo& io_;
  nghttp2_session* session_ = nullptr;
  std::map<int32_t, std::shared_ptr<Http2Stream>> streams_;
  bool closing_ = false;
  size_t buffered_body_bytes_ = 0;  // bodies of streams not yet dispatched
  // Since when no stream is open: the first request gets the header deadline, later ones the
  // keep-alive idle time.
  Clock::time_point idle_since_ = Clock::now();
  bool first_request_ = true;
};

std::vector<nghttp2_nv> MakeNv(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<nghttp2_nv> nv;
  nv.reserve(fields.size());
  for (const auto& [name, value] : fields) {
    nv.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                  reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                  value.size(), NGHTTP2_NV_FLAG_NONE});
  }
  return nv;
}

bool IsConnectionSpecific(const std::string& name) {
  return name == "connection" || name == "transfer-encoding" || name == "keep-alive" ||
         name == "upgrade" || name == "proxy-connection";
}

void Http2Stream::WriteHeaders(int status, HttpHeaders headers, bool end_stream) {
  if (response_started_) return;
  response_started_ = true;
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back(":status", std::to_string(status));
  for (const auto& field : headers.fields()) {
    if (!IsConnectionSpecific(field.first)) fields.push_back(field);
  }
  std::vector<nghttp2_nv> nv = MakeNv(fields);
  if (end_stream) {
    response_done_ = true;
    nghttp2_submit_response(codec_.session(), id_, nv.data(), nv.size(), nullptr);
  } else {
    nghttp2_data_provider provider;
    provider.source.ptr = this;
    provider.read_callback = &Http2Stream::ReadBody;
    nghttp2_submit_response(codec_.session(), id_, nv.data(), nv.size(), &provider);
  }
  codec_.Flush();
}

void Http2Stream::WriteBody(std::string chunk, bool end) {
  if (!response_started_) WriteHeaders(200, {}, false);
  if (response_done_ || body_end_) return;
  outbound_.append(chunk);
  body_end_ = end;
  ResumeIfDeferred();
}

void Http2Stream::WriteTrailers(HttpHeaders trailers) {
  if (!response_started_) WriteHeaders(200, {}, false);
  if (response_done_ || body_end_) return;
  trailers_ = std::move(trailers);
  has_trailers_ = true;
  body_end_ = true;
  ResumeIfDeferred();
}

void Http2Stream::ResumeIfDeferred() {
  if (deferred_) {
    deferred_ = false;
    nghttp2_session_resume_data(codec_.session(), id_);
  }
  codec_.Flush();
}

ssize_t Http2Stream::ReadBody(nghttp2_session* session, int32_t stream_id, uint8_t* buf,
                              size_t length, uint32_t* data_flags, nghttp2_data_source* source,
                              void*) {
  auto* stream = static_cast<Http2Stream*>(source->ptr);
  const size_t available = stream->outbound_.size() - stream->outbound_offset_;
  const size_t n = std::min(length, available);
  std::memcpy(buf, stream->outbound_.data() + stream->outbound_offset_, n);
  stream->outbound_offset_ += n;
  if (stream->outbound_offset_ == stream->outbound_.size()) {
    stream->outbound_.clear();
    stream->outbound_offset_ = 0;
    if (stream->body_end_) {
      stream->response_done_ = true;
      *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      if (stream->has_trailers_) {
        std::vector<std::pair<std::string, std::string>> fields(stream->trailers_.fields().begin(),
                                                                stream->trailers_.fields().end());
        std::vector<nghttp2_nv> nv = MakeNv(fields);
        *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        nghttp2_submit_trailer(session, stream_id, nv.data(), nv.size());
      }
    } else if (n == 0) {
      stream->deferred_ = true;
      return NGHTTP2_ERR_DEFERRED;
    }
  }
  return static_cast<ssize_t>(n);
}

Http2Codec::Http2Codec(ConnectionIo& io) : io_(io) {
  nghttp2_session_callbacks* callbacks;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &Http2Codec::OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &Http2Codec::OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Http2Codec::OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2Codec::OnFrameRecv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Http2Codec::OnStreamClose);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, &Http2Codec::OnFrameSend);
  nghttp2_option* option;
  nghttp2_option_new(&option);
  // Large Livepeer-Payment headers arrive split over many CONTINUATION frames.
  const size_t max_header = io_.server().max_header_bytes;
  nghttp2_option_set_max_continuations(option, max_header / 16384 + 16);
  // libcurl resets every finished stream; nghttp2's rapid-reset guard (burst 1000, 33/s) would
  // then end busy kept-alive connections. Resetting finished streams costs us nothing, so the
  // guard is widened rather than removed.
  nghttp2_option_set_stream_reset_rate_limit(option, kResetBurst, kResetsPerSecond);
  // Windows reopen only as bodies are taken (ReleaseBody, OnDataChunk), not on receipt.
  nghttp2_option_set_no_auto_window_update(option, 1);
  nghttp2_session_server_new2(&session_, callbacks, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);

  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindowBytes},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(max_header)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindowBytes);
  Flush();
}

Http2Codec::~Http2Codec() {
  OnConnectionClosed();
  nghttp2_session_del(session_);
}

void Http2Codec::OnInput(evbuffer* input) {
  if (closing_) {
    evbuffer_drain(input, evbuffer_get_length(input));
    return;
  }
  const size_t length = evbuffer_get_length(input);
  const uint8_t* data = evbuffer_pullup(input, static_cast<ssize_t>(length));
  const ssize_t consumed = nghttp2_session_mem_recv(session_, data, length);
  evbuffer_drain(input, length);
  if (consumed < 0) {
    // Protocol violation: nghttp2 has queued GOAWAY where it could; send it and close.
    nghttp2_session_terminate_session(session_, NGHTTP2_PROTOCOL_ERROR);
    closing_ = true;
  }
  Flush();
}

void Http2Codec::Flush() {
  // A client that does not read its answers leaves them in nghttp2 (bounded by its windows
  // and the streams it may open) rather than in our output buffer; reading has stopped too.
  while (io_.OutputBacklog() <= io_.server().max_output_bytes) {
    const uint8_t* data;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) {
      if (n < 0) closing_ = true;
      break;
    }
    io_.Write(std::string_view(reinterpret_cast<const char*>(data), static_cast<size_t>(n)));
  }
  if (closing_ || (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_))) {
    closing_ = true;
    io_.CloseAfterWrite();
  }
}

std::optional<Clock::time_point> Http2Codec::StreamDeadline(const Http2Stream& stream) const {
  const ClientDeadlines& deadlines = io_.server().deadlines;
  if (!stream.headers_complete) return stream.begin_at + deadlines.header;
  if (stream.dispatched) {
    // Answered before the client ended its side: it has the header time to end it.
    if (stream.answer_complete && !stream.reset_sent) return stream.answered_at + deadlines.header;
    return std::nullopt;  // a handler is answering
  }
  // Held back by our own buffering bound: not the client's fault.
  if (stream.unconsumed > 0) return std::nullopt;
  if (deadlines.min_body_rate == 0) return std::nullopt;
  const auto owed =
      std::chrono::milliseconds(stream.request.body.size() * 1000 / deadlines.min_body_rate);
  return stream.headers_at + deadlines.header + owed;
}

std::optional<Clock::time_point> Http2Codec::ClientDeadline() const {
  const ClientDeadlines& deadlines = io_.server().deadlines;
  if (closing_) return std::nullopt;
  if (streams_.empty()) {
    return idle_since_ + (first_request_ ? deadlines.header : deadlines.idle);
  }
  std::optional<Clock::time_point> earliest;
  for (const auto& [id, stream] : streams_) {
    std::optional<Clock::time_point> deadline = StreamDeadline(*stream);
    if (deadline && (!earliest || *deadline < *earliest)) earliest = deadline;
  }
  return earliest;
}

void Http2Codec::OnClientDeadline() {
  if (streams_.empty()) {
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);  // idle: GOAWAY, then close
    Flush();
    return;
  }
  const Clock::time_point now = Clock::now();
  std::vector<std::shared_ptr<Http2Stream>> expired;
  for (const auto& [id, stream] : streams_) {
    std::optional<Clock::time_point> deadline = StreamDeadline(*stream);
    if (deadline && *deadline <= now) expired.push_back(stream);
  }
  for (const std::shared_ptr<Http2Stream>& stream : expired) {
    if (!stream->headers_complete) {
      // Stalled inside a header block: nothing else can use the connection meanwhile.
      nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
      closing_ = true;
      break;
    }
    if (stream->dispatched) {
      stream->reset_sent = true;
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream->id_, NGHTTP2_NO_ERROR);
      continue;
    }
    // Too slow a body: 408 on the stream, then reset it once that answer is out.
    ReleaseBody(*stream);
    stream->request.body.clear();
    stream->reset_after_answer = true;
    Reject(*stream, {408, "408 Request Timeout", {}}, /*body_follows=*/true);
  }
  Flush();
}

void Http2Codec::ReleaseBody(Http2Stream& stream, bool closed) {
  buffered_body_bytes_ -= std::min(buffered_body_bytes_, stream.request.body.size());
  if (stream.unconsumed > 0) {
    // A closed stream's own window is gone with it; the connection's still counts the bytes.
    if (closed) {
      nghttp2_session_consume_connection(session_, stream.unconsumed);
    } else {
      nghttp2_session_consume(session_, stream.id_, stream.unconsumed);
    }
    stream.unconsumed = 0;
  }
  CreditHeldBodies();
}

void Http2Codec::CreditHeldBodies() {
  bool oldest = true;
  for (auto& [id, other] : streams_) {
    if (other->dispatched || !other->headers_complete) continue;
    if (other->unconsumed > 0 && (oldest || buffered_body_bytes_ <= kMaxBufferedBodyBytes)) {
      nghttp2_session_consume(session_, id, other->unconsumed);
      other->unconsumed = 0;
    }
    oldest = false;
  }
}

void Http2Codec::OnConnectionClosed() {
  closing_ = true;
  auto streams = std::move(streams_);
  streams_.clear();
  for (auto& [id, stream] : streams) {
    if (stream->writer) stream->writer->MarkClosed(/*aborted=*/true);
  }
}

Http2Stream* Http2Codec::Find(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : it->second.get();
}

int Http2Codec::OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto& codec = *static_cast<Http2Codec*>(self);
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  const int32_t id = frame->hd.stream_id;
  auto stream = std::make_shared<Http2Stream>(codec, id);
  stream->request.protocol = "HTTP/2";
  stream->request.peer_address = codec.io_.peer_address();
  stream->request.tls = codec.io_.tls();
  codec.streams_[id] = std::move(stream);
  codec.first_request_ = false;
  return 0;
}

int Http2Codec::OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                         void* self) {
  auto& codec = *static_cast<Http2Codec*>(self);
  Http2Stream* stream = codec.Find(frame->hd.stream_id);
  // Trailers and headers of unknown streams are ignored.
  if (stream == nullptr || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  // RFC 7540 6.5.2: the size of a field is name + value + 32.
  stream->header_bytes += namelen + valuelen + 32;
  if (stream->header_bytes > codec.io_.server().max_header_bytes) {
    stream->headers_too_large = true;
    return 0;
  }
  std::string_view key(reinterpret_cast<const char*>(name), namelen);
  std::string_view val(reinterpret_cast<const char*>(value), valuelen);
  HttpRequest& request = stream->request;
  if (key == ":method") {
    request.method = val;
  } else if (key == ":path") {
    const size_t question = val.find('?');
    request.path = val.substr(0, question);
    if (question != std::string_view::npos) request.query = val.substr(question + 1);
  } else if (key == ":authority") {
    request.headers.Add("host", val);
  } else if (!key.empty() && key[0] != ':') {
    request.headers.Add(key, val);
  }
  return 0;
}

int Http2Codec::OnDataChunk(nghttp2_session*, uint8_t flags, int32_t stream_id, const uint8_t* data,
                            size_t len, void* self) {
  auto& codec = *static_cast<Http2Codec*>(self);
  Http2Stream* stream = codec.Find(stream_id);
  if (stream == nullptr) {
    nghttp2_session_consume_connection(codec.session_, len);
    return 0;
  }
  if (stream->dispatched) {
    nghttp2_session_consume(codec.session_, stream_id, len);  // dropped, never buffered
    codec.DropLateData(*stream, len);
    return 0;
  }
  if (stream->request.body.size() + len > stream->body_limit) {
    nghttp2_session_consume(codec.session_, stream_id, len);
    codec.ReleaseBody(*stream);
    stream->body_too_large = true;
    stream->request.body.clear();
    stream->answered_early = !(flags & NGHTTP2_FLAG_END_STREAM);
    codec.Dispatch(*stream);
    return 0;
  }
  stream->request.body.append(reinterpret_cast<const char*>(data), len);
  codec.buffered_body_bytes_ += len;
  stream->unconsumed += len;
  if (codec.buffered_body_bytes_ <= kMaxBufferedBodyBytes) {
    nghttp2_session_consume(codec.session_, stream_id, stream->unconsumed);
    stream->unconsumed = 0;
  } else {
    codec.CreditHeldBodies();
  }
  return 0;
}

int Http2Codec::OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto& codec = *static_cast<Http2Codec*>(self);
  Http2Stream* stream = codec.Find(frame->hd.stream_id);
  if (stream == nullptr) return 0;
  if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
    stream->headers_complete = true;
    stream->headers_at = Clock::now();
    stream->body_limit = codec.io_.server().body_limit(stream->request);
    const bool body_follows = !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM);
    std::optional<Rejection> rejection;
    if (stream->headers_too_large) {
      rejection = Rejection{431, "431 Request Header Fields Too Large", {}};
    } else {
      rejection = CheckHead(codec.io_.server(), stream->request);
    }
    if (rejection) {
      codec.Reject(*stream, *rejection, body_follows);
      return 0;
    }
  }
  const bool data_or_headers = frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS;
  if (data_or_headers && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) && !stream->dispatched) {
    codec.Dispatch(*stream);
  }
  return 0;
}

std::shared_ptr<ResponseWriter> Http2Codec::StartResponse(Http2Stream& stream) {
  stream.dispatched = true;
  std::shared_ptr<Http2Stream> owner = streams_[stream.id_];
  stream.writer = std::make_shared<LoopResponseWriter>(io_.loop(), owner);
  return stream.writer;
}

void Http2Codec::Reject(Http2Stream& stream, const Rejection& rejection, bool body_follows) {
  stream.answered_early = body_follows;
  StartResponse(stream)->RespondError(rejection);
}

void Http2Codec::DropLateData(Http2Stream& stream, size_t length) {
  if (!stream.answered_early || !stream.answer_complete || stream.reset_sent) return;
  // Up to a window of DATA may have been in flight when the answer arrived.
  stream.dropped_after_answer += length;
  if (stream.dropped_after_answer <= static_cast<size_t>(kStreamWindowBytes)) return;
  stream.reset_sent = true;
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id_, NGHTTP2_NO_ERROR);
}

void Http2Codec::Dispatch(Http2Stream& stream) {
  ReleaseBody(stream);  // the handler takes the body: its window credit is given back
  std::shared_ptr<ResponseWriter> writer = StartResponse(stream);
  if (stream.body_too_large) {
    io_.server().reject_oversized_body(stream.request, *writer);
  } else {
    io_.server().dispatch(std::move(stream.request), std::move(writer));
  }
}

int Http2Codec::OnFrameSend(nghttp2_session* session, const nghttp2_frame* frame, void* self) {
  auto& codec = *static_cast<Http2Codec*>(self);
  const bool data_or_headers = frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS;
  if (!data_or_headers || !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) return 0;
  Http2Stream* stream = codec.Find(frame->hd.stream_id);
  if (stream == nullptr) return 0;
  stream->answer_complete = true;
  stream->answered_at = Clock::now();
  if (stream->reset_after_answer && !stream->reset_sent) {
    stream->reset_sent = true;
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream->id_, NGHTTP2_NO_ERROR);
  }
  return 0;
}

int Http2Codec::OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                              void* self) {
  auto& codec = *static_cast<Http2Codec*>(self);
  auto it = codec.streams_.find(stream_id);
  if (it == codec.streams_.end()) return 0;
  std::shared_ptr<Http2Stream> stream = std::move(it->second);
  codec.streams_.erase(it);
  // Reset or abandoned mid-body: its buffered body goes.
  if (!stream->dispatched) codec.ReleaseBody(*stream, /*closed=*/true);
  if (codec.streams_.empty()) codec.idle_since_ = Clock::now();
  if (stream->writer) {
    stream->writer->MarkClosed(/*aborted=*/error_code != NGHTTP2_NO_ERROR ||
                               !stream->response_done());
  }
  return 0;
}

}  // namespace

std::unique_ptr<Codec> MakeHttp2Codec(ConnectionIo& io) { return std::make_unique<Http2Codec>(io); }

}  // namespace baton::http
