#include "common/flags.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace baton {
namespace {

// A few flags of each kind, named like baton's (the parser is shared by every binary).
FlagSet Declared() {
  using K = FlagKind;
  FlagSet f;
  f.Define({"config", K::kString, "", "config file"});
  f.Define({"network", K::kString, "offchain", "network"});
  f.Define({"maxSessions", K::kString, "10", "sessions"});
  f.Define({"cliAddr", K::kString, "127.0.0.1:7935", "operator port"});
  f.Define({"monitor", K::kBool, "false", "metrics"});
  f.Define({"orchestrator", K::kBool, "false", "orchestrator"});
  f.Define({"v", K::kInt, "3", "verbosity"});
  f.Define({"dataDir", K::kString, "", "data dir"});
  f.DefineAlias("datadir", "dataDir");
  return f;
}

std::string WriteConfig(const std::string& text) {
  std::string path = testing::TempDir() + "/baton-flags-test.conf";
  std::ofstream(path) << text;
  return path;
}

TEST(Flags, EqualsAndSpaceSyntaxAndDoubleDash) {
  FlagSet f = Declared();
  ASSERT_TRUE(f.Parse({"-network=foo", "-maxSessions", "7", "--monitor", "-v=5"}, {}).ok());
  EXPECT_EQ(f.GetString("network"), "foo");
  EXPECT_EQ(f.GetString("maxSessions"), "7");
  EXPECT_TRUE(f.GetBool("monitor"));
  EXPECT_EQ(f.GetInt("v"), 5);
  EXPECT_EQ(f.Source("network"), FlagSource::kCommandLine);
  EXPECT_EQ(f.Source("cliAddr"), FlagSource::kDefault);
}

TEST(Flags, BooleansTakeOnlyEqualsValues) {
  FlagSet f = Declared();
  ASSERT_TRUE(f.Parse({"-monitor=false", "-orchestrator=true"}, {}).ok());
  EXPECT_FALSE(f.GetBool("monitor"));
  EXPECT_TRUE(f.GetBool("orchestrator"));
  // As in Go, "-monitor false" does not assign false: "false" is a stray argument.
  FlagSet g = Declared();
  auto s = g.Parse({"-monitor", "false"}, {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("false"), std::string::npos);
}

TEST(Flags, UnknownFlagAndBadValuesNameTheFlag) {
  FlagSet f = Declared();
  auto s = f.Parse({"-noSuchFlag=1"}, {});
  EXPECT_EQ(std::string(s.message()), "flag provided but not defined: -noSuchFlag");
  FlagSet g = Declared();
  s = g.Parse({"-v=loud"}, {});
  EXPECT_NE(std::string(s.message()).find("-v"), std::string::npos);
  FlagSet h = Declared();
  s = h.Parse({"-monitor=maybe"}, {});
  EXPECT_NE(std::string(s.message()).find("-monitor"), std::string::npos);
  FlagSet i = Declared();
  s = i.Parse({"-network"}, {});
  EXPECT_EQ(std::string(s.message()), "flag needs an argument: -network");
}

TEST(Flags, PrecedenceCommandLineThenEnvThenConfig) {
  std::string conf = WriteConfig(
      "# comment\n\nnetwork fromfile\nmaxSessions 3\ncliAddr 127.0.0.1:1111\nmonitor\n");
  FlagSet f = Declared();
  std::map<std::string, std::string> env = {
      {"LP_MAXSESSIONS", "4"}, {"LP_NETWORK", "fromenv"}, {"LP_V", ""}};
  ASSERT_TRUE(f.Parse({"-config", conf, "-network=fromcli"}, env).ok());
  EXPECT_EQ(f.GetString("network"), "fromcli");
  EXPECT_EQ(f.GetString("maxSessions"), "4");
  EXPECT_EQ(f.Source("maxSessions"), FlagSource::kEnvironment);
  EXPECT_EQ(f.GetString("cliAddr"), "127.0.0.1:1111");
  EXPECT_EQ(f.Source("cliAddr"), FlagSource::kConfigFile);
  EXPECT_TRUE(f.GetBool("monitor"));  // a bare name means true
  EXPECT_EQ(f.GetInt("v"), 3);        // empty env values are ignored
}

TEST(Flags, ConfigFromEnvironmentAndErrors) {
  std::string conf = WriteConfig("bogus 1\n");
  FlagSet f = Declared();
  auto s = f.Parse({}, {{"LP_CONFIG", conf}});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("bogus"), std::string::npos);
  FlagSet g = Declared();
  EXPECT_FALSE(g.Parse({"-config=/nonexistent/baton.conf"}, {}).ok());
}

TEST(Flags, AliasesShareTheValue) {
  FlagSet f = Declared();
  ASSERT_TRUE(f.Parse({"-datadir=/tmp/x"}, {}).ok());
  EXPECT_EQ(f.GetString("dataDir"), "/tmp/x");
  EXPECT_EQ(FlagSet::EnvName("ethUrl"), "LP_ETHURL");
  EXPECT_EQ(FlagSet::EnvName("a-b.c/d"), "LP_A_B_C_D");
}

TEST(Flags, InterleavedLeavesWordsAndOtherFlagsInOrder) {
  FlagSet f;
  f.Define({"json", FlagKind::kBool, "false", ""});
  f.Define({"cli-addr", FlagKind::kString, "", ""});
  auto rest = f.ParseInterleaved(
      {"bond", "--amount", "5", "--json", "--cli-addr", "h:1", "--to=0xab", "x"});
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(*rest, (std::vector<std::string>{"bond", "--amount", "5", "--to=0xab", "x"}));
  EXPECT_TRUE(f.GetBool("json"));
  EXPECT_EQ(f.GetString("cli-addr"), "h:1");
  // The command line only, and a declared flag still needs its value.
  FlagSet g;
  g.Define({"cli-addr", FlagKind::kString, "", ""});
  EXPECT_FALSE(g.ParseInterleaved({"status", "--cli-addr"}).ok());
}

TEST(Flags, GoDurations) {
  EXPECT_DOUBLE_EQ(*FlagSet::ParseGoDuration("5m"), 300);
  EXPECT_DOUBLE_EQ(*FlagSet::ParseGoDuration("1h30m"), 5400);
  EXPECT_DOUBLE_EQ(*FlagSet::ParseGoDuration("500ms"), 0.5);
  EXPECT_FALSE(FlagSet::ParseGoDuration("5").ok());
  EXPECT_FALSE(FlagSet::ParseGoDuration("m").ok());
}

}  // namespace
}  // namespace baton
