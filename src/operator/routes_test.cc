#include "operator/routes.h"

#include <gtest/gtest.h>

#include <set>

#include "net/router.h"
#include "operator/access_guard.h"
#include "operator/form_params.h"
#include "operator/operator_api.h"
#include "operator/operator_chain_api.h"
#include "operator/settings_api.h"

namespace baton::ops {
namespace {

TEST(OperatorRoutes, EveryRouteIsDescribedOnceWithItsAnswer) {
  std::set<std::string> paths;
  for (const auto& r : OperatorRoutes()) {
    EXPECT_TRUE(paths.insert(r.path).second) << r.path;
    EXPECT_FALSE(r.content_type.empty()) << r.path;
    EXPECT_FALSE(r.answer.empty()) << r.path;
  }
  EXPECT_EQ(OperatorRoute("/redeemTicket").methods, std::vector<std::string>{"POST"});
  EXPECT_TRUE(OperatorRoute("/status").methods.empty());
  EXPECT_EQ(OperatorRoute("/activateOrchestrator").params.size(), 8u);
  // livepeer_cli sends its reward as a GET.
  EXPECT_EQ(OperatorRoute("/reward").methods, (std::vector<std::string>{"GET", "POST"}));
  // Every write is a POST.
  for (const char* path :
       {"/bond", "/unbond", "/rebond", "/withdrawStake", "/withdrawFees", "/claimEarnings",
        "/transferTokens", "/setOrchestratorConfig", "/setPriceForBroadcaster", "/setMaxFaceValue",
        "/setLogLevel", "/setMaxGasPrice", "/setMinGasPrice", "/signMessage"})
    EXPECT_EQ(OperatorRoute(path).methods, std::vector<std::string>{"POST"}) << path;
}

TEST(OperatorRoutes, FormParamsFromTheQueryOfAGetOrTheBodyOfAPost) {
  http::HttpRequest r;
  r.method = "GET";
  r.query = "id=7&x=1";
  r.body = "sig=0xab";
  EXPECT_EQ(FormParam(r, "id"), "7");
  EXPECT_EQ(FormParam(r, "sig"), "");
  r.method = "POST";
  r.headers.Add("content-type", "application/x-www-form-urlencoded");
  EXPECT_EQ(FormParam(r, "id"), "");
  EXPECT_EQ(FormParam(r, "sig"), "0xab");
  EXPECT_EQ(FormParam(r, "missing"), "");
}

// Every route of the table is served, on chain and offchain (where the chain's answer 500
// "missing ETH client"), and with the table's first method; /metrics only with -monitor.
TEST(OperatorRoutes, EveryDescribedRouteIsRegistered) {
  for (bool onchain : {true, false}) {
    http::Router router;
    OperatorState state;  // handlers only capture it here
    RegisterOperatorApi(state, router);
    RegisterOperatorSettings({}, router);
    if (onchain) {
      RegisterOperatorChainApi({}, router);
    } else {
      RegisterOffchainChainStubs(router);
    }
    for (const auto& route : OperatorRoutes()) {
      if (route.when == "monitor") continue;
      http::HttpRequest head;
      head.method = route.methods.empty() ? "GET" : route.methods.front();
      head.path = route.path;
      auto rejection = router.CheckHead(head);
      EXPECT_FALSE(rejection.has_value())
          << route.path << (onchain ? " on chain: " : " offchain: ") << rejection->status;
    }
  }
}

// The access guard covers every route, whoever registered it: a foreign Origin is refused
// before routing, a matching Host without one passes, and a POST's form is bounded.
TEST(OperatorRoutes, TheAccessGuardCoversEveryRoute) {
  for (bool onchain : {true, false}) {
    http::Router router;
    auto access = InstallOperatorAccess("127.0.0.1", 7935, /*require_token=*/false, "", router);
    ASSERT_TRUE(access.ok()) << access.status();
    OperatorState state;
    RegisterOperatorApi(state, router);
    RegisterOperatorSettings({}, router);
    if (onchain) {
      RegisterOperatorChainApi({}, router);
    } else {
      RegisterOffchainChainStubs(router);
    }
    router.SetDefaultMaxBody(kMaxFormBodyBytes);  // as the operator server sets it
    for (const auto& route : OperatorRoutes()) {
      if (route.when == "monitor") continue;
      const std::string method = route.methods.empty() ? "GET" : route.methods.front();
      http::HttpRequest foreign;
      foreign.method = method;
      foreign.path = route.path;
      foreign.headers.Add("host", "127.0.0.1:7935");
      foreign.headers.Add("origin", "http://evil.example");
      auto refused = router.CheckHead(foreign);
      ASSERT_TRUE(refused.has_value()) << route.path;
      EXPECT_EQ(refused->status, 403) << route.path;
      http::HttpRequest own;
      own.method = method;
      own.path = route.path;
      own.headers.Add("host", "127.0.0.1:7935");
      EXPECT_FALSE(router.CheckHead(own).has_value()) << route.path;
      EXPECT_LE(router.MaxBody(own), kMaxFormBodyBytes) << route.path;
    }
  }
}

}  // namespace
}  // namespace baton::ops
