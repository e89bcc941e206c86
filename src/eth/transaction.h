// Ethereum transactions Baton sends: EIP-1559 dynamic-fee (type 2) and legacy transactions
// with EIP-155 replay protection. A Transaction holds the fields; Sign() produces the raw bytes
// for eth_sendRawTransaction and the transaction hash.
//
// Access lists are always empty (Baton never sends one). Values are plain data: copyable and
// thread-safe as values; signing uses the process-wide secp256k1 context (thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/secp256k1.h"
#include "crypto/uint256.h"

namespace baton::eth {

struct SignedTransaction;

struct Transaction {
  enum class Type : uint8_t { kLegacy = 0, kDynamicFee = 2 };

  Type type = Type::kDynamicFee;
  uint64_t chain_id = 0;
  uint64_t nonce = 0;
  crypto::U256 gas_price;                 // legacy only
  crypto::U256 max_priority_fee_per_gas;  // type 2 only ("tip")
  crypto::U256 max_fee_per_gas;           // type 2 only ("fee cap")
  uint64_t gas_limit = 0;
  std::optional<crypto::Address> to;  // nullopt creates a contract
  crypto::U256 value;
  std::string data;

  // The bytes whose keccak is signed: 0x02 ‖ rlp([chainId, nonce, tip, feeCap, gas, to, value,
  // data, []]) for type 2; rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0]) for
  // legacy (EIP-155).
  std::string SigningPayload() const;
  std::string SigningHash() const;
  // The highest price per gas this transaction can pay: gas_price or max_fee_per_gas.
  const crypto::U256& PriceCap() const;

  SignedTransaction Sign(const crypto::PrivateKey& key) const;
};

struct SignedTransaction {
  Transaction tx;
  crypto::U256 r, s;
  uint8_t y_parity = 0;  // 0 or 1; legacy v = chainId·2 + 35 + y_parity
  std::string raw;       // eth_sendRawTransaction payload
  std::string hash;      // keccak256(raw), 32 bytes

  // Parses raw bytes of a type-2 or EIP-155 legacy transaction and recovers the sender.
  static absl::StatusOr<SignedTransaction> Decode(std::string_view raw);
  // The signer's address, recovered from the signature.
  absl::StatusOr<crypto::Address> Sender() const;
};

}  // namespace baton::eth
