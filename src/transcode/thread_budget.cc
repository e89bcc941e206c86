#include "transcode/thread_budget.h"

#include <algorithm>
#include <thread>

namespace baton::transcode {

ThreadBudget::Lease::Lease(Lease&& other) noexcept
    : owner_(other.owner_), threads_(other.threads_) {
  other.owner_ = nullptr;
}

ThreadBudget::Lease::~Lease() {
  if (owner_ != nullptr) owner_->Release();
}

ThreadBudget::ThreadBudget(int cores) : cores_(std::max(1, cores)) {}

ThreadBudget& ThreadBudget::Global() {
  static ThreadBudget budget(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return budget;
}

ThreadBudget::Lease ThreadBudget::Acquire() {
  std::lock_guard<std::mutex> lock(mu_);
  ++active_;
  return Lease(this, std::max(1, cores_ / active_));
}

int ThreadBudget::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

void ThreadBudget::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  --active_;
}

}  // namespace baton::transcode
