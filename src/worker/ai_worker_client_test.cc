// AiWorkerClient against a stand-in orchestrator in this process (a TLS http::Server serving
// RegisterAIWorker and /aiResults the way doc/wire.md 5.2 says an orchestrator does), with a
// stand-in runner pool and stand-in payload conversions: what the client registers with, how it
// answers each job, and how it treats a refusal, a dropped stream and a stop.
#include "worker/ai_worker_client.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <thread>

#include "net/server.h"

namespace baton::worker {
namespace {

using namespace std::chrono_literals;

// One POST /aiResults as the stand-in orchestrator received it.
struct Posted {
  std::string authorization, credentials, task_id, pipeline, content_type, body;
};

class StandInOrchestrator {
 public:
  explicit StandInOrchestrator(std::string secret) : secret_(std::move(secret)) {
    dir_ = testing::TempDir() + "/ai_worker_client_test_" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
    http::ServerOptions options;
    options.bind_address = "127.0.0.1:0";
    options.cert_dir = dir_;
    options.worker_threads = 1;
    server_ = std::make_unique<http::Server>(options);
    server_->grpc().AddServerStreaming(
        "/net.AIWorker/RegisterAIWorker", [this](std::string bytes, const http::GrpcCallContext&,
                                                 std::shared_ptr<http::GrpcStreamWriter> stream) {
          net::RegisterAIWorkerRequest request;
          request.ParseFromString(bytes);
          std::lock_guard lock(mu_);
          registrations_.push_back(request);
          if (request.secret() != secret_)
            return stream->Finish(http::GrpcCode::kUnknown, "invalid secret");
          stream_ = stream;
          cv_.notify_all();
        });
    server_->router().Handle("/aiResults", {"POST"}, [this](http::HttpRequest req, auto response) {
      auto h = [&](const char* n) { return req.headers.Get(n).value_or(""); };
      std::lock_guard lock(mu_);
      posted_.push_back({h("authorization"), h("credentials"), h("taskid"), h("pipeline"),
                         h("content-type"), req.body});
      cv_.notify_all();
      response->Respond(200, "text/plain", "OK");
    });
    server_->router().Handle("/stream/input.png", {"GET"}, [](http::HttpRequest, auto response) {
      response->Respond(200, "image/png", "the input bytes");
    });
    port_ = *server_->Start();
  }
  ~StandInOrchestrator() {
    server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url(const std::string& path) const { return "https://" + addr() + path; }

  // Waits for `n` registrations in all, then returns the last.
  net::RegisterAIWorkerRequest WaitRegistration(size_t n) {
    std::unique_lock lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, 10s, [&] { return registrations_.size() >= n && stream_; }));
    return registrations_.empty() ? net::RegisterAIWorkerRequest() : registrations_.back();
  }
  void Send(int64_t task_id, const std::string& pipeline, const std::string& request_data) {
    net::NotifyAIJob job;
    job.set_taskid(task_id);
    job.mutable_aijobdata()->set_pipeline(pipeline);
    job.mutable_aijobdata()->set_requestdata(request_data);
    std::lock_guard lock(mu_);
    stream_->Write(job.SerializeAsString());
  }
  // Ends the registration stream as an orchestrator that lets a worker go.
  void Drop() {
    std::lock_guard lock(mu_);
    stream_->Finish(http::GrpcCode::kOk);
    stream_.reset();
  }
  Posted WaitPost() {
    std::unique_lock lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, 10s, [&] { return !posted_.empty(); }));
    if (posted_.empty()) return {};
    Posted p = posted_.front();
    posted_.pop_front();
    return p;
  }

 private:
  std::string secret_;
  std::string dir_;
  std::unique_ptr<http::Server> server_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<net::RegisterAIWorkerRequest> registrations_;
  std::shared_ptr<http::GrpcStreamWriter> stream_;
  std::deque<Posted> posted_;
};

// Conversions that say what they were given: requestData is "model|input_url|stream".
class StandInConversions : public AiJobConversions {
 public:
  absl::Status Read(AiJob& job) const override {
    size_t a = job.request_data.find('|');
    size_t b = job.request_data.find('|', a + 1);
    if (a == std::string::npos || b == std::string::npos)
      return absl::InvalidArgumentError("unreadable");
    job.model_id = job.request_data.substr(0, a);
    job.input_url = job.request_data.substr(a + 1, b - a - 1);
    job.stream = job.request_data.substr(b + 1) == "stream";
    return absl::OkStatus();
  }
  absl::StatusOr<AiPayload> RunnerRequest(const AiJob& job, std::string_view input) const override {
    return AiPayload{"application/json",
                     "runner body for " + job.model_id + " with [" + std::string(input) + "]"};
  }
  absl::StatusOr<AiPayload> Result(const AiJob&, std::string_view answer) const override {
    return AiPayload{"multipart/mixed; boundary=b", "result of " + std::string(answer)};
  }
};

// A pool of `capacity` stand-in runners for one model, answering `status` with the body echoed.
class StandInRunners : public ai::RunnerPool {
 public:
  int capacity = 1;
  int status = 200;
  std::atomic<int> in_use{0};
  std::atomic<bool> hang{false};

  class Lease : public ai::RunnerLease {
   public:
    explicit Lease(StandInRunners* pool) : pool_(pool) {}
    ~Lease() override { pool_->in_use--; }
    absl::StatusOr<ai::RunnerAnswer> Call(const ai::RunnerCall& call) override {
      while (pool_->hang) {
        if (call.cancelled && call.cancelled()) return absl::CancelledError("cancelled");
        std::this_thread::sleep_for(10ms);
      }
      if (call.on_stream) {
        call.on_stream("data: {\"a\":1}\n\n");
        call.on_stream("data: {\"b\":2}\n\n");
        return ai::RunnerAnswer{200, "", true};
      }
      return ai::RunnerAnswer{pool_->status, "answer to " + std::string(call.body), false};
    }
    const std::string& base_url() const override { return url_; }
    const std::string& token() const override { return url_; }
    void MarkSuspect() override {}

   private:
    StandInRunners* pool_;
    std::string url_;
  };

  absl::StatusOr<std::unique_ptr<ai::RunnerLease>> Borrow(
      std::string_view pipeline, std::string_view model_id,
      std::chrono::steady_clock::time_point) override {
    if (pipeline != "text-to-speech" || model_id != "m") return absl::NotFoundError("no runner");
    if (in_use.fetch_add(1) >= capacity) {
      in_use--;
      return absl::ResourceExhaustedError("insufficient capacity");
    }
    return std::unique_ptr<ai::RunnerLease>(new Lease(this));
  }
  std::vector<ai::ModelState> Models() const override {
    return {{"text-to-speech", "m", false, capacity, in_use.load(), "v1"}};
  }
  void Stop() override {}
};

class AiWorkerClientTest : public testing::Test {
 protected:
  void Start(const std::string& secret = "s3cret") {
    AiWorkerClientOptions options;
    options.orch_addr = orch.addr();
    options.secret = secret;
    options.capabilities = [] {
      net::Capabilities caps;
      caps.set_version("test-version");
      return caps;
    };
    net::HardwareInformation hw;
    hw.set_pipeline("text-to-speech");
    options.hardware = {hw};
    options.runners = &runners;
    options.conversions = &conversions;
    options.threads = 2;
    options.max_backoff = 200ms;
    client = std::make_unique<AiWorkerClient>(options);
    thread = std::thread([this] { result = client->Run(); });
  }
  // The client counts a registration once its stream has held for half a second.
  void WaitRegistered(int64_t registrations) {
    for (int i = 0; i < 300 && client->snapshot().registrations < registrations; ++i)
      std::this_thread::sleep_for(10ms);
  }
  void TearDown() override {
    if (client) client->Stop();
    if (thread.joinable()) thread.join();
  }

  StandInOrchestrator orch{"s3cret"};
  StandInRunners runners;
  StandInConversions conversions;
  std::unique_ptr<AiWorkerClient> client;
  std::thread thread;
  absl::Status result;
};

TEST_F(AiWorkerClientTest, RegistersWithSecretCapabilitiesAndHardware) {
  Start();
  auto r = orch.WaitRegistration(1);
  EXPECT_EQ(r.secret(), "s3cret");
  EXPECT_EQ(r.capabilities().version(), "test-version");
  ASSERT_EQ(r.hardware_size(), 1);
  EXPECT_EQ(r.hardware(0).pipeline(), "text-to-speech");
}

TEST_F(AiWorkerClientTest, AJobIsRunAndItsResultPostedWithTheWorkerHeaders) {
  Start();
  orch.WaitRegistration(1);
  orch.Send(7, "text-to-speech", "m||");
  Posted p = orch.WaitPost();
  EXPECT_EQ(p.authorization, "Livepeer-AI-Worker-1.0");
  EXPECT_EQ(p.credentials, "s3cret");
  EXPECT_EQ(p.task_id, "7");
  EXPECT_EQ(p.pipeline, "text-to-speech");
  EXPECT_EQ(p.content_type, "multipart/mixed; boundary=b");
  EXPECT_EQ(p.body, "result of answer to runner body for m with []");
  for (int i = 0; i < 100 && client->snapshot().jobs_done < 1; ++i)
    std::this_thread::sleep_for(10ms);
  WaitRegistered(1);
  auto s = client->snapshot();
  EXPECT_TRUE(s.registered);
  EXPECT_EQ(s.jobs_done, 1);
  EXPECT_EQ(s.in_flight, 0);
}

TEST_F(AiWorkerClientTest, TheInputIsDownloadedFromItsUrl) {
  Start();
  orch.WaitRegistration(1);
  orch.Send(8, "text-to-speech", "m|" + orch.url("/stream/input.png") + "|");
  Posted p = orch.WaitPost();
  EXPECT_EQ(p.body, "result of answer to runner body for m with [the input bytes]");
}

TEST_F(AiWorkerClientTest, FailuresArePostedAsWorkerErrors) {
  Start();
  orch.WaitRegistration(1);
  orch.Send(1, "text-to-speech", "unreadable");
  Posted p = orch.WaitPost();
  EXPECT_EQ(p.content_type, "livepeer/ai-worker-error");
  EXPECT_NE(p.body.find("AI request validation failed for text-to-speech"), std::string::npos)
      << p.body;
  orch.Send(2, "text-to-speech", "other-model||");
  p = orch.WaitPost();
  EXPECT_EQ(p.content_type, "livepeer/ai-worker-error");
  EXPECT_NE(p.body.find("no workers can process job requested"), std::string::npos) << p.body;
  orch.Send(3, "text-to-speech", "m|" + orch.url("/stream/missing.png") + "|");
  p = orch.WaitPost();
  EXPECT_NE(p.body.find("answered 404"), std::string::npos) << p.body;
  runners.status = 400;
  orch.Send(4, "text-to-speech", "m||");
  p = orch.WaitPost();
  EXPECT_EQ(p.content_type, "livepeer/ai-worker-error");
  EXPECT_NE(p.body.find("text-to-speech container returned 400"), std::string::npos) << p.body;
  for (int i = 0; i < 100 && client->snapshot().jobs_failed < 4; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(client->snapshot().jobs_failed, 4);
}

TEST_F(AiWorkerClientTest, NoFreeRunnerIsInsufficientCapacity) {
  Start();
  orch.WaitRegistration(1);
  runners.hang = true;
  orch.Send(1, "text-to-speech", "m||");
  for (int i = 0; i < 200 && runners.in_use < 1; ++i) std::this_thread::sleep_for(10ms);
  orch.Send(2, "text-to-speech", "m||");
  Posted p = orch.WaitPost();
  EXPECT_EQ(p.task_id, "2");
  EXPECT_EQ(p.content_type, "livepeer/ai-worker-error");
  EXPECT_EQ(p.body, "insufficient capacity");
  runners.hang = false;
  p = orch.WaitPost();
  EXPECT_EQ(p.task_id, "1");
  EXPECT_EQ(p.content_type, "multipart/mixed; boundary=b");
}

TEST_F(AiWorkerClientTest, AStreamingAnswerIsPostedAsOneEventStream) {
  Start();
  orch.WaitRegistration(1);
  orch.Send(5, "text-to-speech", "m||stream");
  Posted p = orch.WaitPost();
  EXPECT_EQ(p.content_type, "text/event-stream");
  EXPECT_EQ(p.body, "data: {\"a\":1}\n\ndata: {\"b\":2}\n\n");
}

TEST_F(AiWorkerClientTest, AWrongSecretEndsRunWithTheOrchestratorsError) {
  Start("wrong");
  thread.join();
  EXPECT_EQ(result.message(), "invalid secret");
}

TEST_F(AiWorkerClientTest, ADroppedStreamIsRegisteredAgain) {
  Start();
  orch.WaitRegistration(1);
  WaitRegistered(1);
  orch.Drop();
  orch.WaitRegistration(2);
  WaitRegistered(2);
  EXPECT_EQ(client->snapshot().registrations, 2);
  orch.Send(9, "text-to-speech", "m||");
  EXPECT_EQ(orch.WaitPost().task_id, "9");
}

TEST_F(AiWorkerClientTest, StopCancelsARunningJobAndAnswersIt) {
  Start();
  orch.WaitRegistration(1);
  runners.hang = true;
  orch.Send(3, "text-to-speech", "m||");
  for (int i = 0; i < 200 && runners.in_use < 1; ++i) std::this_thread::sleep_for(10ms);
  const auto start = std::chrono::steady_clock::now();
  client->Stop();
  thread.join();
  Posted p = orch.WaitPost();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(p.task_id, "3");
  EXPECT_EQ(p.content_type, "livepeer/ai-worker-error");
  EXPECT_TRUE(result.ok()) << result;
}

}  // namespace
}  // namespace baton::worker
