#include "pm/payment_header_fuzz.h"

#include <string_view>

#include "crypto/keccak.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/payment_decoder.h"
#include "pm/recipient.h"

namespace baton::pm {
namespace {

// One long-lived recipient, as in the node: nonces and balances accumulate across inputs.
struct FuzzWorld {
  FuzzWorld() : recipient(Config(), chain, sink, balances) {
    chain.SetLastSeenL1Block(100);
    chain.SetRound(5, crypto::Keccak256("foo"));
    chain.SetActive(crypto::Address(), true);
    chain.SetDefaultSender(InMemoryChainFacts::SenderState{{}, crypto::U256(1) << 80});
  }
  static RecipientConfig Config() {
    RecipientConfig c;
    c.secret = std::string(32, '\x11');
    return c;
  }
  InMemoryChainFacts chain;
  RecordingTicketSink sink;
  Balances balances;
  Recipient recipient;
};

void RunPayment(const net::Payment& payment) {
  static FuzzWorld* world = new FuzzWorld();
  (void)world->recipient.ProcessPayment(payment, "fuzz");
}

}  // namespace

void FuzzPaymentHeaders(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Raw protobuf first (reaches the decoders quickly), then the two headers split at '\n'.
  net::Payment raw;
  if (raw.ParseFromArray(data, static_cast<int>(size))) RunPayment(raw);
  size_t newline = input.find('\n');
  std::string_view payment_header = input.substr(0, newline);
  std::string_view segment_header =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  if (absl::StatusOr<net::Payment> p = ParsePaymentHeader(payment_header); p.ok()) {
    RunPayment(*p);
  }
  (void)ParseSegDataHeader(segment_header);
}

}  // namespace baton::pm
