// libFuzzer target for the payment decoders: the `Livepeer-Payment` and `Livepeer-Segment`
// headers (base64 + protobuf; the input is split at its first '\n') and a raw Payment message,
// each decoded payment run through one long-lived recipient as in the node (ticket checks,
// signatures, nonces, balances). Built only by fuzz/ (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/keccak.h"
#include "google/protobuf/stubs/logging.h"
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

}  // namespace
}  // namespace baton::pm

// Protobuf logs every string field with invalid UTF-8 to stderr; that would drown the output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  baton::pm::FuzzPaymentHeaders(data, size);
  return 0;
}
