// The container engine client's request bodies and reply parsers, the runner image choice and
// container names, without an engine (tests/ai/container_pool_test.cc drives a real one).
#include "ai/docker_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ai/container_pool.h"
#include "ai/runner_images.h"

namespace baton::ai {
namespace {

using Json = nlohmann::json;

TEST(DockerClient, SocketPathFromDockerHost) {
  EXPECT_EQ(*DockerClient::SocketPathFromDockerHost(""), "/var/run/docker.sock");
  EXPECT_EQ(*DockerClient::SocketPathFromDockerHost("unix:///tmp/p/podman.sock"),
            "/tmp/p/podman.sock");
  EXPECT_EQ(DockerClient::SocketPathFromDockerHost("tcp://10.0.0.1:2375").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(DockerClient::SocketPathFromDockerHost("unix://").ok());
}

TEST(DockerClient, CreateBodyCarriesEnvLabelsPortMountGpuAndRestartPolicy) {
  ContainerSpec spec;
  spec.name = "baton-x";
  spec.image = "livepeer/ai-runner:text-to-speech";
  spec.env = {"PIPELINE=text-to-speech", "MODEL_ID=espeak-ng"};
  spec.labels = {{"creator", "baton"}, {"creator_id", "node-1"}};
  spec.binds = {{"/data/models", "/models"}};
  spec.host_port = 8801;
  spec.gpu_ids = {"1"};
  Json body = Json::parse(CreateRequestBody(spec));
  EXPECT_EQ(body["Image"], "livepeer/ai-runner:text-to-speech");
  EXPECT_EQ(body["Env"][1], "MODEL_ID=espeak-ng");
  EXPECT_EQ(body["Labels"]["creator_id"], "node-1");
  EXPECT_TRUE(body["ExposedPorts"].contains("8000/tcp"));
  const Json& host = body["HostConfig"];
  EXPECT_EQ(host["PortBindings"]["8000/tcp"][0]["HostIp"], "127.0.0.1");
  EXPECT_EQ(host["PortBindings"]["8000/tcp"][0]["HostPort"], "8801");
  EXPECT_EQ(host["Mounts"][0]["Source"], "/data/models");
  EXPECT_EQ(host["Mounts"][0]["Target"], "/models");
  EXPECT_EQ(host["DeviceRequests"][0]["DeviceIDs"][0], "1");
  EXPECT_EQ(host["DeviceRequests"][0]["Capabilities"][0][0], "gpu");
  EXPECT_EQ(host["RestartPolicy"]["Name"], "on-failure");
  EXPECT_EQ(host["RestartPolicy"]["MaximumRetryCount"], 3);
  EXPECT_FALSE(body.contains("Cmd"));

  spec.host_network = true;
  spec.gpu_ids.clear();
  body = Json::parse(CreateRequestBody(spec));
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "host");
  EXPECT_FALSE(body["HostConfig"].contains("PortBindings"));
  EXPECT_FALSE(body["HostConfig"].contains("DeviceRequests"));
}

TEST(DockerClient, ParsesInspectListCreateAndVersion) {
  absl::StatusOr<ContainerStatus> status = ParseInspectResponse(
      R"({"Id":"abc","Name":"/baton-x","RestartCount":2,
          "State":{"Status":"exited","Running":false,"ExitCode":137,"Error":""}})");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->name, "baton-x");
  EXPECT_EQ(status->status, "exited");
  EXPECT_FALSE(status->running);
  EXPECT_EQ(status->exit_code, 137);
  EXPECT_EQ(status->restart_count, 2);

  absl::StatusOr<std::vector<ContainerSummary>> list = ParseListResponse(
      R"([{"Id":"a","Names":["/one"],"State":"running","Labels":{"creator":"baton","n":7}},
          {"Names":["/no-id"]}, 5, {"Id":"b","Names":[],"Labels":null}])");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "one");
  EXPECT_EQ((*list)[0].labels.at("creator"), "baton");
  EXPECT_EQ((*list)[0].labels.count("n"), 0u);  // not a string: ignored
  EXPECT_EQ((*list)[1].id, "b");

  EXPECT_EQ(*ParseCreateResponse(R"({"Id":"f00d","Warnings":[]})"), "f00d");
  EXPECT_EQ(*ParseVersionResponse(R"({"Version":"4.3.1"})"), "4.3.1");
}

TEST(DockerClient, OddRepliesAreErrorsNotExceptions) {
  for (std::string_view body :
       {"", "{", "null", "[]", R"({"Id":5})", R"({"State":"x"})", R"({"State":{"ExitCode":"1"}})",
        R"({"State":{"ExitCode":1e300,"Running":"yes"}})", "\xff\xfe"}) {
    (void)ParseCreateResponse(body);
    (void)ParseInspectResponse(body);
    (void)ParseListResponse(body);
    (void)ParseVersionResponse(body);
    (void)ParseRunnerHealth(body);
  }
  EXPECT_FALSE(ParseCreateResponse(R"({"Id":5})").ok());
  EXPECT_FALSE(ParseInspectResponse(R"({"State":"x"})").ok());
  absl::StatusOr<ContainerStatus> big =
      ParseInspectResponse(R"({"State":{"ExitCode":99999999999,"Running":"yes"}})");
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->running);
  EXPECT_EQ(big->exit_code, 0x7fffffff);
}

TEST(DockerClient, PullStreamErrorsAreFound) {
  EXPECT_TRUE(ParsePullStream("{\"status\":\"Pulling fs layer\"}\n{\"status\":\"Done\"}\n").ok());
  absl::Status failed = ParsePullStream(
      "{\"status\":\"Pulling\"}\n{\"errorDetail\":{\"message\":\"manifest unknown\"},"
      "\"error\":\"manifest unknown\"}\n");
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(failed.message().find("manifest unknown"), std::string_view::npos);
  EXPECT_FALSE(ParsePullStream(R"({"errorDetail":{"message":"denied"}})").ok());
  EXPECT_TRUE(ParsePullStream("").ok());
  EXPECT_TRUE(ParsePullStream("not json\n[1,2]\n").ok());
}

TEST(DockerClient, EngineErrorKeepsTheEnginesMessage) {
  absl::Status s = EngineError("create x", 409,
                               R"({"cause":"that name is already in use","message":"conflict"})");
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(s.message().find("conflict"), std::string_view::npos);
  EXPECT_EQ(EngineError("x", 404, "nope").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(EngineError("x", 500, "").code(), absl::StatusCode::kUnavailable);
}

TEST(DockerClient, DemultiplexesFramedLogs) {
  std::string framed;
  framed += std::string("\x01\0\0\0\0\0\0\x06", 8) + "hello\n";
  framed += std::string("\x02\0\0\0\0\0\0\x04", 8) + "err\n";
  EXPECT_EQ(DemultiplexLogs(framed), "hello\nerr\n");
  EXPECT_EQ(DemultiplexLogs("plain text\n"), "plain text\n");
  // A frame that claims more than is there keeps what is there.
  EXPECT_EQ(DemultiplexLogs(std::string("\x01\0\0\0\0\0\x10\x00", 8) + "abc"), "abc");
}

TEST(RunnerImages, ChoiceOrderAsGoLivepeer) {
  absl::StatusOr<RunnerImages> images = ParseRunnerImages("", "");
  ASSERT_TRUE(images.ok());
  EXPECT_EQ(*images->ImageFor("text-to-image", "x"), "livepeer/ai-runner:latest");
  EXPECT_EQ(*images->ImageFor("text-to-speech", "x"), "livepeer/ai-runner:text-to-speech");
  EXPECT_EQ(*images->ImageFor("live-video-to-video", "comfyui"),
            "livepeer/ai-runner:live-app-comfyui");
  EXPECT_EQ(images->ImageFor("live-video-to-video", "mystery").status().code(),
            absl::StatusCode::kNotFound);

  images = ParseRunnerImages(
      "old/default:1",
      R"({"batch":{"text-to-speech":"localhost/baton-runner:latest"},"live":{"mystery":"m:1"}})");
  ASSERT_TRUE(images.ok()) << images.status();
  EXPECT_EQ(*images->ImageFor("text-to-image", "x"), "old/default:1");
  EXPECT_EQ(*images->ImageFor("text-to-speech", "x"), "localhost/baton-runner:latest");
  EXPECT_EQ(*images->ImageFor("live-video-to-video", "mystery"), "m:1");

  images = ParseRunnerImages("old/default:1", R"({"default":"new/default:2"})");
  EXPECT_EQ(*images->ImageFor("upscale", "x"), "new/default:2");

  EXPECT_FALSE(ParseRunnerImages("", "[1]").ok());
  EXPECT_FALSE(ParseRunnerImages("", R"({"batch":{"a":1}})").ok());
  EXPECT_FALSE(ParseRunnerImages("", R"({"default":7})").ok());
  EXPECT_FALSE(ParseRunnerImages("", "{").ok());
}

TEST(ContainerPool, NamesAndRunnerReplies) {
  EXPECT_EQ(ContainerName("0xAbC", "text-to-image", "stabilityai/sd_turbo", 8001),
            "baton-0xAbC-text-to-image_stabilityai-sd-turbo_8001");
  EXPECT_EQ(ContainerName("", "llm", "m", 8500), "baton-llm_m_8500");
  EXPECT_EQ(ParseRunnerHealth(R"({"status":"LOADING"})"), "LOADING");
  EXPECT_EQ(ParseRunnerHealth(R"({"status":1})"), "");
  EXPECT_EQ(ParseRunnerVersion(R"({"pipeline":"p","model_id":"m","version":"0.14.1"})"), "0.14.1");
}

ModelSpec LlmSpec() {
  ModelSpec spec;
  spec.pipeline = "llm";
  spec.model_id = "m";
  return spec;
}

TEST(ContainerPool, CreateChecksModelsAndOptions) {
  ContainerPoolOptions options;
  options.docker_host = "unix:///nonexistent.sock";
  ModelSpec external = LlmSpec();
  external.url = "http://127.0.0.1:9";
  EXPECT_EQ(ContainerPool::Create({external}, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  ModelSpec warm = LlmSpec();
  warm.warm = true;
  ModelSpec cold = LlmSpec();
  EXPECT_FALSE(ContainerPool::Create({warm, cold}, options).ok());  // warm and cold: refused
  absl::StatusOr<std::unique_ptr<ContainerPool>> pool =
      ContainerPool::Create({cold, cold}, options);
  ASSERT_TRUE(pool.ok()) << pool.status();
  std::vector<ModelState> models = (*pool)->Models();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].capacity, 2);  // repeated entries add capacity
  // Not started (and no engine there): Start fails, Borrow is refused, Stop is harmless.
  EXPECT_FALSE((*pool)->Start().ok());
  EXPECT_FALSE((*pool)->Borrow("llm", "m", std::chrono::steady_clock::now()).ok());
  (*pool)->Stop();
  (*pool)->Stop();
  options.docker_host = "tcp://1.2.3.4:2375";
  EXPECT_FALSE(ContainerPool::Create({cold}, options).ok());
}

}  // namespace
}  // namespace baton::ai
