#include "cli/commands.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/answer_text.h"

namespace baton::cli {
namespace {

TEST(CliMenu, HasLivepeerClisItemsInItsOrder) {
  const auto items = Menu(false);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"1", "Get node status"},
      {"2", "View protocol parameters"},
      {"3", "List registered orchestrators"},
      {"4", "Invoke \"initialize round\""},
      {"5", "Invoke \"bond\""},
      {"6", "Invoke \"unbond\""},
      {"7", "Invoke \"rebond\""},
      {"8", "Invoke \"withdraw stake\" (LPT)"},
      {"9", "Invoke \"withdraw fees\" (ETH)"},
      {"10", "Invoke \"transfer\" (LPT)"},
      {"11", "Invoke \"reward\""},
      {"12", "Invoke multi-step \"become an orchestrator\""},
      {"13", "Set orchestrator config"},
      {"14", "Set maximum Ethereum gas price"},
      {"15", "Set minimum Ethereum gas price"},
      {"16", "Sign a message"},
      {"17", "Sign typed data"},
      {"18", "Vote in a governance poll"},
      {"19", "Vote on a treasury proposal"},
      {"20", "Set max ticket face value"},
      {"21", "Set price for broadcaster"},
      {"22", "Set maximum sessions"},
      {"23", "Exit"},
      {"t", "List winning tickets"},
      {"r", "Redeem a winning ticket now"},
      {"e", "Earnings per round"}};
  ASSERT_EQ(items.size(), expected.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].key, expected[i].first);
    EXPECT_EQ(items[i].label, expected[i].second);
  }
}

TEST(CliMenu, TestnetsInsertTheFaucetItemsAfterItem15) {
  const auto items = Menu(true);
  EXPECT_EQ(items[15].label, "Get test LPT");
  EXPECT_EQ(items[16].label, "Get test ETH");
  EXPECT_EQ(items[17].key, "18");
  EXPECT_EQ(items[17].label, "Sign a message");
  EXPECT_EQ(items[24].label, "Exit");
}

TEST(CliOptions, ParsesBothFormsAndNamesTheProblem) {
  const Command* c = FindCommand("set-price");
  ASSERT_NE(c, nullptr);
  Values v;
  EXPECT_FALSE(ParseOptions(*c, {"--per-unit", "1000", "-pixels-per-unit=2"}, &v));
  EXPECT_EQ(v["per-unit"], "1000");
  EXPECT_EQ(v["pixels-per-unit"], "2");
  EXPECT_EQ(*ParseOptions(*c, {"--nope", "1"}, &v), "unknown option --nope for set-price");
  EXPECT_NE(ParseOptions(*c, {"--per-unit"}, &v)->find("needs an argument"), std::string::npos);
  EXPECT_NE(ParseOptions(*c, {"1000"}, &v)->find("unexpected argument"), std::string::npos);
  // --force is a switch.
  const Command* reward = FindCommand("reward");
  ASSERT_NE(reward, nullptr);
  Values forced;
  EXPECT_FALSE(ParseOptions(*reward, {"--force"}, &forced));
  EXPECT_EQ(forced["force"], "yes");
  Values not_forced;
  EXPECT_FALSE(ParseOptions(*reward, {"--force=false"}, &not_forced));
  EXPECT_EQ(not_forced.count("force"), 0u);
}

TEST(CliOptions, EveryCommandHasHelpAndARun) {
  for (const auto& c : Commands()) {
    EXPECT_FALSE(c.help.empty()) << c.name;
    EXPECT_TRUE(c.run) << c.name;
    EXPECT_NE(UsageText().find(c.name), std::string::npos) << c.name;
  }
}

TEST(CliForm, EncodesAsGoUrlValues) {
  EXPECT_EQ(FormEncode({{"serviceURI", "https://a.b:8935"}, {"message", "hi there&x"}}),
            "serviceURI=https%3A%2F%2Fa.b%3A8935&message=hi+there%26x");
}

TEST(CliExplain, SaysWhatToDoNext) {
  OperatorEndpoint e;
  EXPECT_NE(Explain(e, "/status", absl::UnavailableError("refused")).find("--cli-addr"),
            std::string::npos);
  EXPECT_NE(Explain(e, "/status", Reply{401, "", ""}).find("--datadir"), std::string::npos);
  EXPECT_NE(Explain(e, "/reward", Reply{500, "missing ETH client\n", ""}).find("-network"),
            std::string::npos);
  EXPECT_NE(Explain(e, "/metrics", Reply{404, "", ""}).find("-monitor"), std::string::npos);
  EXPECT_EQ(Explain(e, "/status", Reply{200, "{}", ""}), "");
}

TEST(CliText, BigIntegersStayExact) {
  EXPECT_EQ(QuoteBigIntegers(R"({"a":2000000000000000000000,"b":12,"c":"9999999999999999999",)"
                             R"("d":[-123456789012345678,1.5e30,"x\"1234567890123456789"]})"),
            R"({"a":"2000000000000000000000","b":12,"c":"9999999999999999999",)"
            R"("d":["-123456789012345678",1.5e30,"x\"1234567890123456789"]})");
  auto j = nlohmann::json::parse(QuoteBigIntegers(R"({"Stake":2000000000000000000001})"));
  EXPECT_EQ(HumanText(j), "Stake  2000000000000000000001\n");
}

TEST(CliText, TicketsAsColumns) {
  auto j = nlohmann::json::parse(R"({"counts":{"queued":1,"submitted":0,"redeemed":0,
      "failed":0,"expired":0,"total":1},"faceValues":{"queued":"5","submitted":"0",
      "redeemed":"0","failed":"0","expired":"0"},"tickets":[{"id":7,"state":"queued",
      "sender":"0xab","faceValue":"5","creationRound":3,"reason":"gas too high"}]})");
  const std::string text = TicketsText(j);
  EXPECT_NE(text.find("queued    1     5"), std::string::npos) << text;
  EXPECT_NE(text.find("gas too high"), std::string::npos) << text;
}

TEST(CliMenuSession, TypedAnswersDriveAnAction) {
  // The menu against a node that is not there: the stats screen fails, the loop ends at once.
  OperatorEndpoint e;
  e.port = 1;
  OperatorClient client(e);
  std::istringstream in("23\n");
  std::ostringstream out, err;
  Session s(client, in, out, err, false, false);
  EXPECT_EQ(RunMenu(s), kExitUnreachable);
  EXPECT_NE(err.str().find("Is baton running?"), std::string::npos);
}

}  // namespace
}  // namespace baton::cli
