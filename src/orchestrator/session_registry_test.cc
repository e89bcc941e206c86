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

// Issue 11: the busy check is the local transcoder's; remote room lets a new session in.
TEST(SessionRegistry, BusyLocalTranscoderStillTakesSessionsWhileRemoteOnesHaveRoom) {
  FakeClock clock;
  SessionRegistry r(10, clock.fn());
  const absl::Status busy = absl::ResourceExhaustedError("OrchestratorBusy");
  r.set_capacity_source([] { return 1; }, [&] { return busy; });
  r.set_remote_capacity(2);
  int remote_free = 2;
  r.set_remote_room([&] { return remote_free > 0; });
  EXPECT_TRUE(r.CheckCapacity("").ok());
  ASSERT_TRUE(*r.Acquire("a"));
  remote_free = 1;
  ASSERT_TRUE(*r.Acquire("b"));
  remote_free = 0;  // the remote transcoders are full: the local check decides again
  EXPECT_EQ(r.CheckCapacity("").message(), "OrchestratorBusy");
  EXPECT_EQ(r.Acquire("c").status().message(), "OrchestratorBusy");
  remote_free = 5;  // room there, but the node's capacity (1 + 2) is what caps
  ASSERT_TRUE(*r.Acquire("c"));
  EXPECT_EQ(r.Acquire("d").status().message(), "OrchestratorCapped");
}

}  // namespace
}  // namespace baton::orchestrator
