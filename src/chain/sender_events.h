// Which senders' TicketBroker state changed in a range of blocks, read from the broker's logs
// (the events of eth::contracts::SenderEventTopics: deposits, reserves, claims, winning ticket
// transfers, unlocks, withdrawals), as go-livepeer's eth/watchers/senderwatcher.go follows them.
//
// The chain watcher forgets what it cached for these senders so that the next read goes to the
// chain at once: the eth_calls stay the source of truth, the events only say when a cached
// answer went stale. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <set>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "eth/eth_client.h"

namespace baton::chain {

// The senders named by sender events of `broker` in blocks [from_block, to_block] (one
// eth_getLogs). A log that does not decode is an error naming its block and transaction: the
// caller cannot tell whom it concerned and should forget every sender.
absl::StatusOr<std::set<crypto::Address>> SendersChangedIn(const eth::EthClient& client,
                                                           const crypto::Address& broker,
                                                           uint64_t from_block, uint64_t to_block);

}  // namespace baton::chain
