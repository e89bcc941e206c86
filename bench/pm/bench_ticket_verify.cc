// Tickets verified per second on one core through Recipient::ReceiveTicket (every check of
// doc/pm.md 2.3, a fresh nonce each), next to a bare loop of libsecp256k1 recovery + keccak over
// the same signatures: the practical limit. Also ProcessPayment per ticket (with crediting).
//
// Usage: bench_ticket_verify [tickets per round (10000)] [rounds (3)]
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "crypto/eth_sign.h"
#include "crypto/keccak.h"
#include "crypto/secp256k1.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/payment_decoder.h"
#include "pm/recipient.h"
#include "pm/sender.h"

using namespace baton;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kTicketsPerParams = 500;  // below the 600-nonce limit per recipientRand

struct World {
  World() : recipient(Config(), chain, sink, balances), sender(crypto::PrivateKey::Generate()) {
    chain.SetLastSeenL1Block(1000);
    chain.SetRound(7, crypto::Keccak256("round"));
    chain.SetGasPrice(crypto::U256(1000000000));
    chain.SetDefaultSender(pm::InMemoryChainFacts::SenderState{{}, crypto::U256(1) << 80});
    chain.SetActive(recipient.address(), true);
  }
  static pm::RecipientConfig Config() {
    pm::RecipientConfig c;
    c.address = crypto::PrivateKey::Generate().address();
    return c;
  }
  // Payments of kTicketsPerParams tickets each, against fresh params.
  std::vector<net::Payment> MakePayments(int tickets) {
    std::vector<net::Payment> out;
    for (int made = 0; made < tickets; made += kTicketsPerParams) {
      net::OrchestratorInfo info;
      *info.mutable_ticket_params() =
          recipient.TicketParams(sender.address(), pm::Rat(3, 2)).value();
      info.mutable_price_info()->set_priceperunit(3);
      info.mutable_price_info()->set_pixelsperunit(2);
      out.push_back(sender.CreatePaymentWithTickets(info, kTicketsPerParams).value());
    }
    return out;
  }
  pm::InMemoryChainFacts chain;
  pm::RecordingTicketSink sink;
  pm::Balances balances;
  pm::Recipient recipient;
  pm::Sender sender;
};

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double ReceiveTicketRate(World& w, const std::vector<net::Payment>& payments) {
  auto start = Clock::now();
  long n = 0;
  for (const net::Payment& p : payments) {
    pm::DecodedPayment d = pm::DecodePayment(p);
    pm::Rat price = pm::PriceInfoToRat(*d.expected_price).value();
    for (const pm::SenderTicket& t : d.tickets) {
      pm::ReceiveResult r = w.recipient.ReceiveTicket(
          pm::ReceivedTicket{d.params, d.sender, d.expiration, price, t.sender_nonce, t.sig});
      if (!r.status.ok()) {
        std::fprintf(stderr, "ticket rejected: %s\n", std::string(r.status.message()).c_str());
        std::exit(1);
      }
      ++n;
    }
  }
  return n / Seconds(start, Clock::now());
}

double ProcessPaymentRate(World& w, const std::vector<net::Payment>& payments) {
  auto start = Clock::now();
  long n = 0;
  for (const net::Payment& p : payments) {
    pm::PaymentOutcome out = w.recipient.ProcessPayment(p, "bench");
    if (!out.status.ok()) {
      std::fprintf(stderr, "payment rejected: %s\n", std::string(out.status.message()).c_str());
      std::exit(1);
    }
    n += out.tickets_credited;
  }
  return n / Seconds(start, Clock::now());
}

// The practical limit: libsecp256k1 recovery of each signature plus the keccak that turns the
// key into an address, nothing else.
double BareRecoveryRate(const std::vector<net::Payment>& payments) {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
  std::vector<std::string> digests;
  std::vector<std::string> sigs;
  for (const net::Payment& p : payments) {
    pm::DecodedPayment d = pm::DecodePayment(p);
    for (const pm::SenderTicket& t : d.tickets) {
      pm::Ticket ticket;
      ticket.recipient = d.params.recipient;
      ticket.sender = d.sender;
      ticket.face_value = d.params.face_value.value;
      ticket.win_prob = d.params.win_prob.value;
      ticket.sender_nonce = t.sender_nonce;
      ticket.recipient_rand_hash = d.params.recipient_rand_hash;
      ticket.expiration = d.expiration;
      digests.push_back(crypto::PersonalSignDigest(ticket.Hash()));
      sigs.push_back(t.sig);
    }
  }
  unsigned sink = 0;
  auto start = Clock::now();
  for (size_t i = 0; i < sigs.size(); ++i) {
    const auto* sig = reinterpret_cast<const unsigned char*>(sigs[i].data());
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, sig, sig[64] - 27);
    secp256k1_pubkey pub;
    // Every signature here is valid; a failure would make the figure meaningless.
    if (!secp256k1_ecdsa_recover(ctx, &pub, &rs,
                                 reinterpret_cast<const unsigned char*>(digests[i].data()))) {
      std::fprintf(stderr, "signature %zu did not recover\n", i);
      std::abort();
    }
    unsigned char ser[65];
    size_t len = sizeof ser;
    secp256k1_ec_pubkey_serialize(ctx, ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    unsigned char hash[32];
    crypto::Keccak256Into(std::string_view(reinterpret_cast<char*>(ser) + 1, 64), hash);
    sink += hash[0];
  }
  double rate = sigs.size() / Seconds(start, Clock::now());
  secp256k1_context_destroy(ctx);
  if (sink == 0xffffffff) std::puts("");  // keep the loop from being optimised away
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  int tickets = argc > 1 ? std::atoi(argv[1]) : 10000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  World w;
  // Interleaved rounds, best of each: the figures are robust to other load on the machine.
  double bare = 0, receive = 0, process = 0;
  for (int round = 0; round < rounds; ++round) {
    std::printf("round %d: preparing %d signed tickets...\n", round + 1, 2 * tickets);
    std::vector<net::Payment> a = w.MakePayments(tickets);
    std::vector<net::Payment> b = w.MakePayments(tickets);
    bare = std::max(bare, BareRecoveryRate(a));
    receive = std::max(receive, ReceiveTicketRate(w, a));
    process = std::max(process, ProcessPaymentRate(w, b));
  }
  std::printf("bare libsecp256k1 recover + keccak: %10.0f sigs/s\n", bare);
  std::printf("Recipient::ReceiveTicket:           %10.0f tickets/s  (ratio %.3f)\n", receive,
              receive / bare);
  std::printf("Recipient::ProcessPayment:          %10.0f tickets/s  (ratio %.3f)\n", process,
              process / bare);
  return 0;
}
