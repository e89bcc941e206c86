#include "crypto/hmac.h"

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

}  // namespace baton::crypto
