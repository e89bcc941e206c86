// Sender: the gateway side of probabilistic micropayments, for Baton's own gateway tool and
// tests. From an orchestrator's OrchestratorInfo it makes a net::Payment with as many tickets
// as the expected fee needs, each personal-signed with the gateway key, with sender nonces
// increasing per recipientRandHash starting at 1 (go-livepeer pm/sender.go).
//
// Thread-safe: nonce counters are guarded by a mutex, so concurrent payments to the same
// params never reuse a nonce.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "crypto/secp256k1.h"
#include "lp_rpc.pb.h"
#include "pm/rational.h"

namespace baton::pm {

class Sender {
 public:
  explicit Sender(crypto::PrivateKey key) : key_(std::move(key)) {}

  const crypto::Address& address() const { return address_; }

  // A Payment for `expected_fee` wei against `info` (its ticket_params and price_info):
  // ceil(fee / ticket EV) tickets, at least one. Without ticket_params (a free orchestrator)
  // the Payment carries only the sender and the expected price.
  absl::StatusOr<net::Payment> CreatePayment(const net::OrchestratorInfo& info,
                                             const Rat& expected_fee);
  // Exactly `count` tickets. With 0 the Payment carries only the sender and the expected
  // price, no ticket_params, as a go-livepeer gateway sends when its credit with the session
  // covers the segment (server/segment_rpc.go genPayment).
  absl::StatusOr<net::Payment> CreatePaymentWithTickets(const net::OrchestratorInfo& info,
                                                        int count);
  // How many tickets of `ev` cover `gap` wei: ceil(gap / ev), 0 when gap ≤ 0 (go-livepeer
  // core/accounting.go StageUpdate). Fails when it would take more than 100,000 tickets.
  static absl::StatusOr<int> TicketsFor(const Rat& gap, const Rat& ev);

 private:
  uint32_t NextNonce(const std::string& recipient_rand_hash);

  crypto::PrivateKey key_;
  crypto::Address address_ = key_.address();
  std::mutex mu_;
  std::map<std::string, uint32_t> nonces_;  // by recipientRandHash
};

}  // namespace baton::pm
