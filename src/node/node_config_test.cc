#include "node/node_config.h"

#include <gtest/gtest.h>

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
  c = LoadNodeConfig({"-v=9"}, {});
  EXPECT_NE(std::string(c.status().message()).find("-v"), std::string::npos);
}

}  // namespace
}  // namespace baton::node
