#include "gateway/gateway_flags.h"

#include <gtest/gtest.h>

#include "gateway/orchestrator_client.h"

namespace baton::gateway {
namespace {

TEST(GatewayFlagsTest, DefaultsAndGoStyleForms) {
  absl::StatusOr<GatewayOptions> o = ParseGatewayFlags(
      {"-orchAddr", "127.0.0.1:8935", "-testPattern", "-duration=10", "--concurrency", "3",
       "-verify=false", "-json", "-maxPricePerUnit", "0.5", "-testPatternSize", "640x360"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->orch_addr, "127.0.0.1:8935");
  EXPECT_TRUE(o->test_pattern);
  EXPECT_EQ(o->duration_s, 10);
  EXPECT_EQ(o->segment_duration_s, 2);
  EXPECT_EQ(o->concurrency, 3);
  EXPECT_EQ(o->sessions, 1);
  EXPECT_FALSE(o->verify);
  EXPECT_TRUE(o->json);
  EXPECT_EQ(o->transcoding_options, "P240p30fps16x9,P360p30fps16x9");
  ASSERT_TRUE(o->max_price_per_unit.has_value());
  EXPECT_EQ(*o->max_price_per_unit, pm::Rat(1, 2));
  EXPECT_EQ(o->pattern_width, 640);
  EXPECT_EQ(o->pattern_height, 360);
}

TEST(GatewayFlagsTest, ErrorsNameTheProblem) {
  auto error = [](std::vector<std::string> args) {
    absl::StatusOr<GatewayOptions> o = ParseGatewayFlags(args);
    return o.ok() ? std::string("ok") : std::string(o.status().message());
  };
  EXPECT_EQ(error({"-testPattern", "-duration", "4"}), "-orchAddr is required");
  EXPECT_EQ(error({"-orchAddr", "h:1"}), "give exactly one of -in FILE and -testPattern");
  EXPECT_EQ(error({"-orchAddr", "h:1", "-in", "a.ts", "-testPattern"}),
            "give exactly one of -in FILE and -testPattern");
  EXPECT_EQ(error({"-orchAddr", "h:1", "-testPattern"}), "-testPattern needs -duration SECONDS");
  EXPECT_EQ(error({"-orchAddr", "h:1", "-in", "a", "-concurrency", "0"}),
            "invalid value \"0\" for flag -concurrency: expected a positive integer");
  EXPECT_EQ(error({"-orchAddr", "h:1", "-in", "a", "-bogus"}),
            "flag provided but not defined: -bogus");
  EXPECT_EQ(error({"-orchAddr", "h:1", "-in", "a", "-verify=maybe"}),
            "invalid value \"maybe\" for flag -verify: expected true or false");
  EXPECT_EQ(error({"-orchAddr"}), "flag needs an argument: -orchAddr");
  EXPECT_EQ(error({"-orchAddr", "h:1", "-in", "a", "-concurrency", "x"}),
            "invalid value \"x\" for flag -concurrency: expected an integer");
  EXPECT_EQ(error({"-help"}), "ok");
}

TEST(OrchestratorAddressTest, SchemesAndDeadlines) {
  EXPECT_EQ(*OrchestratorBaseUrl("127.0.0.1:8935"), "https://127.0.0.1:8935");
  EXPECT_EQ(*OrchestratorBaseUrl("https://o.example:8935/"), "https://o.example:8935");
  EXPECT_EQ(*OrchestratorBaseUrl("http://localhost:9000"), "http://localhost:9000");
  EXPECT_FALSE(OrchestratorBaseUrl("localhost").ok());
  EXPECT_FALSE(OrchestratorBaseUrl("").ok());

  // max(2 s, 0.5·d) for headers, max(8 s, 4·d) in all (doc/wire.md 3).
  EXPECT_EQ(DeadlinesFor(2).headers.count(), 2000);
  EXPECT_EQ(DeadlinesFor(2).total.count(), 8000);
  EXPECT_EQ(DeadlinesFor(10).headers.count(), 5000);
  EXPECT_EQ(DeadlinesFor(10).total.count(), 40000);
}

}  // namespace
}  // namespace baton::gateway
