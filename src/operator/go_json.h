// JSON as go-livepeer's CLI server writes it with Go's encoding/json: *big.Int values are bare
// numbers, which may exceed 64 bits (stake in LPT wei), and *big.Rat values are strings, "n"
// when integral, else "num/den". nlohmann::json cannot hold such numbers, so a value made with
// BigNumber() is a JSON "binary" value (a type no text or chain data ever becomes) that
// DumpGoJson writes as the bare decimal; every string (service URIs read from the chain
// included) is written as a string, whatever it holds.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "crypto/uint256.h"
#include "nlohmann/json.hpp"
#include "pm/rational.h"

namespace baton::ops {

// A JSON placeholder that DumpGoJson writes as the bare decimal number.
nlohmann::json BigNumber(const crypto::U256& value);
// Compact JSON text, with BigNumber() values bare and invalid UTF-8 replaced.
std::string DumpGoJson(const nlohmann::json& value);
// A price as Go's big.Rat marshals to JSON: "n" when integral, else "num/den".
std::string GoRatText(const pm::Rat& value);

}  // namespace baton::ops
