#include "orchestrator/ai_workers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/hex.h"
#include "net/grpc_frame.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "orchestrator/capabilities.h"

namespace baton::orchestrator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Records what is sent; Close() plays a client that went away.
class RecordingResponse : public http::ResponseWriter {
 public:
  void SendHeaders(int s, http::HttpHeaders h, bool end_stream) override {
    std::lock_guard lock(mu);
    status = s;
    headers = std::move(h);
    if (end_stream) ended = true;
  }
  void SendBody(std::string chunk, bool end) override {
    std::lock_guard lock(mu);
    body += chunk;
    if (end) ended = true;
  }
  void SendTrailers(http::HttpHeaders t) override {
    std::lock_guard lock(mu);
    trailers = std::move(t);
    ended = true;
  }
  void SetOnClosed(std::function<void()> cb) override {
    std::lock_guard lock(mu);
    on_closed = std::move(cb);
  }
  bool IsClosed() const override {
    std::lock_guard lock(mu);
    return ended;
  }
  void RunAfter(std::chrono::milliseconds, std::function<void()>) override {}
  void Close() {
    std::function<void()> cb;
    {
      std::lock_guard lock(mu);
      cb = on_closed;
      ended = true;
    }
    if (cb) cb();
  }
  // The NotifyAIJob messages written so far.
  std::vector<net::NotifyAIJob> Jobs() {
    std::lock_guard lock(mu);
    std::vector<net::NotifyAIJob> out;
    size_t pos = 0;
    while (pos + 5 <= body.size()) {
      uint32_t n = (uint8_t(body[pos + 1]) << 24) | (uint8_t(body[pos + 2]) << 16) |
                   (uint8_t(body[pos + 3]) << 8) | uint8_t(body[pos + 4]);
      net::NotifyAIJob job;
      job.ParseFromString(body.substr(pos + 5, n));
      out.push_back(std::move(job));
      pos += 5 + n;
    }
    return out;
  }
  std::string Grpc(const char* key) {
    std::lock_guard lock(mu);
    return trailers.Get(key).value_or(headers.Get(key).value_or(""));
  }
  mutable std::mutex mu;
  int status = 0;
  std::string body;
  http::HttpHeaders headers, trailers;
  bool ended = false;
  std::function<void()> on_closed;
};

// A RegisterAIWorkerRequest offering `model` of capability `capability` (36: text-to-speech).
net::RegisterAIWorkerRequest Registration(const std::string& secret, int capability,
                                          const std::string& model, int capacity,
                                          const std::string& version = "0.9.0") {
  net::RegisterAIWorkerRequest r;
  r.set_secret(secret);
  r.mutable_capabilities()->set_version(version);
  (*(*r.mutable_capabilities()->mutable_constraints()->mutable_percapability())[capability]
        .mutable_models())[model]
      .set_capacity(capacity);
  return r;
}

// Opens the worker's RegisterAIWorker stream; the response records what the pool sends on it.
std::shared_ptr<RecordingResponse> Serve(http::GrpcService& grpc,
                                         const net::RegisterAIWorkerRequest& r,
                                         const std::string& peer_address = "") {
  http::HttpRequest req;
  req.method = "POST";
  req.path = "/net.AIWorker/RegisterAIWorker";
  req.peer_address = peer_address;
  req.body = http::EncodeGrpcFrame(r.SerializeAsString());
  auto response = std::make_shared<RecordingResponse>();
  grpc.Serve(std::move(req), response);
  return response;
}

// A text-to-speech call of the model "espeak", due in `timeout`.
ai::RunnerCall TtsRequest(std::chrono::milliseconds timeout) {
  ai::RunnerCall call;
  call.pipeline = "text-to-speech";
  call.content_type = "application/json";
  call.body = R"({"model_id":"espeak","text":"hi"})";
  call.deadline = std::chrono::steady_clock::now() + timeout;
  return call;
}

class RemoteAiWorkersTest : public ::testing::Test {
 protected:
  RemoteAiWorkersTest() : workers_({"https://o:8935", &store_, "s3cret", "0.5.0", nullptr, 15min}) {
    workers_.Register(grpc_, router_);
  }

  std::shared_ptr<RecordingResponse> Connect(const std::string& secret, const std::string& model,
                                             int capacity, const std::string& version = "0.9.0") {
    net::RegisterAIWorkerRequest r = Registration(secret, 36, model, capacity, version);
    (*r.mutable_capabilities()->mutable_constraints()->mutable_percapability())[36]
        .mutable_models()
        ->at(model)
        .set_warm(true);
    auto* hw = r.add_hardware();
    hw->set_pipeline("text-to-speech");
    hw->set_model_id(model);
    return Serve(grpc_, r, "10.0.0.1:5000");
  }

  std::shared_ptr<RecordingResponse> PostResult(const std::string& task, const std::string& type,
                                                std::string body,
                                                const std::string& secret = "s3cret") {
    http::HttpRequest req;
    req.method = "POST";
    req.path = "/aiResults";
    req.headers.Add("authorization", "Livepeer-AI-Worker-1.0");
    req.headers.Add("credentials", secret);
    req.headers.Add("taskid", task);
    req.headers.Add("pipeline", "text-to-speech");
    req.headers.Add("content-type", type);
    auto response = std::make_shared<RecordingResponse>();
    if (auto rejection = router_.CheckHead(req)) {
      response->RespondError(*rejection);
      return response;
    }
    req.body = std::move(body);
    router_.Dispatch(std::move(req), response);
    return response;
  }

  ai::RunnerCall TtsCall(std::chrono::milliseconds timeout = 5000ms) {
    ai::RunnerCall call = TtsRequest(timeout);
    call.request_id = "req1";
    return call;
  }

  MediaStore store_{1 << 20};
  http::GrpcService grpc_;
  http::Router router_;
  RemoteAiWorkers workers_;
};

TEST_F(RemoteAiWorkersTest, AWrongSecretOrAnOldVersionIsNotAttached) {
  auto bad = Connect("nope", "espeak", 1);
  EXPECT_EQ(bad->Grpc("grpc-message"), "invalid secret");
  auto old = Connect("s3cret", "espeak", 1, "0.4.9");
  EXPECT_EQ(old->Grpc("grpc-status"), "0");
  EXPECT_EQ(workers_.count(), 0);
  EXPECT_TRUE(workers_.Models().empty());
  // The node's floor is its go-livepeer version; a Baton worker's carries build metadata.
  EXPECT_TRUE(VersionAtLeast("0.9.2+baton.0.0.0-dev", "0.9.2"));
  EXPECT_FALSE(VersionAtLeast("0.8.9", "0.9.2"));
}

TEST_F(RemoteAiWorkersTest, ModelsAndCapacityFollowTheStream) {
  auto w = Connect("s3cret", "espeak", 2);
  EXPECT_FALSE(w->IsClosed());
  ASSERT_EQ(workers_.count(), 1);
  auto models = workers_.Models();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].pipeline, "text-to-speech");
  EXPECT_EQ(models[0].capacity, 2);
  EXPECT_TRUE(models[0].warm);
  EXPECT_EQ(workers_.Hardware().size(), 1u);
  auto deadline = std::chrono::steady_clock::now() + 1s;
  EXPECT_TRUE(absl::IsNotFound(workers_.Borrow("text-to-speech", "other", deadline).status()));
  auto a = workers_.Borrow("text-to-speech", "espeak", deadline);
  auto b = workers_.Borrow("text-to-speech", "espeak", deadline);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(workers_.Models()[0].in_use, 2);
  EXPECT_TRUE(
      absl::IsResourceExhausted(workers_.Borrow("text-to-speech", "espeak", deadline).status()));
  a->reset();
  EXPECT_TRUE(workers_.Borrow("text-to-speech", "espeak", deadline).ok());
  w->Close();  // the worker disconnects
  EXPECT_EQ(workers_.count(), 0);
  EXPECT_TRUE(absl::IsNotFound(workers_.Borrow("text-to-speech", "espeak", deadline).status()));
}

TEST_F(RemoteAiWorkersTest, AJobGoesOutAndItsResultComesBackAsARunnersAnswer) {
  auto w = Connect("s3cret", "espeak", 1);
  auto lease = workers_.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s);
  ASSERT_TRUE(lease.ok());
  auto call = TtsCall();
  auto answer = std::async(std::launch::async, [&] { return (*lease)->Call(call); });
  std::vector<net::NotifyAIJob> jobs;
  for (int i = 0; i < 200 && jobs.empty(); ++i) {
    std::this_thread::sleep_for(10ms);
    jobs = w->Jobs();
  }
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].taskid(), 0);
  EXPECT_EQ(jobs[0].aijobdata().pipeline(), "text-to-speech");
  json data = json::parse(jobs[0].aijobdata().requestdata());
  EXPECT_EQ(data["input_url"], "");
  EXPECT_EQ(data["request"]["text"], "hi");
  // Wrong secret, bad task id, a truncated body: refused, and the job still waits.
  EXPECT_EQ(PostResult("0", "livepeer/ai-worker-error", "x", "wrong")->status, 401);
  EXPECT_EQ(PostResult("zero", "livepeer/ai-worker-error", "x")->status, 400);
  EXPECT_EQ(PostResult("0", "", "x")->status, 415);
  EXPECT_EQ(PostResult("7", "livepeer/ai-worker-error", "x")->status, 200);  // unknown: dropped
  EXPECT_EQ(answer.wait_for(50ms), std::future_status::timeout);
  // The real result.
  ai::ReceivedJob received;
  received.pipeline = ai::FindPipeline("text-to-speech");
  auto result = ai::MakeWorkerResult(
      received, R"({"audio":{"url":"data:audio/wav;base64,)" + Base64Encode("RIFF") + R"("}})",
      nullptr);
  ASSERT_TRUE(result.ok());
  auto posted = PostResult("0", result->content_type, result->data);
  EXPECT_EQ(posted->status, 200);
  EXPECT_EQ(posted->body, "OK");
  auto got = answer.get();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(json::parse(got->body)["audio"]["url"],
            "data:audio/wav;base64," + Base64Encode("RIFF"));
}

TEST_F(RemoteAiWorkersTest, UploadsAreStoredForTheWorkerToFetch) {
  auto w = Connect("s3cret", "espeak", 1);
  // Another worker, serving a multipart pipeline.
  auto uw = Serve(grpc_, Registration("s3cret", 30, "x4", 1));  // upscale
  auto lease = workers_.Borrow("upscale", "x4", std::chrono::steady_clock::now() + 1s);
  ASSERT_TRUE(lease.ok()) << lease.status();
  http::MultipartWriter form("bb");
  form.AddFile("image", "a.png", "image/png", "PNGDATA");
  form.AddField("model_id", "x4");
  form.AddField("prompt", "sharper");
  std::string body = std::move(form).Finish();
  ai::RunnerCall call;
  call.pipeline = "upscale";
  call.content_type = "multipart/form-data; boundary=bb";
  call.body = body;
  call.request_id = "req9";
  call.deadline = std::chrono::steady_clock::now() + 200ms;
  auto got = (*lease)->Call(call);
  // Nobody answers within the request's deadline: the call fails, but the worker is not
  // dropped for one slow job; the job keeps its unit until its result comes.
  EXPECT_TRUE(absl::IsDeadlineExceeded(got.status())) << got.status();
  lease->reset();
  EXPECT_FALSE(uw->IsClosed());
  EXPECT_EQ(workers_.count(), 2);
  EXPECT_TRUE(absl::IsResourceExhausted(
      workers_.Borrow("upscale", "x4", std::chrono::steady_clock::now() + 1s).status()));
  EXPECT_EQ(PostResult("0", "livepeer/ai-worker-error", "too late")->status, 200);
  EXPECT_TRUE(workers_.Borrow("upscale", "x4", std::chrono::steady_clock::now() + 1s).ok());
  auto jobs = uw->Jobs();
  ASSERT_EQ(jobs.size(), 1u);
  json data = json::parse(jobs[0].aijobdata().requestdata());
  std::string url = data["input_url"];
  ASSERT_EQ(url.rfind("https://o:8935/stream/req9/", 0), 0u) << url;
  EXPECT_EQ(url.size(), std::string("https://o:8935/stream/req9/").size() + 8 + 9);
  EXPECT_EQ(*store_.Get(url.substr(std::string("https://o:8935/stream/").size())), "PNGDATA");
  EXPECT_TRUE(data["request"]["image"].is_null());
  EXPECT_EQ(data["request"]["prompt"], "sharper");
}

// A pool with its own max_wait, registered on its own gRPC service.
struct PoolWithMaxWait {
  explicit PoolWithMaxWait(std::chrono::milliseconds max_wait)
      : workers({"https://o:8935", &store, "s3cret", "0.5.0", nullptr, max_wait}) {
    workers.Register(grpc, router);
  }
  MediaStore store{1 << 20};
  http::GrpcService grpc;
  http::Router router;
  RemoteAiWorkers workers;
};

// go-livepeer waits 15 minutes for a result, then disconnects the worker (here: max_wait).
TEST(RemoteAiWorkersWait, AWorkerWithoutAResultWithinMaxWaitIsDisconnected) {
  PoolWithMaxWait pool(300ms);
  RemoteAiWorkers& workers = pool.workers;
  auto w = Serve(pool.grpc, Registration("s3cret", 36, "espeak", 2));
  auto call_with = [&](std::chrono::milliseconds timeout) {
    auto lease = workers.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s);
    EXPECT_TRUE(lease.ok());
    return (*lease)->Call(TtsRequest(timeout)).status();
  };
  // A request deadline shorter than max_wait: the job is abandoned, the worker kept.
  EXPECT_TRUE(absl::IsDeadlineExceeded(call_with(50ms)));
  EXPECT_FALSE(w->IsClosed());
  // max_wait reached by a call: the worker is disconnected, as go-livepeer does.
  EXPECT_TRUE(absl::IsDeadlineExceeded(call_with(5s)));
  EXPECT_TRUE(w->IsClosed());
  EXPECT_EQ(workers.count(), 0);
}

TEST(RemoteAiWorkersWait, AnAbandonedJobPastMaxWaitDropsItsWorkerAtTheNextBorrow) {
  PoolWithMaxWait pool(200ms);
  RemoteAiWorkers& workers = pool.workers;
  auto w = Serve(pool.grpc, Registration("s3cret", 36, "espeak", 1));
  {
    auto lease = workers.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s);
    ASSERT_TRUE(lease.ok());
    EXPECT_TRUE(absl::IsDeadlineExceeded((*lease)->Call(TtsRequest(20ms)).status()));
  }
  // Its one unit is held by the abandoned job.
  EXPECT_TRUE(absl::IsResourceExhausted(
      workers.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s).status()));
  std::this_thread::sleep_for(250ms);
  EXPECT_TRUE(absl::IsNotFound(
      workers.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s).status()));
  EXPECT_TRUE(w->IsClosed());
}

// The node stops the pool before its service port: a worker registering in between is let go.
TEST_F(RemoteAiWorkersTest, AWorkerRegisteringAfterStopIsNotAttached) {
  auto before = Connect("s3cret", "espeak", 1);
  workers_.Stop();
  EXPECT_TRUE(before->IsClosed());
  auto after = Connect("s3cret", "espeak", 1);
  EXPECT_TRUE(after->IsClosed());
  EXPECT_EQ(after->Grpc("grpc-status"), "14");  // UNAVAILABLE
  EXPECT_EQ(workers_.count(), 0);
  EXPECT_TRUE(workers_.Models().empty());
}

TEST_F(RemoteAiWorkersTest, AWorkerThatLeavesMidJobFailsTheCallAtOnce) {
  auto w = Connect("s3cret", "espeak", 1);
  auto lease = workers_.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s);
  ASSERT_TRUE(lease.ok());
  auto call = TtsCall(10s);
  auto start = std::chrono::steady_clock::now();
  auto answer = std::async(std::launch::async, [&] { return (*lease)->Call(call); });
  for (int i = 0; i < 200 && w->Jobs().empty(); ++i) std::this_thread::sleep_for(10ms);
  w->Close();
  auto got = answer.get();
  EXPECT_TRUE(absl::IsUnavailable(got.status())) << got.status();
  EXPECT_FALSE(http::NeverSent(got.status()));  // it had the job: no silent retry
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // A lease on a worker already gone never sends: another worker may take the request.
  auto w2 = Connect("s3cret", "espeak", 1);
  auto lease2 = workers_.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s);
  ASSERT_TRUE(lease2.ok());
  w2->Close();
  auto never = (*lease2)->Call(TtsCall());
  EXPECT_TRUE(http::NeverSent(never.status())) << never.status();
}

TEST_F(RemoteAiWorkersTest, WorkerErrorsAndUnreadableResultsReachTheCall) {
  auto w = Connect("s3cret", "espeak", 1);
  auto lease = workers_.Borrow("text-to-speech", "espeak", std::chrono::steady_clock::now() + 1s);
  ASSERT_TRUE(lease.ok());
  auto call = TtsCall();
  auto answer = std::async(std::launch::async, [&] { return (*lease)->Call(call); });
  for (int i = 0; i < 200 && w->Jobs().empty(); ++i) std::this_thread::sleep_for(10ms);
  auto posted = PostResult("0", "multipart/mixed; boundary=b", "--b\r\nContent-Type: app");
  EXPECT_EQ(posted->status, 500);
  auto got = answer.get();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, 500);
  EXPECT_NE(got->body.find("unreadable result"), std::string::npos);
  // A second post for the same task is dropped.
  EXPECT_EQ(PostResult("0", "livepeer/ai-worker-error", "late")->status, 200);
}

}  // namespace
}  // namespace baton::orchestrator
