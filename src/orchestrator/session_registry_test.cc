#include "orchestrator/session_registry.h"

#include <gtest/gtest.h>

namespace baton::orchestrator {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct FakeClock {
  SessionRegistry::Clock::time_point now = SessionRegistry::Clock::now();
  std::function<SessionRegistry::Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

TEST(SessionRegistry, CapsNewSessionsAndLetsKnownOnesPass) {
  FakeClock clock;
  SessionRegistry r(2, clock.fn());
  EXPECT_TRUE(*r.Acquire("a"));
  EXPECT_TRUE(*r.Acquire("b"));
  EXPECT_EQ(r.CheckCapacity("").message(), "OrchestratorCapped");
  EXPECT_EQ(r.Acquire("c").status().message(), "OrchestratorCapped");
  EXPECT_FALSE(*r.Acquire("a"));  // known
  EXPECT_TRUE(r.CheckCapacity("b").ok());
  r.Release("a");
  EXPECT_TRUE(*r.Acquire("c"));
}

TEST(SessionRegistry, AbandonedSessionsStopCountingAfterTwoSegmentDurations) {
  FakeClock clock;
  SessionRegistry r(1, clock.fn());
  ASSERT_TRUE(*r.Acquire("a", milliseconds(3000)));
  clock.now += seconds(5);
  EXPECT_EQ(r.in_use(), 1);
  EXPECT_EQ(r.CheckCapacity("").message(), "OrchestratorCapped");
  clock.now += seconds(2);  // 7 s > 2 x 3 s without a segment: the gateway left
  EXPECT_EQ(r.in_use(), 0);
  EXPECT_TRUE(r.CheckCapacity("").ok());
  ASSERT_TRUE(*r.Acquire("b", milliseconds(2000)));
  // The lapsed session comes back: known, it passes (go-livepeer lets known sessions pass).
  EXPECT_FALSE(*r.Acquire("a", milliseconds(3000)));
  EXPECT_EQ(r.in_use(), 2);
}

TEST(SessionRegistry, WorkInProgressKeepsASessionLive) {
  FakeClock clock;
  SessionRegistry r(1, clock.fn());
  ASSERT_TRUE(*r.Acquire("a", milliseconds(1000)));  // lapse: at least kMinLapse
  clock.now += milliseconds(3500);
  r.Touch("a");  // a slow segment finished
  clock.now += milliseconds(3500);
  EXPECT_EQ(r.in_use(), 1);
  clock.now += SessionRegistry::kMinLapse;
  EXPECT_EQ(r.in_use(), 0);
}

TEST(SessionRegistry, CapacitySourceAndNewSessionCheck) {
  FakeClock clock;
  SessionRegistry r(10, clock.fn());
  int capacity = 1;
  absl::Status check;
  r.set_capacity_source([&] { return capacity; }, [&] { return check; });
  EXPECT_EQ(r.max(), 1);
  ASSERT_TRUE(*r.Acquire("a"));
  EXPECT_EQ(r.Acquire("b").status().message(), "OrchestratorCapped");
  capacity = 3;
  check = absl::ResourceExhaustedError("OrchestratorBusy");
  EXPECT_EQ(r.CheckCapacity("").message(), "OrchestratorBusy");
  EXPECT_FALSE(*r.Acquire("a"));  // a running session is never refused
  check = absl::OkStatus();
  EXPECT_TRUE(*r.Acquire("b"));
}

}  // namespace
}  // namespace baton::orchestrator
