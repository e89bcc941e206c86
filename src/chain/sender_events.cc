#include "chain/sender_events.h"

#include "absl/strings/str_cat.h"
#include "common/hex.h"
#include "eth/contracts.h"

namespace baton::chain {

absl::StatusOr<std::set<crypto::Address>> SendersChangedIn(const eth::EthClient& client,
                                                           const crypto::Address& broker,
                                                           uint64_t from_block, uint64_t to_block) {
  eth::LogFilter filter;
  filter.from_block = from_block;
  filter.to_block = to_block;
  filter.addresses = {broker};
  filter.topics = {eth::contracts::SenderEventTopics()};
  auto logs = client.GetLogs(filter);
  if (!logs.ok()) return logs.status();
  std::set<crypto::Address> senders;
  for (const auto& log : *logs) {
    auto event = eth::contracts::DecodeSenderEvent(log);
    if (!event.ok())
      return absl::DataLossError(absl::StrCat("TicketBroker log in block ", log.block_number,
                                              " (tx ", HexEncode0x(log.tx_hash),
                                              "): ", event.status().message()));
    senders.insert(event->sender);
  }
  return senders;
}

}  // namespace baton::chain
