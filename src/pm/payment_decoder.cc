#include "pm/payment_decoder.h"

#include "common/hex.h"

namespace baton::pm {

WireUint WireUint::FromBytes(std::string_view be) {
  size_t first = be.find_first_not_of('\0');
  be.remove_prefix(first == std::string_view::npos ? be.size() : first);
  return WireUint{std::string(be), crypto::U256FromBigEndian(be)};
}

WireUint WireUint::FromU256(const crypto::U256& v) { return WireUint{crypto::U256ToMinimal(v), v}; }

std::string HashGoStyle(std::string_view b) {
  if (b.size() > 32) b.remove_prefix(b.size() - 32);
  std::string out(32 - b.size(), '\0');
  out.append(b);
  return out;
}

DecodedPayment DecodePayment(const net::Payment& payment) {
  DecodedPayment out;
  out.has_sender = !payment.sender().empty();
  out.sender = crypto::Address::FromBytesGoStyle(payment.sender());
  out.has_ticket_params = payment.has_ticket_params();
  const net::TicketParams& tp = payment.ticket_params();
  out.params.recipient = crypto::Address::FromBytesGoStyle(tp.recipient());
  out.params.face_value = WireUint::FromBytes(tp.face_value());
  out.params.win_prob = WireUint::FromBytes(tp.win_prob());
  out.params.recipient_rand_hash = HashGoStyle(tp.recipient_rand_hash());
  out.params.seed = WireUint::FromBytes(tp.seed());
  out.params.expiration_block = WireUint::FromBytes(tp.expiration_block());
  // Go dereferences Payment.expiration_params unchecked; a missing one reads as zeros here and
  // then fails the commitment check.
  out.expiration.creation_round = payment.expiration_params().creation_round();
  out.expiration.creation_round_block_hash =
      HashGoStyle(payment.expiration_params().creation_round_block_hash());
  out.tickets.reserve(payment.ticket_sender_params_size());
  for (const net::TicketSenderParams& t : payment.ticket_sender_params()) {
    out.tickets.push_back(SenderTicket{t.sender_nonce(), t.sig()});
  }
  if (payment.has_expected_price()) out.expected_price = payment.expected_price();
  return out;
}

namespace {

template <typename Message>
absl::StatusOr<Message> ParseBase64Proto(std::string_view base64, const char* what) {
  absl::StatusOr<std::string> bytes = Base64Decode(base64);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        std::string(what) + " is not valid base64: " + std::string(bytes.status().message()));
  }
  Message message;
  if (!message.ParseFromString(*bytes)) {
    return absl::InvalidArgumentError(std::string(what) + " is not a valid protobuf message");
  }
  return message;
}

}  // namespace

absl::StatusOr<net::Payment> ParsePaymentHeader(std::string_view base64) {
  return ParseBase64Proto<net::Payment>(base64, "payment");
}

absl::StatusOr<net::SegData> ParseSegDataHeader(std::string_view base64) {
  return ParseBase64Proto<net::SegData>(base64, "segment data");
}

absl::StatusOr<Rat> PriceInfoToRat(const net::PriceInfo& price) {
  if (price.pixelsperunit() == 0) return absl::InvalidArgumentError("pixels per unit is 0");
  return Rat(BigInt(price.priceperunit()), BigInt(price.pixelsperunit()));
}

}  // namespace baton::pm
