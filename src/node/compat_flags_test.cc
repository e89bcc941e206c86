#include "node/compat_flags.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "node/node_config.h"

namespace baton::node {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A value that asks for something: `true` for a boolean, else a value unlike the inert one.
std::string Asking(const CompatFlag& c) { return c.boolean ? "true" : "x" + c.inert + "1"; }

TEST(CompatFlags, EveryGoLivepeerFlagIsImplementedOrListed) {
  FlagSet flags;
  DefineNodeFlags(flags);
  std::set<std::string> table;
  for (const auto& c : CompatFlags()) {
    EXPECT_TRUE(table.insert(c.name).second) << "listed twice: " << c.name;
    EXPECT_FALSE(c.why.empty()) << c.name;
  }
  EXPECT_EQ(GoLivepeerFlagNames().size(), 124u);  // 120 in flags.go, 4 in livepeer.go
  int implemented = 0;
  for (const auto& name : GoLivepeerFlagNames()) {
    const bool defined = flags.Has(name);
    implemented += defined;
    // Exactly one of "the node declares it" and "the table lists it".
    EXPECT_FALSE(defined && table.count(name)) << name << " is implemented and also listed";
    EXPECT_TRUE(defined || table.count(name)) << "go-livepeer flag unknown to Baton: -" << name;
  }
  for (const auto& c : CompatFlags()) {
    EXPECT_NE(std::find(GoLivepeerFlagNames().begin(), GoLivepeerFlagNames().end(), c.name),
              GoLivepeerFlagNames().end())
        << c.name << " is not a go-livepeer flag";
  }
  RecordProperty("implemented", implemented);
  RecordProperty("listed", static_cast<int>(table.size()));
}

// Every go-livepeer flag, given on the command line with a value that asks for something,
// starts the node (with one warning naming it), or is refused with a message naming it.
TEST(CompatFlags, EachFlagIsAcceptedWithAWarningOrRefusedByName) {
  int warned = 0, refused = 0;
  for (const auto& c : CompatFlags()) {
    auto config = LoadNodeConfig({"-orchestrator", "-transcoder", "-" + c.name + "=" + Asking(c)},
                                 {{"HOME", "/h"}});
    const bool refuse = c.disposition == CompatDisposition::kRefused;
    if (refuse) {
      ASSERT_FALSE(config.ok()) << c.name;
      EXPECT_TRUE(Contains(std::string(config.status().message()), "-" + c.name + " "))
          << config.status();
      ++refused;
    } else {
      ASSERT_TRUE(config.ok()) << c.name << ": " << config.status();
      ASSERT_EQ(config->flag_warnings.size(), 1u) << c.name;
      EXPECT_TRUE(Contains(config->flag_warnings[0], "-" + c.name + " ")) << c.name;
      ++warned;
    }
  }
  EXPECT_GT(warned, 40);
  EXPECT_GT(refused, 10);
}

TEST(CompatFlags, RefusalsNameWhy) {
  auto c = LoadNodeConfig({"-orchestrator", "-authWebhookUrl=http://auth.example/"}, {});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Contains(std::string(c.status().message()), "authentication webhook"));
  // A refused flag at its inert value asks for nothing.
  c = LoadNodeConfig({"-orchestrator", "-redeemer=false", "-authWebhookUrl=",
                      "-livePaymentInterval=5000ms", "-aiRunnerContainersPerGPU=1"},
                     {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->flag_warnings.empty());
  // A gateway role next to -orchestrator is moot (go-livepeer's precedence); alone, refused.
  c = LoadNodeConfig({"-orchestrator", "-broadcaster"}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->flag_warnings.size(), 1u);
  EXPECT_FALSE(LoadNodeConfig({"-gateway"}, {}).ok());
}

TEST(CompatFlags, EnvironmentAndConfigFileCountToo) {
  const std::string path = testing::TempDir() + "/compat.conf";
  {
    std::ofstream out(path);
    out << "orchestrator\ntranscoder\n# comment\nmetricsPerStream\nrtmpAddr 127.0.0.1:1935\n"
           "kafkaPassword hunter2\n";
  }
  FlagSet flags;
  auto c = LoadNodeConfig({"-config", path},
                          {{"LP_SELECTRANDFREQ", "0.5"}, {"LP_ORCHSECRET", "s3cret"}}, &flags);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->flag_warnings.size(), 4u);  // -orchSecret is the node's own
  for (const auto& w : c->flag_warnings) {
    EXPECT_FALSE(Contains(w, "hunter2"));
    EXPECT_FALSE(Contains(w, "s3cret"));
  }
  for (const auto& [name, value] : c->non_default_flags) {
    if (name == "kafkaPassword" || name == "orchSecret") {
      EXPECT_EQ(value, "***");
    }
  }
  c = LoadNodeConfig({"-orchestrator"}, {{"LP_REDEEMERADDR", "10.0.0.1:8935"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Contains(std::string(c.status().message()), "-redeemerAddr"));
}

}  // namespace
}  // namespace baton::node
