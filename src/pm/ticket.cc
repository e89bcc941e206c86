#include "pm/ticket.h"

#include <cstring>

#include "crypto/keccak.h"

namespace baton::pm {
namespace {

constexpr size_t kAddr = crypto::Address::kSize;

void PutBE32(unsigned char* out, uint64_t value) {
  std::memset(out, 0, 32);
  for (int i = 31; i >= 24; --i) {
    out[i] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
}

bool IsAllZero(std::string_view bytes) {
  return bytes.find_first_not_of('\0') == std::string_view::npos;
}

}  // namespace

std::string TicketExpiration::AuxData() const {
  if (creation_round == 0 && IsAllZero(creation_round_block_hash)) return std::string();
  std::string aux(64, '\0');
  PutBE32(reinterpret_cast<unsigned char*>(aux.data()), static_cast<uint64_t>(creation_round));
  // A negative round (never issued by us) encodes differently from Go; the commitment check
  // rejects such tickets before the hash matters.
  std::memcpy(aux.data() + 32, creation_round_block_hash.data(), 32);
  return aux;
}

void Ticket::HashInto(unsigned char out[32]) const {
  unsigned char buf[232];
  unsigned char* p = buf;
  std::memcpy(p, recipient.bytes().data(), kAddr);
  p += kAddr;
  std::memcpy(p, sender.bytes().data(), kAddr);
  p += kAddr;
  crypto::U256ToBE32Into(face_value, p);
  p += 32;
  crypto::U256ToBE32Into(win_prob, p);
  p += 32;
  PutBE32(p, sender_nonce);
  p += 32;
  std::memcpy(p, recipient_rand_hash.data(), 32);
  p += 32;
  size_t len = 168;
  if (!(expiration.creation_round == 0 && IsAllZero(expiration.creation_round_block_hash))) {
    PutBE32(p, static_cast<uint64_t>(expiration.creation_round));
    std::memcpy(p + 32, expiration.creation_round_block_hash.data(), 32);
    len = 232;
  }
  crypto::Keccak256Into(std::string_view(reinterpret_cast<const char*>(buf), len), out);
}

std::string Ticket::Hash() const {
  std::string out(32, '\0');
  HashInto(reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Rat Ticket::EV() const { return TicketEV(face_value, win_prob); }

const crypto::U256& MaxWinProb() {
  static const crypto::U256 kMax = ~crypto::U256(0);
  return kMax;
}

Rat TicketEV(const crypto::U256& face_value, const crypto::U256& win_prob) {
  static const BigInt kMax = ToBigInt(MaxWinProb());
  return Rat(ToBigInt(face_value) * ToBigInt(win_prob), kMax);
}

std::string RecipientRandHash(const crypto::U256& recipient_rand) {
  return crypto::Keccak256(crypto::U256ToBE32(recipient_rand));
}

bool IsWinningTicket(std::string_view sig, const crypto::U256& recipient_rand,
                     const crypto::U256& win_prob) {
  unsigned char buf[65 + 32];
  if (sig.size() != 65) return false;  // cannot have been checked; never a winner
  std::memcpy(buf, sig.data(), 65);
  crypto::U256ToBE32Into(recipient_rand, buf + 65);
  unsigned char hash[32];
  crypto::Keccak256Into(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf), hash);
  unsigned char threshold[32];
  crypto::U256ToBE32Into(win_prob, threshold);
  return std::memcmp(hash, threshold, 32) < 0;  // big-endian byte order = numeric order
}

}  // namespace baton::pm
