#include "transcode/thread_budget.h"

#include <gtest/gtest.h>

#include <vector>

namespace baton::transcode {
namespace {

TEST(ThreadBudgetTest, LoneSegmentGetsAllCores) {
  ThreadBudget budget(4);
  ThreadBudget::Lease lease = budget.Acquire();
  EXPECT_EQ(lease.threads(), 4);
  EXPECT_EQ(budget.active(), 1);
}

TEST(ThreadBudgetTest, ConcurrentSegmentsSplitTheCores) {
  ThreadBudget budget(4);
  ThreadBudget::Lease a = budget.Acquire();
  ThreadBudget::Lease b = budget.Acquire();
  EXPECT_EQ(b.threads(), 2);
  ThreadBudget::Lease c = budget.Acquire();
  ThreadBudget::Lease d = budget.Acquire();
  EXPECT_EQ(d.threads(), 1);
  ThreadBudget::Lease e = budget.Acquire();
  EXPECT_EQ(e.threads(), 1) << "never below one thread";
}

TEST(ThreadBudgetTest, ReleasedLeasesReturnTheirShare) {
  ThreadBudget budget(2);
  {
    std::vector<ThreadBudget::Lease> leases;
    leases.push_back(budget.Acquire());
    leases.push_back(budget.Acquire());
    EXPECT_EQ(budget.active(), 2);
  }
  EXPECT_EQ(budget.active(), 0);
  EXPECT_EQ(budget.Acquire().threads(), 2);
}

TEST(ThreadBudgetTest, MovedLeaseReleasesOnce) {
  ThreadBudget budget(2);
  {
    ThreadBudget::Lease a = budget.Acquire();
    ThreadBudget::Lease b(std::move(a));
    EXPECT_EQ(budget.active(), 1);
  }
  EXPECT_EQ(budget.active(), 0);
}

}  // namespace
}  // namespace baton::transcode
