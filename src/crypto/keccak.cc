#include "crypto/keccak.h"

#include <cryptopp/keccak.h>

namespace baton::crypto {

void Keccak256Into(std::string_view data, unsigned char out[32]) {
  CryptoPP::Keccak_256 hash;
  hash.Update(reinterpret_cast<const CryptoPP::byte*>(data.data()), data.size());
  hash.Final(out);
}

std::string Keccak256(std::string_view data) {
  std::string out(32, '\0');
  Keccak256Into(data, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace baton::crypto
