// CombinedRunnerPool: one RunnerPool over several (external runners, managed containers): a
// Borrow goes to the first pool that serves the model and lends a runner. Pools answer NOT_FOUND
// for a model they do not serve; this pool answers NOT_FOUND only when none does.
//
// Owns its pools. Thread-safe as its pools are (the list is fixed at construction).
#pragma once

#include <memory>
#include <vector>

#include "ai/runner_pool.h"

namespace baton::ai {

class CombinedRunnerPool : public RunnerPool {
 public:
  explicit CombinedRunnerPool(std::vector<std::unique_ptr<RunnerPool>> pools)
      : pools_(std::move(pools)) {}
  ~CombinedRunnerPool() override { Stop(); }

  absl::StatusOr<std::unique_ptr<RunnerLease>> Borrow(
      std::string_view pipeline, std::string_view model_id,
      std::chrono::steady_clock::time_point deadline) override {
    // A model may be served by several pools (local runners and remote AI workers), whose
    // capacities Models() adds up: a full one leaves the request to the next. When none lends,
    // the first pool that serves the model says why (e.g. insufficient capacity).
    absl::Status first_error;
    for (const auto& pool : pools_) {
      auto lease = pool->Borrow(pipeline, model_id, deadline);
      if (lease.ok()) return lease;
      if (!absl::IsNotFound(lease.status()) && first_error.ok()) first_error = lease.status();
    }
    if (!first_error.ok()) return first_error;
    return absl::NotFoundError("no runner for this model");
  }
  std::vector<ModelState> Models() const override {
    std::vector<ModelState> out;
    for (const auto& pool : pools_)
      for (ModelState& m : pool->Models()) out.push_back(std::move(m));
    return out;
  }
  void Stop() override {
    for (const auto& pool : pools_) pool->Stop();
  }

 private:
  std::vector<std::unique_ptr<RunnerPool>> pools_;
};

}  // namespace baton::ai
