// ContainerPool against a real container engine: podman's Docker-compatible API service, which
// tests/support/podman_service.py starts and names in DOCKER_HOST, with the image
// BATON_TEST_RUNNER_IMAGE built from tests/ai/stand_in_runner.cc (a STAND-IN runner that answers
// the runner API's health and version and echoes requests; not a model).
#include "ai/container_pool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "ai/docker_client.h"
#include "net/http_client.h"

namespace baton::ai {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string Image() {
  const char* image = std::getenv("BATON_TEST_RUNNER_IMAGE");
  return image != nullptr ? image : "";
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

class ContainerPoolEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(std::getenv("DOCKER_HOST"), nullptr)
        << "run under tests/support/podman_service.py (ctest -R ai_container_pool)";
    ASSERT_FALSE(Image().empty()) << "BATON_TEST_RUNNER_IMAGE is not set";
    absl::StatusOr<std::string> socket = DockerClient::SocketPathFromEnvironment();
    ASSERT_TRUE(socket.ok()) << socket.status();
    docker_ = std::make_unique<DockerClient>(*socket);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    creator_id_ = std::string("test-") + info->name() + "-" + std::to_string(::getpid());
    // Not created here: Start creates it.
    models_dir_ = std::filesystem::temp_directory_path() / ("baton-models-" + creator_id_) / "m";
  }

  void TearDown() override {
    if (docker_ != nullptr) {
      // Whatever a failed test left behind.
      auto left = docker_->List({{"creator_id", creator_id_}});
      if (left.ok())
        for (const auto& c : *left) (void)docker_->Remove(c.id);
    }
    std::error_code ignored;
    std::filesystem::remove_all(models_dir_.parent_path(), ignored);
  }

  ContainerPoolOptions Options() const {
    ContainerPoolOptions o;
    o.images.default_image = Image();
    o.images.batch["text-to-speech"] = Image();  // else livepeer/ai-runner:text-to-speech
    o.models_dir = models_dir_.string();
    o.creator_id = creator_id_;
    o.first_host_port = 30000 + (::getpid() * 37) % 20000;
    o.host_port_count = 500;
    o.ready_timeout = 30s;
    o.watch_interval = 200ms;
    o.health_timeout = 1s;
    o.stop_grace = 1s;
    return o;
  }

  static ModelSpec Model(std::string pipeline, std::string model_id, bool warm = false,
                         int capacity = 1) {
    ModelSpec spec;
    spec.pipeline = std::move(pipeline);
    spec.model_id = std::move(model_id);
    spec.warm = warm;
    spec.capacity = capacity;
    return spec;
  }

  std::unique_ptr<ContainerPool> StartPool(std::vector<ModelSpec> models,
                                           ContainerPoolOptions options) {
    absl::StatusOr<std::unique_ptr<ContainerPool>> pool =
        ContainerPool::Create(std::move(models), std::move(options));
    EXPECT_TRUE(pool.ok()) << pool.status();
    if (!pool.ok()) return nullptr;
    absl::Status started = (*pool)->Start();
    EXPECT_TRUE(started.ok()) << started;
    return std::move(*pool);
  }

  // Our containers the engine has, in any state.
  std::vector<ContainerSummary> EngineContainers() {
    auto list = docker_->List({{"creator_id", creator_id_}});
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? *list : std::vector<ContainerSummary>{};
  }

  // POSTs a request to the runner; returns the stand-in's JSON answer (status in "http").
  static nlohmann::json Call(const RunnerLease& lease,
                             const std::string& path = "/text-to-speech") {
    http::HttpClient client;
    http::HttpHeaders headers;
    if (!lease.token().empty()) headers.Add("authorization", "Bearer " + lease.token());
    auto response = client.Post(lease.base_url() + path, R"({"text":"hello"})", headers, 5s);
    if (!response.ok()) return {{"http", 0}, {"error", std::string(response.status().message())}};
    nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
    if (!body.is_object()) body = nlohmann::json::object();
    body["http"] = response->status;
    return body;
  }

  static auto Deadline(std::chrono::milliseconds d = 30s) { return Clock::now() + d; }

  template <typename Pred>
  static bool WaitFor(Pred pred, std::chrono::milliseconds limit = 20s) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
      if (pred()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return pred();
  }

  std::unique_ptr<DockerClient> docker_;
  std::string creator_id_;
  std::filesystem::path models_dir_;
};

TEST_F(ContainerPoolEngineTest, ColdRunnerStartsOnFirstBorrowIsReusedAndRemovedAtStop) {
  auto pool = StartPool({Model("text-to-speech", "espeak-ng")}, Options());
  ASSERT_NE(pool, nullptr);
  EXPECT_TRUE(pool->Containers().empty());  // cold: nothing before the first request
  EXPECT_TRUE(EngineContainers().empty());

  // Start made the models folder; the runner sees it at /models.
  ASSERT_TRUE(std::filesystem::is_directory(models_dir_));
  std::fclose(std::fopen((models_dir_ / "weights.bin").c_str(), "w"));

  auto began = Clock::now();
  auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
  const double cold_s = Seconds(Clock::now() - began);
  ASSERT_TRUE(lease.ok()) << lease.status();
  nlohmann::json first = Call(**lease);
  ASSERT_EQ(first["http"], 200) << first.dump();
  EXPECT_EQ(first["pipeline"], "text-to-speech");
  EXPECT_EQ(first["model_id"], "espeak-ng");
  EXPECT_EQ(first["models"], nlohmann::json::array({"weights.bin"}));
  ASSERT_EQ(pool->Containers().size(), 1u);
  EXPECT_EQ(pool->Containers()[0].state, "busy");
  EXPECT_EQ(pool->Containers()[0].slot, "emulated-0");
  EXPECT_EQ(pool->Models()[0].in_use, 1);
  EXPECT_EQ(pool->Models()[0].runner_version, "stand-in-0.1");
  // One request per container: the only one is lent, capacity 1.
  auto second = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(second.status().message(), "insufficient capacity");
  lease->reset();
  EXPECT_EQ(pool->Models()[0].in_use, 0);

  // Warm borrows: the same container each time.
  double warm_total_s = 0;
  constexpr int kWarm = 20;
  for (int i = 0; i < kWarm; ++i) {
    began = Clock::now();
    auto again = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
    warm_total_s += Seconds(Clock::now() - began);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(Call(**again)["container"], first["container"]);
  }
  std::printf("cold start (create -> healthy, first Borrow): %.3f s; warm Borrow: %.1f us avg\n",
              cold_s, warm_total_s / kWarm * 1e6);
  ASSERT_EQ(EngineContainers().size(), 1u);
  auto inspect = docker_->Inspect(pool->Containers()[0].id);
  ASSERT_TRUE(inspect.ok()) << inspect.status();
  EXPECT_TRUE(inspect->running);

  pool->Stop();
  EXPECT_TRUE(EngineContainers().empty());
  EXPECT_EQ(pool->Borrow("text-to-speech", "espeak-ng", Deadline()).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ContainerPoolEngineTest, WarmRunnerIsReplacedAfterItIsKilled) {
  auto began = Clock::now();
  auto pool = StartPool({Model("image-to-text", "tesseract", /*warm=*/true)}, Options());
  ASSERT_NE(pool, nullptr);
  std::printf("warm start at Start: %.3f s\n", Seconds(Clock::now() - began));
  auto containers = pool->Containers();
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].state, "idle");
  EXPECT_TRUE(containers[0].warm);
  const std::string killed_id = containers[0].id;
  {
    auto lease = pool->Borrow("image-to-text", "tesseract", Deadline(1s));  // already running
    ASSERT_TRUE(lease.ok()) << lease.status();
    EXPECT_EQ(Call(**lease, "/image-to-text")["http"], 200);
  }

  began = Clock::now();
  ASSERT_TRUE(docker_->Kill(killed_id).ok());
  ASSERT_TRUE(WaitFor([&] {
    auto now = pool->Containers();
    return now.size() == 1 && now[0].id != killed_id && now[0].state == "idle";
  })) << "the killed warm runner was not replaced";
  std::printf("killed warm runner replaced in %.3f s (health checks every 0.2 s)\n",
              Seconds(Clock::now() - began));
  auto lease = pool->Borrow("image-to-text", "tesseract", Deadline(1s));
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ(Call(**lease, "/image-to-text")["http"], 200);
  lease->reset();
  // The dead one is gone from the engine, not just from the pool.
  auto engine = EngineContainers();
  ASSERT_EQ(engine.size(), 1u);
  EXPECT_NE(engine[0].id, killed_id);
  pool->Stop();
  EXPECT_TRUE(EngineContainers().empty());
}

TEST_F(ContainerPoolEngineTest, LeftoversOfThisNodeAreRemovedAtStart) {
  // What a crashed node leaves: running containers labelled with its creator_id. Another
  // node's container (other creator_id) on the same engine must survive.
  auto make = [&](const std::string& name, const std::string& creator_id) {
    ContainerSpec spec;
    spec.name = name;
    spec.image = Image();
    spec.env = {"PIPELINE=text-to-speech", "MODEL_ID=espeak-ng"};
    spec.labels = {{"creator", "baton"}, {"creator_id", creator_id}};
    auto id = docker_->Create(spec);
    EXPECT_TRUE(id.ok()) << id.status();
    if (id.ok()) {
      EXPECT_TRUE(docker_->Start(*id).ok());
    }
    return id.ok() ? *id : "";
  };
  const std::string mine = make("baton-" + creator_id_ + "-leftover", creator_id_);
  const std::string other_creator = creator_id_ + "-other-node";
  const std::string theirs = make("baton-" + other_creator + "-leftover", other_creator);
  ASSERT_EQ(EngineContainers().size(), 1u);

  auto pool = StartPool({Model("text-to-speech", "espeak-ng")}, Options());
  ASSERT_NE(pool, nullptr);
  EXPECT_TRUE(EngineContainers().empty());
  EXPECT_EQ(docker_->Inspect(mine).status().code(), absl::StatusCode::kNotFound);
  auto other = docker_->Inspect(theirs);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_TRUE(other->running);
  (void)docker_->Remove(theirs);
}

TEST_F(ContainerPoolEngineTest, SlotsBoundContainersAndIdleColdOnesGiveWay) {
  ContainerPoolOptions options = Options();
  options.cpu_slots = 2;
  auto pool = StartPool({Model("text-to-speech", "espeak-ng", false, 2),
                         Model("image-to-text", "tesseract", false, 1)},
                        options);
  ASSERT_NE(pool, nullptr);
  // Two at once: two containers, one per slot.
  auto a = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
  auto b = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE((*a)->base_url(), (*b)->base_url());
  EXPECT_NE(Call(**a)["container"], Call(**b)["container"]);
  EXPECT_EQ(pool->Models()[0].in_use, 2);
  // Both slots busy: no room for another model.
  EXPECT_EQ(pool->Borrow("image-to-text", "tesseract", Deadline()).status().code(),
            absl::StatusCode::kResourceExhausted);
  // An idle cold container gives its slot to the model that needs one.
  a->reset();
  auto c = pool->Borrow("image-to-text", "tesseract", Deadline());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Call(**c, "/image-to-text")["model_id"], "tesseract");
  auto containers = pool->Containers();
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(EngineContainers().size(), 2u);
  b->reset();
  c->reset();
  pool->Stop();
  EXPECT_TRUE(EngineContainers().empty());
}

TEST_F(ContainerPoolEngineTest, SuspectRunnerIsCheckedAndADeadColdOneIsNotLentAgain) {
  auto pool = StartPool({Model("text-to-speech", "espeak-ng")}, Options());
  ASSERT_NE(pool, nullptr);
  std::string first_container;
  {
    auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
    ASSERT_TRUE(lease.ok()) << lease.status();
    first_container = Call(**lease)["container"];
    (*lease)->MarkSuspect();  // healthy after all: back in the pool after one check
  }
  ASSERT_TRUE(WaitFor([&] { return pool->Containers().at(0).state == "idle"; }));
  std::string id = pool->Containers().at(0).id;
  {
    auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
    ASSERT_TRUE(lease.ok()) << lease.status();
    EXPECT_EQ(Call(**lease)["container"], first_container);
    ASSERT_TRUE(docker_->Kill(id).ok());
    EXPECT_EQ(Call(**lease)["http"], 0);  // the request fails: connection refused
    (*lease)->MarkSuspect();
  }
  // Dead and cold: removed, not replaced; the next request starts a new one.
  ASSERT_TRUE(WaitFor([&] { return pool->Containers().empty(); }));
  EXPECT_TRUE(EngineContainers().empty());
  auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
  ASSERT_TRUE(lease.ok()) << lease.status();
  nlohmann::json answer = Call(**lease);
  EXPECT_EQ(answer["http"], 200);
  EXPECT_NE(answer["container"], first_container);
}

TEST_F(ContainerPoolEngineTest, IdleColdRunnerIsStoppedAfterTheIdleTime) {
  ContainerPoolOptions options = Options();
  options.cold_idle_timeout = 1s;
  auto pool = StartPool({Model("text-to-speech", "espeak-ng")}, options);
  ASSERT_NE(pool, nullptr);
  {
    auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
    ASSERT_TRUE(lease.ok()) << lease.status();
    std::this_thread::sleep_for(1500ms);  // in use: never timed out
    EXPECT_EQ(pool->Containers().size(), 1u);
  }
  EXPECT_EQ(pool->Containers().size(), 1u);
  ASSERT_TRUE(WaitFor([&] { return pool->Containers().empty(); }, 10s));
  EXPECT_TRUE(EngineContainers().empty());
}

TEST_F(ContainerPoolEngineTest, RunnerThatFailsToStartIsReportedAndRemoved) {
  auto pool = StartPool({Model("text-to-speech", "exit-3")}, Options());
  ASSERT_NE(pool, nullptr);
  auto began = Clock::now();
  auto lease = pool->Borrow("text-to-speech", "exit-3", Deadline());
  ASSERT_FALSE(lease.ok());
  EXPECT_LT(Seconds(Clock::now() - began), 10.0) << "a dead runner should fail fast";
  const std::string message(lease.status().message());
  EXPECT_NE(message.find("code 3"), std::string::npos) << message;
  EXPECT_NE(message.find("told to fail"), std::string::npos) << message;  // its log lines
  EXPECT_TRUE(pool->Containers().empty());
  EXPECT_TRUE(EngineContainers().empty());
  // Unknown models and missing images are refused without touching the engine.
  EXPECT_EQ(pool->Borrow("llm", "nobody-serves-this", Deadline()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ContainerPoolEngineTest, MissingImageMeansNoCapacityAndTokenReachesTheRunner) {
  ContainerPoolOptions options = Options();
  options.images.batch["upscale"] = "localhost/baton-no-such-image:none";
  ModelSpec with_token = Model("text-to-speech", "espeak-ng");
  with_token.token = "s3cret-token";
  auto pool = StartPool({Model("upscale", "lanczos"), with_token}, options);
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->Models()[0].capacity, 0);
  EXPECT_EQ(pool->Borrow("upscale", "lanczos", Deadline()).status().message(),
            "insufficient capacity");
  auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ((*lease)->token(), "s3cret-token");
  EXPECT_EQ(Call(**lease)["http"], 200);
  http::HttpClient client;
  auto unauthorized = client.Post((*lease)->base_url() + "/text-to-speech", "{}", {}, 5s);
  ASSERT_TRUE(unauthorized.ok()) << unauthorized.status();
  EXPECT_EQ(unauthorized->status, 401);  // AUTH_TOKEN was given to the container
}

TEST_F(ContainerPoolEngineTest, WarmRunnerGetsItsFlagsAndIsLentOnlyOnceLoaded) {
  ModelSpec warm = Model("upscale", "lanczos", /*warm=*/true);
  warm.optimization_flags["STAND_IN_LOADING_MS"] = "1500";  // env of warm containers only
  const auto began = Clock::now();
  auto pool = StartPool({warm}, Options());
  ASSERT_NE(pool, nullptr);
  // Start waited through LOADING (the clock starts at the runner's first /health answer).
  EXPECT_GE(Seconds(Clock::now() - began), 1.5);
  ASSERT_EQ(pool->Containers().size(), 1u);
  EXPECT_EQ(pool->Containers()[0].state, "idle");
  auto lease = pool->Borrow("upscale", "lanczos", Deadline(1s));
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ(Call(**lease, "/upscale")["http"], 200);
}

TEST_F(ContainerPoolEngineTest, ConcurrentBorrowersNeverShareARunner) {
  ContainerPoolOptions options = Options();
  options.cpu_slots = 2;
  auto pool = StartPool({Model("text-to-speech", "espeak-ng", false, 2)}, options);
  ASSERT_NE(pool, nullptr);
  std::mutex mu;
  std::map<std::string, int> holders;  // runner URL -> leases held on it now
  std::atomic<int> served{0}, refused{0}, shared{0}, max_in_use{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
        if (!lease.ok()) {
          EXPECT_EQ(lease.status().code(), absl::StatusCode::kResourceExhausted) << lease.status();
          ++refused;
          std::this_thread::sleep_for(2ms);
          continue;
        }
        {
          std::lock_guard<std::mutex> lock(mu);
          if (++holders[(*lease)->base_url()] > 1) ++shared;
        }
        const int in_use = pool->Models()[0].in_use;
        int seen = max_in_use.load();
        while (in_use > seen && !max_in_use.compare_exchange_weak(seen, in_use)) {
        }
        if (Call(**lease)["http"] == 200) ++served;
        {
          std::lock_guard<std::mutex> lock(mu);
          --holders[(*lease)->base_url()];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf("6 threads x 15 borrows, capacity 2: %d served, %d refused\n", served.load(),
              refused.load());
  EXPECT_EQ(shared.load(), 0);
  EXPECT_LE(max_in_use.load(), 2);
  EXPECT_EQ(served.load() + refused.load(), 90);
  EXPECT_GT(served.load(), 0);
  EXPECT_LE(EngineContainers().size(), 2u);
  EXPECT_EQ(pool->Models()[0].in_use, 0);
}

// With the real baton-runner image (scripts/runner-image; named by BATON_RUNNER_IMAGE, which
// ctest does not set), a text-to-speech request answered with a WAV, cold and warm.
TEST_F(ContainerPoolEngineTest, RealBatonRunnerAnswersTextToSpeech) {
  const char* image = std::getenv("BATON_RUNNER_IMAGE");
  if (image == nullptr) GTEST_SKIP() << "BATON_RUNNER_IMAGE names no baton-runner image";
  ContainerPoolOptions options = Options();
  options.images.batch["text-to-speech"] = image;
  auto pool = StartPool({Model("text-to-speech", "espeak-ng")}, options);
  ASSERT_NE(pool, nullptr);
  for (int i = 0; i < 3; ++i) {
    const auto began = Clock::now();
    auto lease = pool->Borrow("text-to-speech", "espeak-ng", Deadline());
    const double borrow_s = Seconds(Clock::now() - began);
    ASSERT_TRUE(lease.ok()) << lease.status();
    http::HttpClient client;
    const auto sent = Clock::now();
    auto response = client.Post((*lease)->base_url() + "/text-to-speech",
                                R"({"text":"hello from the container pool"})", {}, 30s);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->status, 200) << response->body;
    nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
    ASSERT_TRUE(body.is_object());
    const std::string url = body["audio"]["url"];
    EXPECT_EQ(url.rfind("data:audio/wav;base64,", 0), 0u);
    std::printf("baton-runner %s Borrow %.3f s, text-to-speech request %.3f s (%zu bytes)\n",
                i == 0 ? "cold" : "warm", borrow_s, Seconds(Clock::now() - sent), url.size());
  }
  pool->Stop();
  EXPECT_TRUE(EngineContainers().empty());
}

}  // namespace
}  // namespace baton::ai
