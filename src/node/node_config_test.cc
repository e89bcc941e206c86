#include "node/node_config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace baton::node {
namespace {

TEST(NodeConfig, DefaultsAreOffchainOnDefaultPorts) {
  auto c = LoadNodeConfig({"-orchestrator", "-transcoder"}, {{"HOME", "/h"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->network, "offchain");
  EXPECT_EQ(c->service_uri, "https://127.0.0.1:8935");
  EXPECT_EQ(c->service_bind.ToString(), "0.0.0.0:8935");
  EXPECT_TRUE(c->service_tls);
  EXPECT_EQ(c->cli_bind.ToString(), "127.0.0.1:7935");
  EXPECT_TRUE(c->max_sessions_auto);  // measured unless a number is given
}

TEST(NodeConfig, AddressesAndCleartext) {
  auto c = LoadNodeConfig(
      {"-serviceAddr=1.2.3.4:9000", "-httpAddr=http://127.0.0.1:9001", "-cliAddr=:7000"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->service_uri, "http://1.2.3.4:9000");
  EXPECT_FALSE(c->service_tls);
  EXPECT_EQ(c->service_bind.ToString(), "127.0.0.1:9001");
  EXPECT_EQ(c->cli_bind.ToString(), "127.0.0.1:7000");
  auto d = LoadNodeConfig({"-serviceAddr=example.org"}, {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->service_uri, "https://example.org:8935");
}

TEST(NodeConfig, BadValuesNameTheFlag) {
  auto c = LoadNodeConfig({"-maxSessions=0"}, {});
  EXPECT_NE(std::string(c.status().message()).find("-maxSessions"), std::string::npos);
  c = LoadNodeConfig({"-maxSessions=auto", "-transcoder"}, {});
  ASSERT_TRUE(c.ok()) << c.status();  // auto: the local transcoder's capacity
  EXPECT_TRUE(c->max_sessions_auto);
  c = LoadNodeConfig({"-serviceAddr=host:99999"}, {});
  EXPECT_NE(std::string(c.status().message()).find("-serviceAddr"), std::string::npos);
  c = LoadNodeConfig({"-transcoder", "-orchAddr=10.0.0.1", "-orchSecret=s"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->orch_addr.ToString(), "10.0.0.1:8935");
  EXPECT_EQ(c->cli_bind.ToString(), "127.0.0.1:6935");  // a standalone transcoder's port
  EXPECT_EQ(c->orch_secret, "s");
  {
    // -orchSecret names a file: its content, surrounding whitespace trimmed.
    std::string path = testing::TempDir() + "/orch_secret";
    std::ofstream(path) << "  from-file \n";
    c = LoadNodeConfig({"-orchestrator", "-orchSecret=" + path}, {});
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->orch_secret, "from-file");
  }
  c = LoadNodeConfig({"-v=9"}, {});
  EXPECT_NE(std::string(c.status().message()).find("-v"), std::string::npos);
}

TEST(NodeConfig, AiWorkerFlags) {
  auto c = LoadNodeConfig({"-aiWorker", "-aiModels=text-to-speech:espeak-ng:true", "-dataDir=/d",
                           "-aiRequestTimeout=30s"},
                          {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->ai.worker);
  EXPECT_EQ(c->ai.models, "text-to-speech:espeak-ng:true");
  EXPECT_EQ(c->ai.models_dir, "/d/models");
  EXPECT_EQ(c->ai.runner_image, "livepeer/ai-runner:latest");
  EXPECT_EQ(c->ai.request_timeout, std::chrono::seconds(30));
  c = LoadNodeConfig({"-aiWorker"}, {});
  EXPECT_NE(std::string(c.status().message()).find("-aiModels"), std::string::npos);
  c = LoadNodeConfig({"-aiModels=llm:m"}, {});
  EXPECT_NE(std::string(c.status().message()).find("without -aiWorker"), std::string::npos);
  // Remote AI workers: the entries are prices only.
  c = LoadNodeConfig({"-aiModels=llm:m", "-orchSecret=s"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->ai.worker);
  // A standalone AI worker: go-livepeer's operator port 4935, unless -cliAddr says otherwise;
  // with -orchestrator the node's own.
  c = LoadNodeConfig({"-aiWorker", "-aiModels=llm:m:false", "-orchAddr=o:9", "-orchSecret=s"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->cli_bind.ToString(), "127.0.0.1:4935");
  EXPECT_EQ(c->orch_addr.ToString(), "o:9");
  c = LoadNodeConfig({"-aiWorker", "-aiModels=llm:m:false", "-cliAddr=:5000"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->cli_bind.ToString(), "127.0.0.1:5000");
  c = LoadNodeConfig({"-orchestrator", "-aiWorker", "-aiModels=llm:m:false"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->cli_bind.ToString(), "127.0.0.1:7935");
}

TEST(NodeConfig, AiResultsMemory) {
  auto c = LoadNodeConfig({}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ai.results_max_mb, 256);
  c = LoadNodeConfig({"-aiResultsMaxMB=64"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ai.results_max_mb, 64);
  c = LoadNodeConfig({"-aiResultsMaxMB=0"}, {});
  EXPECT_NE(std::string(c.status().message()).find("-aiResultsMaxMB"), std::string::npos);
}

}  // namespace
}  // namespace baton::node
