// Redeemer: step 7 of the job lifecycle, the redemption service. A background thread that
// turns the ledger's winning tickets into ETH on the TicketBroker, paying gas only when it is
// worth it. On every new L1 block (OnNewBlock, from the chain watcher) and every idle_poll it
// goes through the senders with unsettled tickets, each sender's tickets oldest first:
// - a ticket is sent only after its ticket parameters expired and while its creation round is
//   valid; past its validity it is marked expired (redemption_policy.h);
// - never twice: usedTickets is checked before any send; a send is written to the ledger
//   before the transaction is broadcast, and a ticket found "submitted" (after a crash, a wait
//   that timed out, or a stop) is reconciled against the chain — its receipt, usedTickets, and
//   whether the account still has a transaction pending — before it may be sent again;
// - never at a loss: the sender's deposit and claimable reserve must pay the face value (a
//   ticket against empty funds would be burned for nothing, doc/pm.md 4.3 Hazard), and the payout
//   must cover the transaction profit_multiple times at the current gas price, else it waits
//   (until the last round of its validity, when covering the cost once is enough); gas above
//   -maxGasPrice means waiting;
// - the call is simulated (eth_call) before it is sent; transient failures back off
//   exponentially per ticket; permanent ones are recorded with their reason. Every outcome and
//   every reason to wait is visible in the ledger (last_error).
// One sender's problem (no funds, a stuck transaction) does not hold back the other senders'
// tickets within a pass. The thread never touches job handling: Accept is the ledger's.
//
// RedeemNow (the operator's /redeemTicket) skips the gas threshold only; the safety checks
// still apply. Thread-safe; passes and manual redemptions are serialised.
//
// Stop (node shutdown) does not wait for a stuck transaction: it cancels the receipt wait in
// progress, the thread's or RedeemNow's, and returns as soon as the chain calls already in
// flight for the ticket in hand are answered. Nothing is sent after it. A redemption left pending
// stays "submitted" with its transaction hash, is named in one log line at Stop, and is reconciled
// by the next start.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

#include "chain/chain_watcher.h"
#include "eth/gas_price_monitor.h"
#include "eth/tx_manager.h"
#include "ledger/ticket_ledger.h"

namespace baton::redeem {

class Redeemer {
 public:
  struct Options {
    crypto::Address account;  // who sends the transactions
    uint64_t redeem_gas = 350'000;
    int profit_multiple = 3;
    int64_t ticket_validity_rounds = 2;  // TicketBroker.ticketValidityPeriod
    std::chrono::milliseconds idle_poll{5000};
    std::chrono::seconds max_backoff{300};
    // Test seam: runs right after a redemption was broadcast and before its hash is recorded,
    // the narrowest window for a crash.
    std::function<void()> after_broadcast;
  };
  // Metrics: each redemption (face value in wei), each error, each ticket that expired unpaid.
  struct Hooks {
    std::function<void(const crypto::U256& face_value)> redeemed;
    std::function<void()> error;
    std::function<void(const crypto::U256& face_value)> expired;
    // A redemption transaction of ours was mined (whether it redeemed or reverted): the gas it
    // used and the price paid per gas (wei).
    std::function<void(uint64_t gas_used, const crypto::U256& gas_price)> gas_spent;
  };

  // The collaborators must outlive the Redeemer.
  Redeemer(ledger::TicketLedger* ledger, std::shared_ptr<const eth::EthClient> client,
           const chain::ChainWatcher* watcher, std::shared_ptr<const eth::TransactionManager> txs,
           std::shared_ptr<const eth::GasPriceMonitor> gas, Options options, Hooks hooks = {});
  ~Redeemer();
  Redeemer(const Redeemer&) = delete;
  Redeemer& operator=(const Redeemer&) = delete;

  void Start();
  void Stop();
  // Wakes the thread for a pass (cheap; call from the block watcher's thread).
  void OnNewBlock();
  // The chain reorganised from `fork_block` (0: deeper than the watcher could tell): the next
  // pass first rechecks every ticket whose redeeming transaction was mined at or after it, and
  // a ticket whose transaction is no longer on the chain goes back to "submitted" with that
  // hash, to be reconciled (mined again, still pending, or dropped and resent). Cheap; call
  // from the watcher's reorg listener.
  void OnReorg(uint64_t fork_block);
  // One pass over the unsettled tickets (the thread's body; exposed for tests).
  void Pass();
  // Redeems one ticket now, regardless of the gas threshold; the safety checks still apply.
  // NotFound for an unknown id, FailedPrecondition for a settled ticket or a check that failed.
  absl::Status RedeemNow(int64_t id);

 private:
  enum class Outcome { kDone, kWaiting, kRetry, kSenderBlocked };
  struct Funds {
    crypto::U256 deposit;
    crypto::U256 claimable;
  };
  Outcome Settle(const ledger::LedgerEntry& entry, bool force, absl::Status* why);
  Outcome Reconcile(const ledger::LedgerEntry& entry, absl::Status* why);
  void RecheckAfterReorg();
  absl::Status RecheckRedeemedSince(uint64_t fork_block);
  Outcome Send(const ledger::LedgerEntry& entry, const std::string& calldata, absl::Status* why);
  absl::StatusOr<Funds> SenderFunds(const pm::Ticket& ticket) const;
  absl::StatusOr<bool> Used(const pm::Ticket& ticket) const;
  absl::StatusOr<bool> AccountHasPendingTransaction() const;
  void NoteWaiting(const ledger::LedgerEntry& entry, const absl::Status& why);
  Outcome Transient(const ledger::LedgerEntry& entry, const absl::Status& error, absl::Status* why);
  void Redeemed(const ledger::LedgerEntry& entry, const std::string& tx_hash, uint64_t block,
                bool ours);
  bool BackingOff(int64_t id) const;
  bool Stopping();
  void Run();
  void LogPendingAtStop();

  ledger::TicketLedger* ledger_;
  const std::shared_ptr<const eth::EthClient> client_;
  const chain::ChainWatcher* watcher_;
  const std::shared_ptr<const eth::TransactionManager> txs_;
  const std::shared_ptr<const eth::GasPriceMonitor> gas_;
  const Options options_;
  const Hooks hooks_;

  std::mutex pass_mu_;  // one pass (or manual redemption) at a time
  struct Retry {
    int failures = 0;
    std::chrono::steady_clock::time_point not_before;
  };
  std::map<int64_t, Retry> retries_;  // guarded by pass_mu_

  std::stop_source stop_;  // requested by Stop: cancels receipt waits, forbids new sends

  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;                // guarded by mu_
  std::optional<uint64_t> reorg_from_;  // guarded by mu_: the lowest fork not rechecked yet
  bool stopping_ = false;               // guarded by mu_
  std::thread thread_;
};

}  // namespace baton::redeem
