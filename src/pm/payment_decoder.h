// Decoding of the payment a gateway sends: the base64 `Livepeer-Payment` header into
// net::Payment, and net::Payment into the typed values the recipient checks (doc/pm.md 1.1).
//
// Integers are unsigned big-endian of any length, as Go's big.Int.SetBytes reads them;
// addresses and hashes are Go-style (keep the last 20/32 bytes, left-pad shorter ones). The
// minimal forms of the integers are kept as received, because the recipientRand HMAC covers
// exactly those bytes. All functions are pure and thread-safe; they never fail on a well-formed
// protobuf (a missing field reads as zeros), so every rejection comes from the recipient's
// checks with go-livepeer's error texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/uint256.h"
#include "lp_rpc.pb.h"
#include "pm/rational.h"
#include "pm/ticket.h"

namespace baton::pm {

// A big-endian unsigned integer from the wire: its minimal bytes (leading zeros stripped, as
// Go's big.Int.Bytes() gives them back) and its value (the low 256 bits).
struct WireUint {
  std::string minimal;
  crypto::U256 value = 0;

  static WireUint FromBytes(std::string_view be);
  static WireUint FromU256(const crypto::U256& v);
};

// The TicketParams shared by every ticket of one Payment.
struct ReceivedTicketParams {
  crypto::Address recipient;
  WireUint face_value;
  WireUint win_prob;
  std::string recipient_rand_hash = std::string(32, '\0');
  WireUint seed;
  WireUint expiration_block;
};

struct SenderTicket {
  uint32_t sender_nonce = 0;
  std::string sig;
};

struct DecodedPayment {
  bool has_ticket_params = false;
  bool has_sender = false;  // Payment.sender is non-empty
  crypto::Address sender;
  ReceivedTicketParams params;
  TicketExpiration expiration;  // from the top-level Payment.expiration_params
  std::vector<SenderTicket> tickets;
  std::optional<net::PriceInfo> expected_price;
};

// Go-style 32-byte hash: last 32 bytes, left-padded.
std::string HashGoStyle(std::string_view b);

DecodedPayment DecodePayment(const net::Payment& payment);

// The `Livepeer-Payment` header: standard padded base64 of a serialized net::Payment.
absl::StatusOr<net::Payment> ParsePaymentHeader(std::string_view base64);
// The `Livepeer-Segment` header: standard padded base64 of a serialized net::SegData.
absl::StatusOr<net::SegData> ParseSegDataHeader(std::string_view base64);

// The price as Go's common.RatPriceInfo reads it, reduced; an error for pixelsPerUnit 0.
absl::StatusOr<Rat> PriceInfoToRat(const net::PriceInfo& price);

}  // namespace baton::pm
