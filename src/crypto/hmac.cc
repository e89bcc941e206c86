#include "crypto/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace baton::crypto {

std::string HmacSha256(std::string_view key, std::string_view msg) {
  std::string out(32, '\0');
  unsigned int len = 32;
  // A null key pointer would make OpenSSL treat the call as "reuse the previous key".
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Lengths are public (a MAC's or hash's size is fixed); only the contents are compared in
  // constant time.
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace baton::crypto
