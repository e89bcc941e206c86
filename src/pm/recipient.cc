#include "pm/recipient.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "crypto/eth_sign.h"
#include "crypto/hmac.h"
#include "crypto/keccak.h"

namespace baton::pm {
namespace {

using crypto::U256;

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();  // no randomness: nothing safe to advertise
  }
  return out;
}

bool IsAllZero(std::string_view bytes) {
  return bytes.find_first_not_of('\0') == std::string_view::npos;
}

ReceiveResult Fail(ReceiveResult result, absl::Status status, bool fatal) {
  result.status = std::move(status);
  result.fatal = fatal;
  return result;
}

}  // namespace

Recipient::Recipient(RecipientConfig config, const ChainFacts& chain, WinningTicketSink& sink,
                     Balances& balances)
    : config_(std::move(config)), chain_(chain), sink_(sink), balances_(balances) {
  if (config_.secret.empty()) config_.secret = RandomBytes(32);
}

std::string Recipient::RecipientRandMessage(const WireUint& seed, const crypto::Address& sender,
                                            const WireUint& face_value, const WireUint& win_prob,
                                            const WireUint& expiration_block, const Rat& price,
                                            const TicketExpiration& expiration) const {
  std::string msg;
  msg.reserve(32 * 4 + 20 + 16 + 64);
  msg.append(seed.minimal)
      .append(sender.bytes())
      .append(face_value.minimal)
      .append(win_prob.minimal)
      .append(expiration_block.minimal)
      .append(MinimalBytes(boost::multiprecision::numerator(price)))
      .append(MinimalBytes(boost::multiprecision::denominator(price)))
      .append(expiration.AuxData());
  return msg;
}

U256 Recipient::RecipientRand(const WireUint& seed, const crypto::Address& sender,
                              const WireUint& face_value, const WireUint& win_prob,
                              const WireUint& expiration_block, const Rat& price,
                              const TicketExpiration& expiration) const {
  return crypto::U256FromBigEndian(crypto::HmacSha256(
      config_.secret, RecipientRandMessage(seed, sender, face_value, win_prob, expiration_block,
                                           price, expiration)));
}

void Recipient::SetMaxFaceValue(const U256& max) {
  std::lock_guard lock(max_face_mu_);
  config_.max_face_value = max;
}

U256 Recipient::max_face_value() const {
  std::lock_guard lock(max_face_mu_);
  return config_.max_face_value;
}

U256 Recipient::TxCost(const U256& gas_price) const { return gas_price * config_.redeem_gas; }

absl::StatusOr<U256> Recipient::FaceValue(const crypto::Address& sender) const {
  const U256 tx_cost = TxCost(chain_.GasPrice().value_or(0));
  U256 face_value = tx_cost * 100;
  if (face_value < config_.ticket_ev) face_value = config_.ticket_ev * 100;
  absl::StatusOr<U256> max_float = chain_.MaxFloat(sender);
  if (!max_float.ok()) return max_float.status();
  if (face_value > *max_float) face_value = *max_float;
  const U256 max_face = max_face_value();
  if (max_face > 0 && face_value > max_face) face_value = max_face;
  const absl::Status insufficient = absl::FailedPreconditionError("insufficient sender reserve");
  if (face_value < config_.ticket_ev) return insufficient;
  if (face_value < tx_cost && face_value < TxCost(kAvgGasPriceWei)) return insufficient;
  return face_value;
}

U256 Recipient::WinProb(const U256& face_value) const {
  if (face_value == 0) return 0;
  if (face_value == config_.ticket_ev) return MaxWinProb();
  U256 quotient = MaxWinProb() / face_value;
  U256 remainder = MaxWinProb() % face_value;
  // Go tests r.Int64() != 0, i.e. only the low 64 bits of the remainder.
  if (static_cast<uint64_t>(remainder & U256(UINT64_MAX)) != 0) quotient += 1;
  return config_.ticket_ev * quotient;
}

TicketExpiration Recipient::CurrentExpiration() const {
  TicketExpiration expiration;
  expiration.creation_round = chain_.LastInitializedRound();
  expiration.creation_round_block_hash = chain_.BlockHashForRound(expiration.creation_round);
  if (IsAllZero(expiration.creation_round_block_hash)) {
    // Arbitrum sometimes records a zero hash; go-livepeer falls back to the previous round.
    expiration.creation_round -= 1;
    expiration.creation_round_block_hash = chain_.BlockHashForRound(expiration.creation_round);
  }
  return expiration;
}

absl::StatusOr<net::TicketParams> Recipient::TicketParams(const crypto::Address& sender,
                                                          const Rat& price) {
  WireUint seed = WireUint::FromBytes(RandomBytes(32));
  U256 face_value = 0;
  if (price > 0) {
    absl::StatusOr<U256> fv = FaceValue(sender);
    if (!fv.ok()) return fv.status();
    face_value = *fv;
  }
  WireUint expiration_block =
      WireUint::FromU256(chain_.LastSeenL1Block() + kParamsExpirationBlocks);
  WireUint fv = WireUint::FromU256(face_value);
  WireUint win_prob = WireUint::FromU256(WinProb(face_value));
  TicketExpiration expiration = CurrentExpiration();
  U256 rand = RecipientRand(seed, sender, fv, win_prob, expiration_block, price, expiration);

  net::TicketParams out;
  out.set_recipient(config_.address.bytes());
  out.set_face_value(fv.minimal);
  out.set_win_prob(win_prob.minimal);
  out.set_recipient_rand_hash(RecipientRandHash(rand));
  out.set_seed(seed.minimal);
  out.set_expiration_block(expiration_block.minimal);
  out.mutable_expiration_params()->set_creation_round(expiration.creation_round);
  // Go sends Hash.Bytes(): always the full 32 bytes.
  out.mutable_expiration_params()->set_creation_round_block_hash(
      expiration.creation_round_block_hash);
  return out;
}

absl::StatusOr<Rat> Recipient::TxCostMultiplier(const crypto::Address& sender) const {
  absl::StatusOr<U256> face_value = FaceValue(sender);
  if (!face_value.ok()) return face_value.status();
  U256 tx_cost = TxCost(chain_.GasPrice().value_or(0));
  if (tx_cost == 0) return Rat(0);
  return Rat(ToBigInt(*face_value), ToBigInt(tx_cost));
}

absl::Status Recipient::ValidateSender(const crypto::Address& sender) const {
  absl::StatusOr<SenderInfo> info = chain_.GetSenderInfo(sender);
  if (!info.ok()) {
    return absl::FailedPreconditionError("could not get sender info for " + sender.ChecksumHex() +
                                         ": " + std::string(info.status().message()));
  }
  // withdrawRound ≤ lastInitializedRound + 1, in U256 (no allocation on the ticket path).
  const int64_t round = chain_.LastInitializedRound();
  // A negative round can never reach a nonzero withdrawRound.
  const bool unlocking_soon = info->withdraw_round != 0 && round >= 0 &&
                              info->withdraw_round <= U256(static_cast<uint64_t>(round)) + 1;
  if (unlocking_soon) {
    return absl::FailedPreconditionError("deposit and reserve for sender " + sender.ChecksumHex() +
                                         " is set to unlock soon");
  }
  return absl::OkStatus();
}

ReceiveResult Recipient::ReceiveTicket(const ReceivedTicket& in) {
  ReceiveResult result;
  Ticket& ticket = result.ticket;
  ticket.recipient = in.params.recipient;
  ticket.sender = in.sender;
  ticket.face_value = in.params.face_value.value;
  ticket.win_prob = in.params.win_prob.value;
  ticket.sender_nonce = in.sender_nonce;
  ticket.recipient_rand_hash = in.params.recipient_rand_hash;
  ticket.expiration = in.expiration;
  result.recipient_rand =
      RecipientRand(in.params.seed, in.sender, in.params.face_value, in.params.win_prob,
                    in.params.expiration_block, in.price, in.expiration);

  // 1-4: fatal checks, in go-livepeer's order.
  if (absl::Status s = ValidateSender(in.sender); !s.ok()) return Fail(result, s, true);
  if (ticket.recipient != config_.address) {
    return Fail(result, absl::InvalidArgumentError("invalid ticket recipient"), true);
  }
  if (ticket.sender.IsZero()) {
    return Fail(result, absl::InvalidArgumentError("invalid ticket sender"), true);
  }
  const std::string rand32 = crypto::U256ToBE32(result.recipient_rand);
  unsigned char rand_hash[32];
  crypto::Keccak256Into(rand32, rand_hash);
  if (!crypto::ConstantTimeEquals(std::string_view(reinterpret_cast<const char*>(rand_hash), 32),
                                  ticket.recipient_rand_hash)) {
    return Fail(result,
                absl::InvalidArgumentError("invalid recipientRand for ticket recipientRandHash"),
                true);
  }
  // 5: the signature (non-fatal).
  unsigned char ticket_hash[32];
  ticket.HashInto(ticket_hash);
  absl::StatusOr<crypto::Address> signer = crypto::RecoverPersonalSigner(
      std::string_view(reinterpret_cast<const char*>(ticket_hash), 32), in.sig);
  if (!signer.ok() || *signer != ticket.sender) {
    return Fail(result, absl::InvalidArgumentError("invalid ticket signature"), false);
  }
  // 6-8: the win is decided before the replay and expiry checks, which do not undo it.
  result.won = IsWinningTicket(in.sig, result.recipient_rand, ticket.win_prob);
  switch (nonces_.Record(rand32, ticket.sender_nonce, in.params.expiration_block.value)) {
    case NonceTracker::Result::kAccepted:
      break;
    case NonceTracker::Result::kAlreadySeen:
      return Fail(result,
                  absl::InvalidArgumentError("invalid ticket senderNonce: already seen sender=" +
                                             ticket.sender.ChecksumHex() +
                                             " nonce=" + std::to_string(ticket.sender_nonce)),
                  false);
    case NonceTracker::Result::kTooMany:
      return Fail(result,
                  absl::InvalidArgumentError("invalid ticket senderNonce: too many values sender=" +
                                             ticket.sender.ChecksumHex() +
                                             " nonce=" + std::to_string(ticket.sender_nonce)),
                  false);
  }
  if (in.params.expiration_block.value <= chain_.LastSeenL1Block()) {
    return Fail(result, absl::InvalidArgumentError("TicketParams expired"), false);
  }
  return result;
}

PaymentOutcome Recipient::ProcessTicketless(const DecodedPayment& payment,
                                            std::string_view manifest, const Rat& quoted) {
  PaymentOutcome outcome;
  outcome.ticketless = true;
  std::optional<Rat> pinned = balances_.FixedPrice(payment.sender, manifest);
  if (!pinned) {
    // go-livepeer pins 0 here whatever the node charges: a free session for anyone who asks.
    // Only a node that quotes 0 gives one; elsewhere nothing has paid for this session yet,
    // so nothing is pinned and the balance check refuses the work.
    if (quoted == 0) balances_.SetFixedPriceIfUnset(payment.sender, manifest, Rat(0));
    return outcome;
  }
  // Nothing binds a ticketless payment's price, so it must be the session's: the price every
  // refreshed OrchestratorInfo of the session quotes, which an honest gateway sends back.
  Rat claimed = 0;
  if (payment.expected_price) {
    absl::StatusOr<Rat> price = PriceInfoToRat(*payment.expected_price);
    if (!price.ok()) {
      outcome.status =
          absl::InvalidArgumentError("invalid expected price sent with payment err=\"" +
                                     std::string(price.status().message()) + "\"");
      return outcome;
    }
    claimed = *price;
  }
  if (claimed != *pinned) {
    outcome.status = absl::InvalidArgumentError(
        "invalid expected price sent with payment err=\"expected price " + RatString(claimed) +
        " does not match the session's price " + RatString(*pinned) + "\"");
  }
  return outcome;
}

PaymentOutcome Recipient::ProcessPayment(const net::Payment& payment, std::string_view manifest,
                                         const Rat& quoted) {
  PaymentOutcome outcome;
  if (payment.sender().empty() && payment.has_ticket_params()) {
    outcome.status = absl::InvalidArgumentError("Could not find Sender for payment: " +
                                                payment.ShortDebugString());
    return outcome;
  }
  const DecodedPayment decoded = DecodePayment(payment);
  // Ticket params without a ticket pay nothing either: the same rules as no params at all.
  if (decoded.tickets.empty()) return ProcessTicketless(decoded, manifest, quoted);
  const int64_t round = chain_.LastInitializedRound();
  absl::StatusOr<bool> active = chain_.IsActiveOrchestrator(decoded.params.recipient, round);
  if (!active.ok()) {
    outcome.status = active.status();
    return outcome;
  }
  if (!*active) {
    outcome.status = absl::FailedPreconditionError(
        "orchestrator " + decoded.params.recipient.ChecksumHex() + " is inactive in round " +
        std::to_string(round) + ", cannot process payments");
    return outcome;
  }
  absl::StatusOr<Rat> price = decoded.expected_price
                                  ? PriceInfoToRat(*decoded.expected_price)
                                  : absl::InvalidArgumentError("expected price is nil");
  if (!price.ok()) {
    outcome.status = absl::InvalidArgumentError("invalid expected price sent with payment err=\"" +
                                                std::string(price.status().message()) + "\"");
    return outcome;
  }

  // Every ticket of a payment shares face value and win probability, so the EV (a GMP
  // rational with a 512-bit gcd) is computed once and credited once per exit, which leaves the
  // balance exactly as per-ticket credits would.
  const Rat ev = TicketEV(decoded.params.face_value.value, decoded.params.win_prob.value);
  auto credit = [&] {
    if (outcome.tickets_credited == 0) return;
    // An accepted ticket proves this node issued its params at this price (the recipientRand
    // commitment covers it): only now may the price become the session's.
    balances_.SetFixedPriceIfUnset(decoded.sender, manifest, *price);
    outcome.credited = ev * outcome.tickets_credited;
    balances_.Credit(decoded.sender, manifest, outcome.credited);
  };
  absl::Status receive_error;
  for (const SenderTicket& t : decoded.tickets) {
    ReceiveResult r = ReceiveTicket(ReceivedTicket{
        decoded.params, decoded.sender, decoded.expiration, *price, t.sender_nonce, t.sig});
    if (!r.status.ok()) {
      if (r.fatal) {
        credit();  // earlier tickets stay credited
        outcome.status = r.status;
        return outcome;
      }
      receive_error = r.status;  // sticky: no later ticket of this payment is credited
    }
    if (receive_error.ok()) ++outcome.tickets_credited;
    if (r.won) {
      ++outcome.winners;
      absl::Status queued =
          sink_.Accept(WinningTicket{std::move(r.ticket), t.sig, r.recipient_rand,
                                     decoded.params.expiration_block.value, std::string(manifest)});
      if (!queued.ok()) {
        // A winner that is not stored cannot be redeemed: the payment is worth nothing to
        // this node, so none of it is credited and the work is refused. The gateway keeps
        // its session and pays again; the node keeps serving.
        outcome.sink_status = queued;
        outcome.tickets_credited = 0;
        outcome.status = absl::UnavailableError("winning ticket not stored, payment refused: " +
                                                std::string(queued.message()));
        return outcome;
      }
    }
  }
  credit();
  outcome.status = receive_error;
  return outcome;
}

}  // namespace baton::pm
