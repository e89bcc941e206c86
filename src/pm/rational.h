// Exact big rationals and integers for money: balances, ticket expected values and prices.
//
// Rat is GMP's mpq (through Boost.Multiprecision): always in lowest terms, never rounded.
// Doubles never touch money in Baton. Free functions here are pure and thread-safe; Rat values
// are not shared between threads without the owner's lock.
#pragma once

#include <boost/multiprecision/gmp.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/uint256.h"

namespace baton::pm {

using Rat = boost::multiprecision::mpq_rational;
using BigInt = boost::multiprecision::mpz_int;

BigInt ToBigInt(const crypto::U256& value);
// REQUIRES: 0 <= value < 2^256.
crypto::U256 ToU256(const BigInt& value);
// Go big.Int.Bytes() of |value|: minimal big-endian, zero is empty.
std::string MinimalBytes(const BigInt& value);

// Parses "12", "0.5", "1.25" (digits, optionally a dot and more digits) exactly.
absl::StatusOr<Rat> ParseDecimal(std::string_view text);

// "num/den" (Go big.Rat.String()).
std::string RatString(const Rat& value);

}  // namespace baton::pm
