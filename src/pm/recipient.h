// Recipient: the orchestrator side of probabilistic micropayments (doc/pm.md section 2).
//
// It advertises TicketParams (face value, win probability, expiration, and a commitment to a
// recipientRand derived by HMAC from a per-process secret, so no per-params state is kept),
// checks received tickets exactly as go-livepeer does (same order, error texts and fatal/
// non-fatal classes), credits accepted tickets to Balances and hands winners to a
// WinningTicketSink synchronously.
//
// Chain state comes only through ChainFacts. The Recipient does no I/O and owns no thread; it
// borrows `chain`, `sink` and `balances`, which must outlive it. Thread-safe: any number of
// connection threads may call every method concurrently.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/uint256.h"
#include "lp_rpc.pb.h"
#include "pm/balances.h"
#include "pm/chain_facts.h"
#include "pm/nonce_tracker.h"
#include "pm/payment_decoder.h"
#include "pm/rational.h"
#include "pm/ticket.h"
#include "pm/winning_ticket_sink.h"

namespace baton::pm {

struct RecipientConfig {
  crypto::Address address;  // the orchestrator's (ticket recipient's) address
  // 32 bytes for the recipientRand HMAC; empty draws one from the CSPRNG (the normal case:
  // once per process, never stored). Tests pass a fixed one.
  std::string secret;
  crypto::U256 ticket_ev = 8000000000;  // -ticketEV
  crypto::U256 max_face_value = 0;      // -maxFaceValue; 0 means no cap
  uint64_t redeem_gas = 350000;         // 1,200,000 on arbitrum-one-mainnet
};

// Blocks between the last seen L1 block and the advertised params' expiration.
inline constexpr uint64_t kParamsExpirationBlocks = 40;
// go-livepeer's hard-coded "average" gas price for the face-value sanity check (3 gwei).
inline constexpr uint64_t kAvgGasPriceWei = 3000000000;

// One ticket as a Payment presents it: shared params plus this ticket's nonce and signature.
struct ReceivedTicket {
  const ReceivedTicketParams& params;
  const crypto::Address& sender;
  const TicketExpiration& expiration;
  const Rat& price;  // the payment's expected price
  uint32_t sender_nonce;
  std::string_view sig;
};

struct ReceiveResult {
  absl::Status status;  // OK, or go-livepeer's error text
  bool fatal = false;   // a fatal error aborts the whole payment
  bool won = false;     // meaningful even with a non-fatal error
  Ticket ticket;        // as reconstructed from the payment
  crypto::U256 recipient_rand = 0;
};

struct PaymentOutcome {
  // What the HTTP handler answers: 400 with this text on error, except kUnavailable (a winning
  // ticket could not be stored), which is the node's fault and answered 503.
  absl::Status status;
  Rat credited = 0;  // total EV credited by this payment
  int tickets_credited = 0;
  int winners = 0;
  // The payment carried no ticket (with or without ticket_params): a gateway spending credit
  // it already has with this session.
  bool ticketless = false;
  // The first error the WinningTicketSink returned, if any. It fails the whole payment
  // (status kUnavailable) and nothing of that payment is credited.
  absl::Status sink_status;
};

class Recipient {
 public:
  Recipient(RecipientConfig config, const ChainFacts& chain, WinningTicketSink& sink,
            Balances& balances);

  const crypto::Address& address() const { return config_.address; }
  const crypto::U256& ticket_ev() const { return config_.ticket_ev; }
  Rat ticket_ev_rat() const { return Rat(ToBigInt(config_.ticket_ev)); }
  // The operator port's /setMaxFaceValue: caps the face value of tickets quoted from now on
  // (0 = no cap). Thread-safe.
  void SetMaxFaceValue(const crypto::U256& max);
  crypto::U256 max_face_value() const;

  // Fresh TicketParams for `sender` quoted at `price` (wei per pixel), for every
  // OrchestratorInfo (GetOrchestrator, job responses, refresh). Fails with
  // "insufficient sender reserve" when the sender cannot cover a useful face value.
  absl::StatusOr<net::TicketParams> TicketParams(const crypto::Address& sender, const Rat& price);

  // faceValue(sender) / txCost, or 0 when the gas price is unknown (for -autoAdjustPrice).
  absl::StatusOr<Rat> TxCostMultiplier(const crypto::Address& sender) const;

  // Checks one ticket (doc/pm.md 2.3). Does not credit or queue it; ProcessPayment does.
  ReceiveResult ReceiveTicket(const ReceivedTicket& ticket);

  // doc/pm.md 2.4 for one Payment of session `manifest`, with Baton's rules where go-livepeer
  // would work unpaid (pm/payment_admission.h adds the balance check):
  // - Tickets are received in order; EV is credited until the first error; winners go to the
  //   sink. A winner the sink cannot store fails the payment (kUnavailable) and nothing of
  //   the payment is credited.
  // - The session's fixed price is pinned from expected_price only once a ticket of the
  //   payment was accepted: the recipientRand commitment binds that price to params this node
  //   issued, so a price quoted earlier stays good until those params expire.
  // - A payment without tickets binds nothing: at a session with a pinned price, its
  //   expected_price must be that price; at a session without one it pins 0 only if the node
  //   quotes 0 (`quoted`, the price this node quotes the session now), and otherwise does
  //   nothing (the balance check then refuses the work).
  PaymentOutcome ProcessPayment(const net::Payment& payment, std::string_view manifest,
                                const Rat& quoted);
  // The same at a node that charges (any quote above zero): for fuzzing and benchmarks.
  PaymentOutcome ProcessPayment(const net::Payment& payment, std::string_view manifest) {
    return ProcessPayment(payment, manifest, Rat(1));
  }

  // Forget nonces of params that expired at or before `block`; call on each new L1 block.
  void OnNewL1Block(const crypto::U256& block) { nonces_.Prune(block); }

  // The HMAC input of doc/pm.md 2.1, exposed for cross-checks.
  std::string RecipientRandMessage(const WireUint& seed, const crypto::Address& sender,
                                   const WireUint& face_value, const WireUint& win_prob,
                                   const WireUint& expiration_block, const Rat& price,
                                   const TicketExpiration& expiration) const;
  crypto::U256 RecipientRand(const WireUint& seed, const crypto::Address& sender,
                             const WireUint& face_value, const WireUint& win_prob,
                             const WireUint& expiration_block, const Rat& price,
                             const TicketExpiration& expiration) const;

 private:
  absl::StatusOr<crypto::U256> FaceValue(const crypto::Address& sender) const;
  crypto::U256 TxCost(const crypto::U256& gas_price) const;
  crypto::U256 WinProb(const crypto::U256& face_value) const;
  TicketExpiration CurrentExpiration() const;
  absl::Status ValidateSender(const crypto::Address& sender) const;
  PaymentOutcome ProcessTicketless(const DecodedPayment& payment, std::string_view manifest,
                                   const Rat& quoted);

  RecipientConfig config_;  // max_face_value guarded by max_face_mu_
  mutable std::mutex max_face_mu_;
  const ChainFacts& chain_;
  WinningTicketSink& sink_;
  Balances& balances_;
  NonceTracker nonces_;
};

}  // namespace baton::pm
