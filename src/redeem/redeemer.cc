#include "redeem/redeemer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/hex.h"
#include "eth/contracts.h"
#include "redeem/redemption_policy.h"

namespace baton::redeem {
namespace {

eth::contracts::Ticket ToContractTicket(const pm::Ticket& t) {
  return {t.recipient,
          t.sender,
          t.face_value,
          t.win_prob,
          crypto::U256(t.sender_nonce),
          t.recipient_rand_hash,
          t.expiration.AuxData()};
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

}  // namespace

Redeemer::Redeemer(ledger::TicketLedger* ledger, std::shared_ptr<const eth::EthClient> client,
                   const chain::ChainWatcher* watcher,
                   std::shared_ptr<const eth::TransactionManager> txs,
                   std::shared_ptr<const eth::GasPriceMonitor> gas, Options options, Hooks hooks)
    : ledger_(ledger),
      client_(std::move(client)),
      watcher_(watcher),
      txs_(std::move(txs)),
      gas_(std::move(gas)),
      options_(std::move(options)),
      hooks_(std::move(hooks)) {}

Redeemer::~Redeemer() { Stop(); }

void Redeemer::Start() { thread_ = std::thread(&Redeemer::Run, this); }

void Redeemer::Stop() {
  stop_.request_stop();  // wakes a receipt wait at once, the thread's or RedeemNow's
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (!thread_.joinable()) return;
  thread_.join();
  LogPendingAtStop();
}

// The operator's one line about what shutdown left on the chain: redemptions sent but not seen
// mined. They stay "submitted"; the next start asks the chain about each before any resend.
void Redeemer::LogPendingAtStop() {
  std::lock_guard pass(pass_mu_);  // a RedeemNow whose wait was cancelled has written its state
  auto entries = ledger_->Unsettled();
  if (!entries.ok()) {
    spdlog::warn("Redemption stopped; cannot list pending redemptions: {}",
                 Message(entries.status()));
    return;
  }
  int pending = 0;
  std::string list;
  for (const auto& e : *entries) {
    if (e.state != ledger::TicketState::kSubmitted) continue;
    list += (pending++ ? ", ticket " : "ticket ") + std::to_string(e.id) + " tx " +
            (e.tx_hash.empty() ? "unknown" : HexEncode0x(e.tx_hash));
  }
  if (pending == 0) {
    spdlog::info("Redemption stopped; no redemption transaction pending");
    return;
  }
  spdlog::warn(
      "Redemption stopped with {} redemption(s) pending, reconciled with the chain at the next "
      "start: {}",
      pending, list);
}

void Redeemer::OnNewBlock() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_all();
}

void Redeemer::OnReorg(uint64_t fork_block) {
  {
    std::lock_guard lock(mu_);
    reorg_from_ = std::min(reorg_from_.value_or(fork_block), fork_block);
    pending_ = true;
  }
  wake_.notify_all();
}

bool Redeemer::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void Redeemer::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.idle_poll, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    Pass();
    lock.lock();
  }
}

bool Redeemer::BackingOff(int64_t id) const {
  auto it = retries_.find(id);
  return it != retries_.end() && std::chrono::steady_clock::now() < it->second.not_before;
}

void Redeemer::Pass() {
  std::lock_guard pass(pass_mu_);
  RecheckAfterReorg();
  auto entries = ledger_->Unsettled();
  if (!entries.ok()) {
    spdlog::error("redemption: {}", Message(entries.status()));
    return;
  }
  // Oldest first; a sender that cannot pay now is skipped for the rest of the pass, and does
  // not hold back anyone else's tickets.
  std::set<crypto::Address> blocked;
  for (const auto& e : *entries) {
    if (Stopping()) return;
    if (blocked.count(e.ticket.ticket.sender) || BackingOff(e.id)) continue;
    absl::Status why;
    Outcome outcome = Settle(e, /*force=*/false, &why);
    if (outcome == Outcome::kSenderBlocked) blocked.insert(e.ticket.ticket.sender);
    if (outcome == Outcome::kDone) retries_.erase(e.id);
  }
}

absl::Status Redeemer::RedeemNow(int64_t id) {
  std::lock_guard pass(pass_mu_);
  auto e = ledger_->Get(id);
  if (!e.ok()) return e.status();
  if (ledger::IsSettled(e->state))
    return absl::FailedPreconditionError("winning ticket " + std::to_string(id) + " is already " +
                                         ledger::StateName(e->state));
  absl::Status why;
  if (Settle(*e, /*force=*/true, &why) == Outcome::kDone) {
    auto after = ledger_->Get(id);
    if (after.ok() && after->state == ledger::TicketState::kRedeemed) return absl::OkStatus();
    if (after.ok())
      return absl::FailedPreconditionError("winning ticket " + std::to_string(id) + " is " +
                                           ledger::StateName(after->state) + ": " +
                                           after->last_error);
  }
  return absl::FailedPreconditionError(why.ok() ? "not redeemable yet" : Message(why));
}

Redeemer::Outcome Redeemer::Settle(const ledger::LedgerEntry& e, bool force, absl::Status* why) {
  const pm::Ticket& t = e.ticket.ticket;
  if (e.state == ledger::TicketState::kSubmitted) {
    Outcome reconciled = Reconcile(e, why);
    if (reconciled != Outcome::kRetry) return reconciled;  // else: queued again, decide afresh
  }
  auto wait = [&](const absl::Status& s) {
    NoteWaiting(e, s);
    *why = s;
    return Outcome::kWaiting;
  };
  const int64_t round = watcher_->CurrentRound();
  const int64_t validity = options_.ticket_validity_rounds;
  if (RoundExpired(t.expiration.creation_round, round, validity)) {
    auto used = Used(t);  // settled on chain without us knowing (a crash mid-send)?
    if (!used.ok()) return Transient(e, used.status(), why);
    if (*used) {
      Redeemed(e, "", 0, /*ours=*/false);
      return Outcome::kDone;
    }
    (void)ledger_->MarkExpired(e.id);
    if (hooks_.expired) hooks_.expired(t.face_value);
    spdlog::warn(
        "Winning ticket {} from {} expired unredeemed ({} wei): created in round {}, now "
        "round {}; last reason: {}",
        e.id, t.sender.ChecksumHex(), crypto::U256ToDecimal(t.face_value),
        t.expiration.creation_round, round, e.last_error);
    *why = absl::FailedPreconditionError("ticket is expired");
    return Outcome::kDone;
  }
  if (!ParamsExpired(e.ticket.params_expiration_block, watcher_->LastSeenL1Block()))
    return wait(absl::UnavailableError("waiting for the ticket parameters to expire at L1 block " +
                                       crypto::U256ToDecimal(e.ticket.params_expiration_block)));
  auto gas_price = gas_->SuggestGasPrice();
  if (!gas_price.ok()) return wait(gas_price.status());  // above -maxGasPrice: wait
  auto used = Used(t);
  if (!used.ok()) return Transient(e, used.status(), why);
  if (*used) {
    Redeemed(e, "", 0, /*ours=*/false);
    return Outcome::kDone;
  }
  auto funds = SenderFunds(t);
  if (!funds.ok()) return Transient(e, funds.status(), why);

  const bool last_chance = force || InLastValidRound(t.expiration.creation_round, round, validity);
  Decision d =
      Judge({t.face_value, funds->deposit, funds->claimable, *gas_price, options_.redeem_gas},
            options_.profit_multiple, last_chance);
  if (d.verdict == Verdict::kWaitForGas) return wait(absl::FailedPreconditionError(d.reason));
  if (d.verdict != Verdict::kSend) {
    wait(absl::FailedPreconditionError(d.reason));
    return Outcome::kSenderBlocked;
  }

  auto calldata = eth::contracts::RedeemWinningTicketCalldata(ToContractTicket(t), e.ticket.sig,
                                                              e.ticket.recipient_rand);
  if (!calldata.ok()) {
    (void)ledger_->MarkFailed(e.id, Message(calldata.status()));
    *why = calldata.status();
    return Outcome::kDone;
  }
  eth::CallRequest simulation;
  simulation.from = options_.account;
  simulation.to = watcher_->contracts().ticket_broker;
  simulation.data = *calldata;
  if (auto r = client_->Call(simulation); !r.ok()) {
    if (!IsPermanentFailure(Message(r.status()))) return Transient(e, r.status(), why);
    (void)ledger_->MarkFailed(e.id, Message(r.status()));
    if (hooks_.error) hooks_.error();
    spdlog::warn("Winning ticket {} will not be redeemed: {}", e.id, Message(r.status()));
    *why = r.status();
    return Outcome::kDone;
  }
  return Send(e, *calldata, why);
}

Redeemer::Outcome Redeemer::Send(const ledger::LedgerEntry& e, const std::string& calldata,
                                 absl::Status* why) {
  if (stop_.stop_requested()) {
    *why = absl::CancelledError("not sent: the node is stopping");
    return Outcome::kWaiting;
  }
  // Written before the broadcast: after a crash from here on, the ticket is "submitted" and
  // the chain is asked before anything is sent again.
  if (auto s = ledger_->MarkSending(e.id); !s.ok()) {
    *why = s;
    return Outcome::kRetry;
  }
  auto backoff = [&](const absl::Status& s) {
    *why = s;
    Retry& r = retries_[e.id];
    r.not_before = std::chrono::steady_clock::now() + Backoff(++r.failures, options_.max_backoff);
    if (hooks_.error) hooks_.error();
    spdlog::warn("Redeeming winning ticket {}: {}", e.id, Message(s));
    return Outcome::kRetry;
  };
  eth::TxRequest tx{watcher_->contracts().ticket_broker, calldata, 0, 0, "redeemWinningTicket"};
  auto sent = txs_->Send(tx);
  // Whether a failed send reached the mempool is unknown: it stays submitted, reconciled later.
  if (!sent.ok()) return backoff(sent.status());
  if (options_.after_broadcast) options_.after_broadcast();
  (void)ledger_->MarkSubmitted(e.id, sent->hash);
  auto receipt = txs_->Wait(*sent, stop_.get_token());
  if (receipt.ok() && hooks_.gas_spent)
    hooks_.gas_spent(receipt->gas_used, receipt->effective_gas_price);
  if (receipt.status().code() == absl::StatusCode::kCancelled) {
    *why = receipt.status();  // stopping: it stays submitted with its hash, reconciled later
    return Outcome::kWaiting;
  }
  if (!receipt.ok()) {
    if (!IsPermanentFailure(Message(receipt.status()))) return backoff(receipt.status());
    (void)ledger_->MarkFailed(e.id, Message(receipt.status()));
    if (hooks_.error) hooks_.error();
    *why = receipt.status();
    return Outcome::kDone;
  }
  Redeemed(e, receipt->tx_hash, receipt->block_number, /*ours=*/true);
  return Outcome::kDone;
}

void Redeemer::RecheckAfterReorg() {
  std::optional<uint64_t> fork;
  {
    std::lock_guard lock(mu_);
    fork.swap(reorg_from_);
  }
  if (!fork) return;
  if (absl::Status s = RecheckRedeemedSince(*fork); !s.ok()) {
    spdlog::warn("Rechecking redemptions after a reorg from block {}: {}; retrying", *fork,
                 Message(s));
    OnReorg(*fork);  // the next pass tries again
  }
}

absl::Status Redeemer::RecheckRedeemedSince(uint64_t fork_block) {
  auto redeemed = ledger_->RedeemedSince(fork_block);
  if (!redeemed.ok()) return redeemed.status();
  for (const auto& e : *redeemed) {
    auto receipt = client_->GetTransactionReceipt(e.tx_hash);
    if (!receipt.ok()) return receipt.status();
    if (receipt->has_value() && (*receipt)->status == 1) continue;  // still (or again) mined
    const std::string why = "a chain reorganisation from block " + std::to_string(fork_block) +
                            " removed its redemption " + HexEncode0x(e.tx_hash) +
                            " (was in block " + std::to_string(e.block_number) + ")";
    if (auto s = ledger_->ReopenAfterReorg(e.id, why); !s.ok()) return s;
    spdlog::warn("Winning ticket {}: {}; rechecking it", e.id, why);
  }
  return absl::OkStatus();
}

// A ticket found "submitted": its transaction may be mined, pending, dropped, or never sent.
Redeemer::Outcome Redeemer::Reconcile(const ledger::LedgerEntry& e, absl::Status* why) {
  auto unknown = [&](const absl::Status& s) {
    *why = s;
    return Outcome::kWaiting;  // no decision without the chain's answer
  };
  if (!e.tx_hash.empty()) {
    auto pending = client_->IsTransactionPending(e.tx_hash);
    if (!pending.ok()) return unknown(pending.status());
    if (pending->value_or(false))
      return unknown(
          absl::UnavailableError("redemption " + HexEncode0x(e.tx_hash) + " is pending"));
    auto receipt = client_->GetTransactionReceipt(e.tx_hash);
    if (!receipt.ok()) return unknown(receipt.status());
    if (receipt->has_value() && (*receipt)->status == 1) {
      Redeemed(e, e.tx_hash, (*receipt)->block_number, /*ours=*/true);
      return Outcome::kDone;
    }
  }
  auto used = Used(e.ticket.ticket);
  if (!used.ok()) return unknown(used.status());
  if (*used) {  // a replacement of ours got mined, or a send whose hash the crash lost
    Redeemed(e, e.tx_hash, 0, /*ours=*/false);
    return Outcome::kDone;
  }
  auto busy = AccountHasPendingTransaction();
  if (!busy.ok()) return unknown(busy.status());
  if (*busy)
    return unknown(absl::UnavailableError("waiting for the account's pending transactions"));
  // Not used, nothing of ours in flight: the send never happened, was dropped or reverted.
  if (auto s = ledger_->RecordAttempt(e.id, "the previous send was not mined"); !s.ok())
    return unknown(s);
  return Outcome::kRetry;
}

void Redeemer::NoteWaiting(const ledger::LedgerEntry& e, const absl::Status& why) {
  // Only on change: every ledger write is an fsync.
  if (e.state == ledger::TicketState::kQueued && e.last_error != why.message())
    (void)ledger_->RecordWaiting(e.id, Message(why));
}

Redeemer::Outcome Redeemer::Transient(const ledger::LedgerEntry& e, const absl::Status& error,
                                      absl::Status* why) {
  *why = error;
  Retry& r = retries_[e.id];
  r.not_before = std::chrono::steady_clock::now() + Backoff(++r.failures, options_.max_backoff);
  (void)ledger_->RecordAttempt(e.id, Message(error));
  if (hooks_.error) hooks_.error();
  return Outcome::kRetry;
}

void Redeemer::Redeemed(const ledger::LedgerEntry& e, const std::string& tx_hash, uint64_t block,
                        bool ours) {
  const pm::Ticket& t = e.ticket.ticket;
  (void)ledger_->MarkRedeemed(e.id, tx_hash, block,
                              ours ? "" : "ticket already used on chain; not resent");
  if (!ours) {
    spdlog::info("Winning ticket {} from {} is already used on chain", e.id,
                 t.sender.ChecksumHex());
    return;
  }
  if (hooks_.redeemed) hooks_.redeemed(t.face_value);
  spdlog::info("Redeemed winning ticket {} from {} for {} wei (tx {}, block {})", e.id,
               t.sender.ChecksumHex(), crypto::U256ToDecimal(t.face_value), HexEncode0x(tx_hash),
               block);
}

absl::StatusOr<bool> Redeemer::Used(const pm::Ticket& t) const {
  return eth::contracts::UsedTickets(*client_, watcher_->contracts().ticket_broker, t.Hash());
}

absl::StatusOr<Redeemer::Funds> Redeemer::SenderFunds(const pm::Ticket& t) const {
  const auto& broker = watcher_->contracts().ticket_broker;
  auto info = eth::contracts::GetSenderInfo(*client_, broker, t.sender);
  if (!info.ok()) return info.status();
  auto claimable = eth::contracts::ClaimableReserve(*client_, broker, t.sender, t.recipient);
  if (!claimable.ok()) return claimable.status();
  return Funds{info->deposit, *claimable};
}

absl::StatusOr<bool> Redeemer::AccountHasPendingTransaction() const {
  auto pending = client_->GetTransactionCount(options_.account, "pending");
  if (!pending.ok()) return pending.status();
  auto mined = client_->GetTransactionCount(options_.account, "latest");
  if (!mined.ok()) return mined.status();
  return *pending > *mined;
}

}  // namespace baton::redeem
