#include "orchestrator/transcoder_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "net/grpc_frame.h"
#include "orchestrator/capabilities.h"

namespace baton::orchestrator {
namespace {

// The in-process worker: answers every segment at once and counts them by session.
class FakeLocal : public worker::SegmentTranscoder {
 public:
  absl::StatusOr<std::vector<Rendition>> Transcode(const std::string& session, const net::SegData&,
                                                   const std::vector<net::VideoProfile>&,
                                                   std::string_view) override {
    std::lock_guard lock(mu);
    segments[session]++;
    return std::vector<Rendition>{{"local", 1, ".ts"}};
  }
  void EndSession(const std::string&) override {}
  std::mutex mu;
  std::map<std::string, int> segments;
};

// A remote transcoder's registration stream, as the service port hands it to the pool: a real
// GrpcStreamWriter over a response that reads back each NotifySegment and posts its result to
// the pool at once (what the worker's /transcodeResults would deliver).
class FakeRemoteStream : public http::ResponseWriter {
 public:
  explicit FakeRemoteStream(TranscoderPool*& pool) : pool_(pool) {}
  void SendHeaders(int, http::HttpHeaders, bool) override {}
  void SendBody(std::string chunk, bool) override {
    http::GrpcFrameDecoder decoder;
    std::vector<std::string> messages;
    ASSERT_TRUE(decoder.Feed(chunk, messages).ok());
    for (const std::string& m : messages) {
      net::NotifySegment notify;
      ASSERT_TRUE(notify.ParseFromString(m));
      if (notify.url().empty()) continue;  // a session's teardown
      segments++;
      pool_->Deliver(notify.taskid(), {absl::OkStatus(), {{"remote", 1, ".ts"}}});
    }
  }
  void SendTrailers(http::HttpHeaders) override {}
  void SetOnClosed(std::function<void()>) override {}
  bool IsClosed() const override { return false; }
  void RunAfter(std::chrono::milliseconds, std::function<void()>) override {}

  // A GrpcStreamWriter on this response, obtained through GrpcService::Serve.
  static std::shared_ptr<http::GrpcStreamWriter> Open(std::shared_ptr<FakeRemoteStream> response) {
    http::GrpcService service;
    std::shared_ptr<http::GrpcStreamWriter> out;
    service.AddServerStreaming("/net.Transcoder/RegisterTranscoder",
                               [&](std::string, const http::GrpcCallContext&,
                                   std::shared_ptr<http::GrpcStreamWriter> w) { out = w; });
    http::HttpRequest request;
    request.method = "POST";
    request.path = "/net.Transcoder/RegisterTranscoder";
    request.body = http::EncodeGrpcFrame("");
    service.Serve(std::move(request), std::move(response));
    return out;
  }

  std::atomic<int> segments{0};

 private:
  TranscoderPool*& pool_;
};

class TranscoderPoolTest : public ::testing::Test {
 protected:
  void MakePool(std::function<int()> local_capacity, std::function<absl::Status()> check = {}) {
    TranscoderPoolOptions options;
    options.service_uri = "https://127.0.0.1:8935";
    options.store = &store_;
    options.local = &local_;
    options.local_capacity = 10;  // the provisional figure the live source replaces
    options.local_capacity_source = std::move(local_capacity);
    options.local_check = std::move(check);
    options.local_capabilities = {kCapH264};
    options.version = "0.0.0";
    pool_ = std::make_unique<TranscoderPool>(std::move(options));
    raw_ = pool_.get();
  }
  // A remote transcoder of `capacity` with the same capabilities as the local one.
  std::shared_ptr<FakeRemoteStream> AttachRemote(int capacity) {
    auto response = std::make_shared<FakeRemoteStream>(raw_);
    pool_->Attach("10.0.0.2:40000", capacity, MakeCapabilities({kCapH264}, "0.0.0"),
                  FakeRemoteStream::Open(response));
    return response;
  }
  // One segment of `session`; true if it was transcoded locally.
  bool Segment(const std::string& session) {
    net::SegData seg;
    seg.set_seq(0);
    seg.set_duration(1000);
    auto out = pool_->Transcode(session, seg, {}, "source");
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() && !out->empty() && (*out)[0].bytes == "local";
  }
  int LocalLoad() const {
    for (const auto& w : pool_->Workers())
      if (w.local) return w.load;
    return -1;
  }

  MediaStore store_{64u << 20, 12, std::chrono::seconds(30)};
  FakeLocal local_;
  std::unique_ptr<TranscoderPool> pool_;
  TranscoderPool* raw_ = nullptr;
};

// The node shuts the pool down before its service port stops: a transcoder registering in
// between is let go, not counted.
TEST_F(TranscoderPoolTest, ATranscoderRegisteringAfterShutdownIsNotAttached) {
  MakePool([] { return 1; });
  pool_->Shutdown();
  AttachRemote(5);
  EXPECT_EQ(pool_->remote_count(), 0);
  EXPECT_EQ(pool_->remote_room(), 0);
}

// Issue 11: the pool balanced local and remote by the local capacity it was given at start (10
// with -maxSessions auto until calibrated); it now reads the live figure at each choice.
TEST_F(TranscoderPoolTest, LocalShareFollowsTheLiveLocalCapacity) {
  std::atomic<int> local_capacity{10};  // provisional
  MakePool([&] { return local_capacity.load(); });
  auto remote = AttachRemote(2);
  // Provisional 10 local vs 2 remote: 4 new sessions go 3 local, 1 remote by load/capacity.
  int local = 0;
  for (int i = 0; i < 4; ++i) local += Segment("provisional-" + std::to_string(i));
  EXPECT_EQ(local, 3);
  EXPECT_EQ(remote->segments, 1);
  for (int i = 0; i < 4; ++i) pool_->EndSession("provisional-" + std::to_string(i));

  // Calibration measures 2: the local and remote shares are now even, and both fill up.
  local_capacity = 2;
  EXPECT_EQ(pool_->capacity(), 4);
  local = 0;
  for (int i = 0; i < 4; ++i) local += Segment("calibrated-" + std::to_string(i));
  EXPECT_EQ(local, 2);
  EXPECT_EQ(remote->segments, 3);
  EXPECT_EQ(LocalLoad(), 2);
  EXPECT_EQ(pool_->remote_room(), 0);
  net::SegData seg;
  seg.set_duration(1000);
  EXPECT_EQ(pool_->Transcode("one-too-many", seg, {}, "source").status().message(),
            "no transcoders available");

  // The model revises the figure down under load: the running sessions stay where they are
  // (sticky), the local worker takes no new one until it has room again.
  local_capacity = 1;
  EXPECT_TRUE(Segment("calibrated-0"));
  EXPECT_FALSE(Segment("calibrated-1"));
  for (const auto& w : pool_->Workers()) {
    if (w.local) {
      EXPECT_EQ(w.capacity, 1);
    }
  }
  pool_->EndSession("calibrated-1");  // a remote session ends: the new one goes remote
  EXPECT_FALSE(Segment("after-revision"));
}

// A local capacity of 0 (nothing measured fits) leaves the remote workers all new sessions.
TEST_F(TranscoderPoolTest, ZeroLocalCapacitySendsNewSessionsRemote) {
  MakePool([] { return 0; });
  auto remote = AttachRemote(1);
  EXPECT_FALSE(Segment("a"));
  EXPECT_EQ(remote->segments, 1);
}

// Issue 11: a local transcoder whose sessions are behind real time refuses new sessions
// (OrchestratorBusy); the remote workers with room take them, and the local one remains the
// last resort only when they have none.
TEST_F(TranscoderPoolTest, BusyLocalTranscoderSendsNewSessionsRemote) {
  absl::Status check;
  MakePool([] { return 4; }, [&] { return check; });
  auto remote = AttachRemote(1);
  EXPECT_TRUE(Segment("running"));  // least loaded: the earlier worker, local
  check = absl::ResourceExhaustedError("OrchestratorBusy");
  EXPECT_FALSE(Segment("new"));     // local 1/4 is less loaded, but behind: remote
  EXPECT_TRUE(Segment("running"));  // a running session stays put
  EXPECT_EQ(pool_->remote_room(), 0);
  EXPECT_TRUE(Segment("last-resort"));  // no remote room: the local one, as before
  check = absl::OkStatus();
  EXPECT_EQ(remote->segments, 1);
}

}  // namespace
}  // namespace baton::orchestrator
