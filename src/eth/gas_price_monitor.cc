#include "eth/gas_price_monitor.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"

namespace baton::eth {
namespace {

std::string Gwei(const crypto::U256& wei) {
  crypto::U256 whole = wei / 1000000000, frac = wei % 1000000000;
  std::string f = crypto::U256ToDecimal(frac);
  f = std::string(9 - f.size(), '0') + f;
  while (!f.empty() && f.back() == '0') f.pop_back();
  return crypto::U256ToDecimal(whole) + (f.empty() ? "" : "." + f);
}

}  // namespace

GasPriceMonitor::GasPriceMonitor(std::shared_ptr<const EthClient> client, GasPriceOptions options)
    : client_(std::move(client)),
      interval_(options.interval),
      min_(options.min_gas_price),
      max_(options.max_gas_price) {}

GasPriceMonitor::~GasPriceMonitor() { Stop(); }

absl::Status GasPriceMonitor::Start() {
  if (auto s = Poll(); !s.ok()) return s;
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) {
    stopping_ = false;
    thread_ = std::thread([this] { Run(); });
  }
  return absl::OkStatus();
}

void GasPriceMonitor::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GasPriceMonitor::Run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    if (auto s = Poll(); !s.ok())
      spdlog::warn("gas price poll failed: {}", std::string(s.message()));
    lock.lock();
  }
}

absl::Status GasPriceMonitor::Poll() {
  auto price = client_->GasPrice();
  if (!price.ok()) return price.status();
  std::lock_guard lock(mu_);
  polled_ = *price;
  return absl::OkStatus();
}

crypto::U256 GasPriceMonitor::GasPrice() const {
  std::lock_guard lock(mu_);
  return polled_ > min_ ? polled_ : min_;
}

absl::StatusOr<crypto::U256> GasPriceMonitor::SuggestGasPrice() const {
  crypto::U256 price = GasPrice();
  std::optional<crypto::U256> max = MaxGasPrice();
  if (max && price > *max)
    return absl::FailedPreconditionError(
        absl::StrCat("current gas price exceeds maximum gas price max=", Gwei(*max),
                     " GWei current=", Gwei(price), " GWei"));
  return price;
}

std::optional<crypto::U256> GasPriceMonitor::MaxGasPrice() const {
  std::lock_guard lock(mu_);
  if (max_ == 0) return std::nullopt;
  return max_;
}

void GasPriceMonitor::SetMaxGasPrice(const crypto::U256& max) {
  std::lock_guard lock(mu_);
  max_ = max;
}

crypto::U256 GasPriceMonitor::MinGasPrice() const {
  std::lock_guard lock(mu_);
  return min_;
}

void GasPriceMonitor::SetMinGasPrice(const crypto::U256& min) {
  std::lock_guard lock(mu_);
  min_ = min;
}

}  // namespace baton::eth
