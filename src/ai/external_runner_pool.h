// ExternalRunnerPool: runners the operator runs (the `url` entries of -aiModels, doc/ai.md
// 4.3). The node does not start or stop them; it waits for each one's /health at start (an
// unreachable runner fails start-up with its URL named), reads its /version, and then lends it
// to at most `capacity` requests at once.
//
// Threads: every method may be called from any thread (one mutex). Start blocks while it waits
// for health; call it before serving.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ai/runner_pool.h"

namespace baton::ai {

class ExternalRunnerPool : public RunnerPool {
 public:
  struct Options {
    std::chrono::milliseconds ready_timeout{120'000};  // go-livepeer's external runner wait
    std::chrono::milliseconds poll_interval{500};
  };
  // `specs` with a url; others are ignored.
  ExternalRunnerPool(std::vector<ModelSpec> specs, Options options);
  ExternalRunnerPool(std::vector<ModelSpec> specs) : ExternalRunnerPool(std::move(specs), {}) {}
  ~ExternalRunnerPool() override;

  // Waits until every runner answers /health with 200 and a status other than ERROR, and reads
  // its version. An error names the runner that never got ready.
  absl::Status Start();

  absl::StatusOr<std::unique_ptr<RunnerLease>> Borrow(
      std::string_view pipeline, std::string_view model_id,
      std::chrono::steady_clock::time_point deadline) override;
  std::vector<ModelState> Models() const override;
  void Stop() override;

 private:
  class Lease;
  struct Runner {
    ModelSpec spec;
    int in_use = 0;
    std::string version;
  };
  // Shared with the leases, so a lease outliving the pool returns its slot harmlessly.
  struct State {
    std::mutex mu;
    std::vector<Runner> runners;
    bool stopped = false;
  };

  const Options options_;
  std::shared_ptr<State> state_;
};

// GET <url>/health until it answers 200 with a status other than ERROR, or `timeout` passes.
absl::Status WaitForRunnerHealth(const std::string& url, const std::string& token,
                                 std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds poll_interval);
// The `version` of GET <url>/version; "" when it does not answer.
std::string ReadRunnerVersion(const std::string& url, const std::string& token);

}  // namespace baton::ai
