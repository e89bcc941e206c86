// The TicketBroker sender events (eth::contracts::SenderEventTopics / DecodeSenderEvent) that
// SendersChangedIn reads: topic0 values checked against doc/pm.md 4.2, and hand-made logs decoded.
#include "chain/sender_events.h"

#include <gtest/gtest.h>

#include <string>

#include "common/hex.h"
#include "eth/contracts.h"

namespace baton::chain {
namespace {

std::string Word(std::string_view hex) {
  std::string bytes = *HexDecode(hex);
  return std::string(32 - bytes.size(), '\0') + bytes;
}

const std::string kSender = "70997970c51812dc3a010c7d01b50e0d17dc79c8";
const std::string kRecipient = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266";

TEST(SenderEventsTest, TopicsAreTheTicketBrokerEventsOfThePmSpec) {
  // doc/pm.md 4.2, first 8 bytes of each topic0.
  std::vector<std::string> prefixes;
  for (const auto& topic : eth::contracts::SenderEventTopics())
    prefixes.push_back(HexEncode(topic.substr(0, 8)));
  EXPECT_EQ(prefixes,
            (std::vector<std::string>{"5159e237d952190e", "b52b99b9e83551fc", "5c2b394723f408a4",
                                      "8b87351a208c06e3", "f7870c5b224cbc19", "fa044b7b93a40365",
                                      "df273cb619d95419"}));
}

TEST(SenderEventsTest, DecodesTheSenderOfEachEvent) {
  const auto& topics = eth::contracts::SenderEventTopics();
  eth::Log deposit;
  deposit.topics = {topics[0], Word(kSender)};
  deposit.data = Word("0de0b6b3a7640000");
  auto event = eth::contracts::DecodeSenderEvent(deposit);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, "DepositFunded");
  EXPECT_EQ(event->sender.Hex(), "0x" + kSender);

  eth::Log claimed;  // ReserveClaimed: the claimant is in the data, the holder indexed
  claimed.topics = {topics[2], Word(kSender)};
  claimed.data = Word(kRecipient) + Word("01");
  event = eth::contracts::DecodeSenderEvent(claimed);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, "ReserveClaimed");
  EXPECT_EQ(event->sender.Hex(), "0x" + kSender);

  eth::Log transfer;  // WinningTicketTransfer: sender then recipient, both indexed
  transfer.topics = {topics[3], Word(kSender), Word(kRecipient)};
  transfer.data = Word("05");
  event = eth::contracts::DecodeSenderEvent(transfer);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, "WinningTicketTransfer");
  EXPECT_EQ(event->sender.Hex(), "0x" + kSender);

  eth::Log cancelled;
  cancelled.topics = {topics[5], Word(kSender)};
  event = eth::contracts::DecodeSenderEvent(cancelled);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, "UnlockCancelled");
}

TEST(SenderEventsTest, MalformedOrForeignLogsAreErrors) {
  const auto& topics = eth::contracts::SenderEventTopics();
  eth::Log log;
  EXPECT_FALSE(eth::contracts::DecodeSenderEvent(log).ok());  // no topics
  log.topics = {Word("01"), Word(kSender)};
  EXPECT_FALSE(eth::contracts::DecodeSenderEvent(log).ok());  // another event
  log.topics = {topics[0]};
  log.data = Word("01");
  EXPECT_FALSE(eth::contracts::DecodeSenderEvent(log).ok());  // sender topic missing
  log.topics = {topics[0], Word(kSender)};
  log.data = "short";
  EXPECT_FALSE(eth::contracts::DecodeSenderEvent(log).ok());  // amount missing
  log.topics = {topics[0], std::string(12, '\xff') + Word(kSender).substr(12)};
  log.data = Word("01");
  EXPECT_FALSE(eth::contracts::DecodeSenderEvent(log).ok());  // not an address word
}

}  // namespace
}  // namespace baton::chain
