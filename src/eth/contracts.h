// Livepeer protocol contract bindings used by the orchestrator (doc/pm.md 4 and 5): read calls
// through eth_call with typed results, and call data for the transactions the node sends
// (through TransactionManager). Addresses are resolved at run time through the Controller.
//
// Each function is a thin, stateless wrapper over abi::Function; all are thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/address.h"
#include "crypto/uint256.h"
#include "eth/eth_client.h"

namespace baton::eth::contracts {

using crypto::Address;
using crypto::U256;

// --- Controller ---
// Controller.getContract(keccak256(name)); an unknown name gives the zero address.
absl::StatusOr<Address> GetContract(const EthClient& client, const Address& controller,
                                    std::string_view name);

// --- RoundsManager ---
absl::StatusOr<U256> CurrentRound(const EthClient& client, const Address& rounds_manager);
absl::StatusOr<U256> LastInitializedRound(const EthClient& client, const Address& rounds_manager);
absl::StatusOr<bool> CurrentRoundInitialized(const EthClient& client,
                                             const Address& rounds_manager);
// 32 bytes; zero when the round has no stored hash.
absl::StatusOr<std::string> BlockHashForRound(const EthClient& client,
                                              const Address& rounds_manager, const U256& round);
std::string InitializeRoundCalldata();

// --- TicketBroker ---
struct Ticket {
  Address recipient;
  Address sender;
  U256 face_value;
  U256 win_prob;
  U256 sender_nonce;
  std::string recipient_rand_hash;  // 32 bytes
  std::string aux_data;             // 64 bytes: creationRound ‖ creationRoundBlockHash
};

struct SenderInfo {
  U256 deposit;
  U256 withdraw_round;
  U256 reserve_funds_remaining;
  U256 reserve_claimed_in_current_round;
};

absl::StatusOr<SenderInfo> GetSenderInfo(const EthClient& client, const Address& broker,
                                         const Address& sender);
absl::StatusOr<U256> ClaimableReserve(const EthClient& client, const Address& broker,
                                      const Address& reserve_holder, const Address& claimant);
absl::StatusOr<bool> UsedTickets(const EthClient& client, const Address& broker,
                                 std::string_view ticket_hash);
absl::StatusOr<std::string> RedeemWinningTicketCalldata(const Ticket& ticket, std::string_view sig,
                                                        const U256& recipient_rand);

// TicketBroker events that change what getSenderInfo or claimableReserve answer for a sender
// (doc/pm.md 4.2): DepositFunded, ReserveFunded, ReserveClaimed, WinningTicketTransfer, Unlock,
// UnlockCancelled and Withdrawal. Each names the sender (the reserve holder) in its first
// indexed topic.
struct SenderEvent {
  std::string name;  // "DepositFunded", ...
  Address sender;
};
// topic0 of each event above, for an eth_getLogs filter.
const std::vector<std::string>& SenderEventTopics();
// Decodes one of the events above. Any other log, or one whose topics or data do not fit the
// event's signature, is an InvalidArgument error naming the problem.
absl::StatusOr<SenderEvent> DecodeSenderEvent(const Log& log);

// --- BondingManager ---
struct TranscoderInfo {
  U256 last_reward_round;
  U256 reward_cut;
  U256 fee_share;
  U256 last_active_stake_update_round;
  U256 activation_round;
  U256 deactivation_round;
  U256 active_cumulative_rewards;
  U256 cumulative_rewards;
  U256 cumulative_fees;
  U256 last_fee_round;
};

absl::StatusOr<TranscoderInfo> GetTranscoder(const EthClient& client,
                                             const Address& bonding_manager,
                                             const Address& transcoder);
absl::StatusOr<bool> IsActiveTranscoder(const EthClient& client, const Address& bonding_manager,
                                        const Address& transcoder);
absl::StatusOr<U256> PendingFees(const EthClient& client, const Address& bonding_manager,
                                 const Address& delegator, const U256& end_round);
std::string RewardCalldata();
// rewardCut and feeShare in parts per 1e6 (10% = 100000).
absl::StatusOr<std::string> TranscoderCalldata(const U256& reward_cut, const U256& fee_share);
absl::StatusOr<std::string> BondCalldata(const U256& amount, const Address& to);
absl::StatusOr<std::string> WithdrawFeesCalldata(const Address& recipient, const U256& amount);

// --- ServiceRegistry ---
absl::StatusOr<std::string> GetServiceURI(const EthClient& client, const Address& registry,
                                          const Address& addr);
absl::StatusOr<std::string> SetServiceURICalldata(std::string_view uri);

}  // namespace baton::eth::contracts
