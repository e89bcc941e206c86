#include "ai/combined_runner_pool.h"

#include <gtest/gtest.h>

namespace baton::ai {
namespace {

// Stand-in pools: each answers Borrow with a fixed status, or a lease naming it.
class NamedLease : public RunnerLease {
 public:
  explicit NamedLease(std::string url) : url_(std::move(url)) {}
  const std::string& base_url() const override { return url_; }
  const std::string& token() const override { return token_; }
  void MarkSuspect() override {}

 private:
  std::string url_, token_;
};

class FixedPool : public RunnerPool {
 public:
  FixedPool(absl::Status status, std::string name) : status_(status), name_(std::move(name)) {}
  absl::StatusOr<std::unique_ptr<RunnerLease>> Borrow(
      std::string_view, std::string_view, std::chrono::steady_clock::time_point) override {
    if (!status_.ok()) return status_;
    return std::unique_ptr<RunnerLease>(new NamedLease(name_));
  }
  std::vector<ModelState> Models() const override { return {}; }
  void Stop() override {}

 private:
  absl::Status status_;
  std::string name_;
};

absl::StatusOr<std::unique_ptr<RunnerLease>> BorrowFrom(std::vector<absl::Status> statuses) {
  std::vector<std::unique_ptr<RunnerPool>> pools;
  for (size_t i = 0; i < statuses.size(); ++i)
    pools.push_back(std::make_unique<FixedPool>(statuses[i], "pool" + std::to_string(i)));
  CombinedRunnerPool combined(std::move(pools));
  return combined.Borrow("text-to-image", "m", std::chrono::steady_clock::now());
}

// A model served by the local runners and by a remote worker is advertised with both
// capacities (Models() adds them up): local runners all busy must not refuse the request while
// the remote worker has room.
TEST(CombinedRunnerPoolTest, AFullPoolLeavesTheRequestToTheNextOne) {
  auto lease =
      BorrowFrom({absl::ResourceExhaustedError("insufficient capacity"), absl::OkStatus()});
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ((*lease)->base_url(), "pool1");
  lease = BorrowFrom({absl::UnavailableError("not running"), absl::OkStatus()});
  ASSERT_TRUE(lease.ok()) << lease.status();
  // The first pool that has room wins.
  lease = BorrowFrom({absl::NotFoundError("x"), absl::OkStatus(), absl::OkStatus()});
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ((*lease)->base_url(), "pool1");
}

TEST(CombinedRunnerPoolTest, WhenNoneLendsTheMostTellingErrorIsReturned) {
  // A pool that serves the model but is full says more than one that does not serve it.
  EXPECT_TRUE(absl::IsResourceExhausted(
      BorrowFrom({absl::NotFoundError("x"), absl::ResourceExhaustedError("full")}).status()));
  EXPECT_TRUE(absl::IsResourceExhausted(
      BorrowFrom({absl::ResourceExhaustedError("full"), absl::NotFoundError("x")}).status()));
  EXPECT_TRUE(
      absl::IsNotFound(BorrowFrom({absl::NotFoundError("x"), absl::NotFoundError("y")}).status()));
  EXPECT_TRUE(absl::IsNotFound(BorrowFrom({}).status()));
}

}  // namespace
}  // namespace baton::ai
