// A probabilistic-micropayment ticket (doc/pm.md section 1): its fields, the hash the sender signs,
// the win check and its expected value.
//
// Ticket is a plain value type; every function here is pure and thread-safe. The hash mirrors
// go-livepeer's pm/ticket.go and the TicketBroker's getTicketHash (abi.encodePacked), including
// the empty-auxData quirk for creation round 0 with a zero block hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/address.h"
#include "crypto/uint256.h"
#include "pm/rational.h"

namespace baton::pm {

// The round a ticket was created in and that round's block hash (the contract's auxData).
struct TicketExpiration {
  int64_t creation_round = 0;
  std::string creation_round_block_hash = std::string(32, '\0');  // always 32 bytes

  // BE32(creation_round) ‖ block hash, or empty when both are zero (Go's AuxData quirk).
  std::string AuxData() const;
};

struct Ticket {
  crypto::Address recipient;
  crypto::Address sender;
  crypto::U256 face_value = 0;
  crypto::U256 win_prob = 0;
  uint32_t sender_nonce = 0;
  std::string recipient_rand_hash = std::string(32, '\0');  // always 32 bytes
  TicketExpiration expiration;

  // keccak256 over the packed layout of doc/pm.md 1.2 (232 bytes, or 168 with empty auxData).
  std::string Hash() const;
  void HashInto(unsigned char out[32]) const;
  // faceValue × winProb / (2^256 − 1), exactly.
  Rat EV() const;
};

// 2^256 − 1: a win probability of certain.
const crypto::U256& MaxWinProb();

// EV = faceValue × winProb / (2^256 − 1).
Rat TicketEV(const crypto::U256& face_value, const crypto::U256& win_prob);

// keccak256(BE32(recipient_rand)): the commitment the recipient advertises.
std::string RecipientRandHash(const crypto::U256& recipient_rand);

// The ticket won when uint256(keccak256(sig ‖ BE32(recipient_rand))) < win_prob.
// REQUIRES: sig is the 65-byte signature the sender made over the ticket.
bool IsWinningTicket(std::string_view sig, const crypto::U256& recipient_rand,
                     const crypto::U256& win_prob);

}  // namespace baton::pm
