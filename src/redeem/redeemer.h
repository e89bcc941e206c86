// Redeemer: step 7 of the job lifecycle. A background thread that turns the ledger's winning
// tickets into ETH on the TicketBroker, paying gas only when it is worth it:
// - a ticket is sent only after its ticket parameters expired (pm.md 2.6: revealing
//   recipientRand earlier would let the sender dodge winning nonces), and while its creation
//   round is still valid (else it is marked expired);
// - never twice: usedTickets is checked first, and a ticket found submitted at start-up is
//   reconciled against the chain before anything is resent;
// - never at a loss: the sender must have funds (a ticket redeemed against an empty deposit
//   and reserve pays nothing and is burned, pm.md 4.3), the face value must cover the
//   transaction `profit_multiple` times at the current gas price (it waits for cheaper gas
//   until the last round of its validity, when covering the cost once is enough), and gas
//   above -maxGasPrice means waiting;
// - the call is simulated (eth_call) before it is sent; transient failures back off
//   exponentially, permanent ones are recorded with their reason.
// The thread wakes on every new L1 block (OnNewBlock) and every few seconds. RedeemNow skips
// the gas threshold only. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
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
  };
  // Reports each redemption (face value in wei) and each error, for metrics.
  struct Hooks {
    std::function<void(const crypto::U256& face_value)> redeemed;
    std::function<void()> error;
  };

  Redeemer(ledger::TicketLedger* ledger, std::shared_ptr<const eth::EthClient> client,
           const chain::ChainWatcher* watcher, std::shared_ptr<const eth::TransactionManager> txs,
           std::shared_ptr<const eth::GasPriceMonitor> gas, Options options, Hooks hooks = {});
  ~Redeemer();

  void Start();
  void Stop();
  void OnNewBlock();
  // One pass over the unsettled tickets (the thread's body; exposed for tests).
  void Pass();
  // Redeems one ticket now, regardless of the gas threshold; the safety checks still apply.
  absl::Status RedeemNow(int64_t id);

 private:
  enum class Outcome { kDone, kWaiting, kRetry };
  Outcome Settle(const ledger::LedgerEntry& entry, bool force, absl::Status* why);
  Outcome Reconcile(const ledger::LedgerEntry& entry);
  absl::Status CheckFunds(const ledger::LedgerEntry& entry, const crypto::U256& tx_cost);
  bool BackingOff(const ledger::LedgerEntry& entry) const;
  void Run();

  ledger::TicketLedger* ledger_;
  const std::shared_ptr<const eth::EthClient> client_;
  const chain::ChainWatcher* watcher_;
  const std::shared_ptr<const eth::TransactionManager> txs_;
  const std::shared_ptr<const eth::GasPriceMonitor> gas_;
  const Options options_;
  const Hooks hooks_;

  std::mutex pass_mu_;  // one pass (or manual redemption) at a time
  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace baton::redeem
