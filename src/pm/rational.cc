#include "pm/rational.h"

#include <gmp.h>

namespace baton::pm {

BigInt ToBigInt(const crypto::U256& value) {
  unsigned char be[32];
  crypto::U256ToBE32Into(value, be);
  BigInt out;
  mpz_import(out.backend().data(), 32, 1, 1, 1, 0, be);
  return out;
}

crypto::U256 ToU256(const BigInt& value) {
  unsigned char be[32] = {0};
  size_t count = 0;
  mpz_export(be, &count, 1, 1, 1, 0, value.backend().data());
  // mpz_export writes `count` bytes left-aligned; move them to the right end.
  return crypto::U256FromBigEndian(std::string_view(reinterpret_cast<const char*>(be), count));
}

std::string MinimalBytes(const BigInt& value) {
  size_t size = (mpz_sizeinbase(value.backend().data(), 2) + 7) / 8;
  std::string out(size, '\0');
  size_t count = 0;
  if (value != 0) mpz_export(out.data(), &count, 1, 1, 1, 0, value.backend().data());
  out.resize(count);
  return out;
}

absl::StatusOr<Rat> ParseDecimal(std::string_view text) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!all_digits(whole) || (dot != std::string_view::npos && !all_digits(frac))) {
    return absl::InvalidArgumentError("invalid decimal number \"" + std::string(text) + "\"");
  }
  // Strip leading zeros: Boost's GMP backend reads a leading 0 as an octal prefix.
  std::string digits = std::string(whole) + std::string(frac);
  size_t first = digits.find_first_not_of('0');
  BigInt num(first == std::string::npos ? std::string("0") : digits.substr(first));
  BigInt den = 1;
  for (size_t i = 0; i < frac.size(); ++i) den *= 10;
  return Rat(num, den);
}

std::string RatString(const Rat& value) {
  return boost::multiprecision::numerator(value).str() + "/" +
         boost::multiprecision::denominator(value).str();
}

}  // namespace baton::pm
