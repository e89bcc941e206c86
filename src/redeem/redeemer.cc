#include "redeem/redeemer.h"

#include <spdlog/spdlog.h>

#include "common/hex.h"
#include "eth/contracts.h"

namespace baton::redeem {
namespace {

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// go-livepeer's permanent failures (pm.md 2.6), plus the contract's own texts for the same.
bool Permanent(const std::string& message) {
  for (const char* text :
       {"ticket is used", "ticket already used", "transaction failed", "does not have a block hash",
        "ticket is expired", "ticket did not win", "invalid signature over ticket hash",
        "recipientRand does not match", "creationRoundBlockHash invalid"}) {
    if (message.find(text) != std::string::npos) return true;
  }
  return false;
}

eth::contracts::Ticket ToContractTicket(const pm::Ticket& t) {
  return {t.recipient,
          t.sender,
          t.face_value,
          t.win_prob,
          crypto::U256(t.sender_nonce),
          t.recipient_rand_hash,
          t.expiration.AuxData()};
}

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
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Redeemer::OnNewBlock() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_all();
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

bool Redeemer::BackingOff(const ledger::LedgerEntry& e) const {
  if (e.attempts == 0) return false;
  int64_t delay = std::min<int64_t>(int64_t{1} << std::min(e.attempts, 8), 300);
  return Now() < e.updated_at + delay;
}

void Redeemer::Pass() {
  std::lock_guard pass(pass_mu_);
  auto entries = ledger_->Unsettled();
  if (!entries.ok()) {
    spdlog::error("redeemer: {}", std::string(entries.status().message()));
    return;
  }
  for (const auto& e : *entries) {
    if (BackingOff(e)) continue;
    absl::Status why;
    Settle(e, /*force=*/false, &why);
  }
}

absl::Status Redeemer::RedeemNow(int64_t id) {
  std::lock_guard pass(pass_mu_);
  auto e = ledger_->Get(id);
  if (!e.ok()) return e.status();
  if (e->state != ledger::TicketState::kQueued && e->state != ledger::TicketState::kSubmitted)
    return absl::FailedPreconditionError("ticket " + std::to_string(id) + " is " +
                                         ledger::StateName(e->state));
  absl::Status why;
  Outcome o = Settle(*e, /*force=*/true, &why);
  if (o == Outcome::kDone) return absl::OkStatus();
  return why.ok() ? absl::UnavailableError("not redeemable yet") : why;
}

Redeemer::Outcome Redeemer::Reconcile(const ledger::LedgerEntry& e) {
  // Submitted before (perhaps before a crash): the chain decides, never a blind resend.
  auto pending = client_->IsTransactionPending(e.tx_hash);
  if (pending.ok() && pending->value_or(false)) return Outcome::kWaiting;
  auto receipt = client_->GetTransactionReceipt(e.tx_hash);
  if (receipt.ok() && receipt->has_value()) {
    if ((*receipt)->status == 1) {
      (void)ledger_->MarkRedeemed(e.id, e.tx_hash);
      if (hooks_.redeemed) hooks_.redeemed(e.ticket.ticket.face_value);
      return Outcome::kDone;
    }
  }
  return Outcome::kRetry;  // dropped or reverted: decide again from usedTickets below
}

absl::Status Redeemer::CheckFunds(const ledger::LedgerEntry& e, const crypto::U256& tx_cost) {
  const auto& broker = watcher_->contracts().ticket_broker;
  const auto& t = e.ticket.ticket;
  auto info = eth::contracts::GetSenderInfo(*client_, broker, t.sender);
  if (!info.ok()) return info.status();
  auto claimable = eth::contracts::ClaimableReserve(*client_, broker, t.sender, t.recipient);
  if (!claimable.ok()) return claimable.status();
  // With nothing to pay from, the contract would burn the ticket for 0 (pm.md 4.3 hazard).
  if (info->deposit == 0 && *claimable == 0)
    return absl::FailedPreconditionError("sender " + t.sender.ChecksumHex() +
                                         " has no deposit and no claimable reserve");
  if (info->deposit + *claimable <= tx_cost)
    return absl::FailedPreconditionError("insufficient sender funds for redeem tx cost");
  return absl::OkStatus();
}

Redeemer::Outcome Redeemer::Settle(const ledger::LedgerEntry& e, bool force, absl::Status* why) {
  const auto& t = e.ticket.ticket;
  if (e.state == ledger::TicketState::kSubmitted && Reconcile(e) != Outcome::kRetry)
    return Outcome::kDone;
  auto wait = [&](absl::Status s) {
    *why = s;
    return Outcome::kWaiting;
  };
  auto retry = [&](absl::Status s) {
    *why = s;
    (void)ledger_->RecordAttempt(e.id, std::string(s.message()));
    if (hooks_.error) hooks_.error();
    return Outcome::kRetry;
  };
  auto fail = [&](const std::string& reason) {
    *why = absl::FailedPreconditionError(reason);
    (void)ledger_->MarkFailed(e.id, reason);
    spdlog::warn("winning ticket {} will not be redeemed: {}", e.id, reason);
    return Outcome::kDone;
  };
  int64_t round = watcher_->CurrentRound();
  if (t.expiration.creation_round + options_.ticket_validity_rounds <= round) {
    (void)ledger_->MarkExpired(e.id);
    *why = absl::FailedPreconditionError("ticket is expired");
    return Outcome::kDone;
  }
  if (e.ticket.params_expiration_block > watcher_->LastSeenL1Block())
    return wait(absl::UnavailableError("ticket parameters have not expired yet"));
  auto used = eth::contracts::UsedTickets(*client_, watcher_->contracts().ticket_broker, t.Hash());
  if (!used.ok()) return retry(used.status());
  if (*used) {
    // Already on chain (ours, sent just before a crash, or anyone's: redemption is open).
    (void)ledger_->MarkRedeemed(e.id, e.tx_hash);
    return Outcome::kDone;
  }
  auto gas_price = gas_->SuggestGasPrice();
  if (!gas_price.ok()) return wait(gas_price.status());  // above -maxGasPrice: wait
  crypto::U256 tx_cost = crypto::U256(options_.redeem_gas) * *gas_price;
  bool last_round = t.expiration.creation_round + options_.ticket_validity_rounds - 1 <= round;
  int multiple = (force || last_round) ? 1 : options_.profit_multiple;
  if (t.face_value <= tx_cost * multiple)
    return wait(absl::FailedPreconditionError(
        "insufficient ticket face value for redeem tx cost at the current gas price"));
  if (auto s = CheckFunds(e, tx_cost); !s.ok()) return retry(s);

  auto calldata = eth::contracts::RedeemWinningTicketCalldata(ToContractTicket(t), e.ticket.sig,
                                                              e.ticket.recipient_rand);
  if (!calldata.ok()) return fail(std::string(calldata.status().message()));
  eth::CallRequest sim;
  sim.from = options_.account;
  sim.to = watcher_->contracts().ticket_broker;
  sim.data = *calldata;
  if (auto r = client_->Call(sim); !r.ok()) {
    std::string reason(r.status().message());
    return Permanent(reason) ? fail(reason) : retry(r.status());
  }
  eth::TxRequest tx{watcher_->contracts().ticket_broker, *calldata, 0, 0, "redeemWinningTicket"};
  auto sent = txs_->Send(tx);
  if (!sent.ok()) return retry(sent.status());
  (void)ledger_->MarkSubmitted(e.id, sent->hash);
  auto receipt = txs_->Wait(*sent);
  if (!receipt.ok()) {
    std::string reason(receipt.status().message());
    if (Permanent(reason)) return fail(reason);
    *why = receipt.status();
    return Outcome::kRetry;  // stays submitted; reconciled on the next pass
  }
  (void)ledger_->MarkRedeemed(e.id, receipt->tx_hash);
  if (hooks_.redeemed) hooks_.redeemed(t.face_value);
  spdlog::info("Redeemed winning ticket {} from {} for {} wei (tx {})", e.id,
               t.sender.ChecksumHex(), crypto::U256ToDecimal(t.face_value),
               HexEncode0x(receipt->tx_hash));
  return Outcome::kDone;
}

}  // namespace baton::redeem
