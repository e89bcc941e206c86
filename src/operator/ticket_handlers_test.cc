#include "operator/ticket_handlers.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "common/hex.h"
#include "redeem/redeemer.h"

namespace baton::ops {
namespace {

using nlohmann::json;

pm::WinningTicket MakeTicket(char sender, char sig, uint64_t face) {
  pm::WinningTicket w;
  w.ticket.sender = crypto::Address::FromBytesGoStyle(std::string(20, sender));
  w.ticket.recipient = crypto::Address::FromBytesGoStyle(std::string(20, 'r'));
  w.ticket.face_value = crypto::U256(face);
  w.ticket.win_prob = crypto::U256(5);
  w.ticket.expiration.creation_round = 7;
  w.sig = std::string(65, sig);
  w.params_expiration_block = crypto::U256(100);
  w.manifest_id = "m";
  return w;
}

ParamLookup Params(std::map<std::string, std::string> values) {
  return [values](const std::string& name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
}

class OperatorHandlersTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string dir = testing::TempDir() + "/handlers-" + std::to_string(getpid()) + "-" +
                      testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ledger_ = std::move(*ledger::TicketLedger::Open(dir + "/lpdb.sqlite3", 1));
    for (const auto& w : {a1_, b1_, a2_}) ASSERT_TRUE(ledger_->Accept(w).ok());
    ASSERT_TRUE(ledger_->MarkSending(1).ok());
    ASSERT_TRUE(ledger_->MarkRedeemed(1, std::string(32, '\x11'), 42).ok());
    ASSERT_TRUE(ledger_->RecordWaiting(2, "sender has no deposit and no claimable reserve").ok());
  }

  json Get(std::map<std::string, std::string> params, int want_status = 200) {
    HandlerResponse r = TicketsHandler(*ledger_, Params(std::move(params)));
    EXPECT_EQ(r.status, want_status) << r.body;
    return json::parse(r.body);
  }

  pm::WinningTicket a1_ = MakeTicket('a', '1', 1000), b1_ = MakeTicket('b', '2', 20),
                    a2_ = MakeTicket('a', '3', 300);
  std::unique_ptr<ledger::TicketLedger> ledger_;
};

TEST_F(OperatorHandlersTest, TicketsListsCountsValuesAndEveryField) {
  json all = Get({});
  EXPECT_EQ(all["counts"]["total"], 3);
  EXPECT_EQ(all["counts"]["redeemed"], 1);
  EXPECT_EQ(all["counts"]["queued"], 2);
  EXPECT_EQ(all["faceValues"]["redeemed"], "1000");
  EXPECT_EQ(all["faceValues"]["queued"], "320");
  ASSERT_EQ(all["tickets"].size(), 3u);
  EXPECT_EQ(all["tickets"][0]["id"], 3);  // newest first
  const json& redeemed = all["tickets"][2];
  EXPECT_EQ(redeemed["state"], "redeemed");
  EXPECT_EQ(redeemed["sender"], a1_.ticket.sender.ChecksumHex());
  EXPECT_EQ(redeemed["faceValue"], "1000");
  EXPECT_EQ(redeemed["ticketHash"], HexEncode0x(a1_.ticket.Hash()));
  EXPECT_EQ(redeemed["sig"], HexEncode0x(a1_.sig));
  EXPECT_EQ(redeemed["txHash"], "0x" + std::string(64, '1'));
  EXPECT_EQ(redeemed["blockNumber"], 42);
  EXPECT_EQ(redeemed["attempts"], 1);
  EXPECT_GT(redeemed["settledAt"].get<int64_t>(), 0);
  EXPECT_EQ(all["tickets"][1]["reason"], "sender has no deposit and no claimable reserve");
}

TEST_F(OperatorHandlersTest, TicketsFilters) {
  EXPECT_EQ(Get({{"state", "queued"}})["tickets"].size(), 2u);
  EXPECT_EQ(Get({{"sender", a1_.ticket.sender.Hex()}})["tickets"].size(), 2u);
  json a_queued = Get({{"sender", a1_.ticket.sender.Hex()}, {"state", "queued"}});
  ASSERT_EQ(a_queued["tickets"].size(), 1u);
  EXPECT_EQ(a_queued["tickets"][0]["id"], 3);
  EXPECT_EQ(a_queued["counts"]["total"], 3);  // counts are always the whole ledger
  EXPECT_EQ(Get({{"limit", "1"}})["tickets"].size(), 1u);
  EXPECT_EQ(Get({{"state", "lost"}}, 400)["error"], "unknown state: lost");
  Get({{"limit", "-1"}}, 400);
  Get({{"sender", "0x12"}}, 400);
}

// Request text and gateway-chosen manifest ids are not always UTF-8; the JSON answer replaces
// what is not instead of throwing out of the handler.
TEST_F(OperatorHandlersTest, BytesThatAreNotUtf8AreAnsweredNotThrown) {
  EXPECT_EQ(Get({{"state", "\xff\xfe"}}, 400)["error"], "unknown state: \xef\xbf\xbd\xef\xbf\xbd");
  Get({{"limit", "99999999999999999999999"}}, 400);
  pm::WinningTicket odd = MakeTicket('c', '4', 5);
  odd.manifest_id = "\xc3\x28manifest";
  ASSERT_TRUE(ledger_->Accept(odd).ok());
  json all = Get({});
  EXPECT_EQ(all["tickets"].size(), 4u);
}

TEST_F(OperatorHandlersTest, RedeemTicketRefusalsNeedNoChain) {
  // No chain client: every answer here must come before the redeemer touches the chain.
  redeem::Redeemer redeemer(ledger_.get(), nullptr, nullptr, nullptr, nullptr, {});
  auto call = [&](std::map<std::string, std::string> p) {
    return RedeemTicketHandler(*ledger_, redeemer, Params(std::move(p)));
  };
  EXPECT_EQ(call({}).status, 400);
  EXPECT_EQ(call({{"id", "x1"}}).status, 400);
  EXPECT_EQ(call({{"sig", "0x1234"}}).status, 400);
  EXPECT_EQ(call({{"id", "99"}}).status, 404);
  EXPECT_EQ(call({{"sig", HexEncode0x(std::string(65, '9'))}}).status, 404);
  for (auto params : {std::map<std::string, std::string>{{"id", "1"}},
                      std::map<std::string, std::string>{{"sig", HexEncode0x(a1_.sig)}}}) {
    HandlerResponse r = call(params);
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(json::parse(r.body)["error"], "winning ticket 1 is already redeemed");
  }
}

}  // namespace
}  // namespace baton::ops
