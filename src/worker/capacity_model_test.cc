#include "worker/capacity_model.h"

#include <gtest/gtest.h>

#include <string>

namespace baton::worker {
namespace {

using Clock = CapacityModel::Clock;
using std::chrono::milliseconds;

CapacityModel::Options TwoCores() {
  CapacityModel::Options o;
  o.cores = 2;
  o.target_ratio = 0.8;
  return o;
}

// `sessions` sessions, each sending a 2 s segment every 2 s for `seconds`, each segment taking
// `wall_s` and the process burning `cpu_per_segment` core-seconds per segment.
Clock::time_point Stream(CapacityModel& model, Clock::time_point t0, int sessions, int seconds,
                         double wall_s, double cpu_per_segment, double* cpu) {
  Clock::time_point t = t0;
  for (int s = 0; s < seconds; s += 2) {
    for (int i = 0; i < sessions; ++i) {
      const Clock::time_point start = t0 + std::chrono::seconds(s) + milliseconds(i);
      const Clock::time_point end = start + milliseconds(static_cast<int>(wall_s * 1000));
      *cpu += cpu_per_segment;
      model.RecordSegment("s" + std::to_string(i), start, end, 2.0, *cpu);
      t = end;
    }
  }
  return t;
}

TEST(CapacityModel, ProvisionalUntilCalibrated) {
  CapacityModel model(TwoCores());
  auto s = model.Current();
  EXPECT_EQ(s.reason, "provisional");
  EXPECT_EQ(s.sessions, 10);
}

TEST(CapacityModel, CalibrationGivesTargetTimesCoresOverCost) {
  CapacityModel model(TwoCores());
  int notified = -1;
  model.OnChange([&](int n) { notified = n; });
  // 0.2 core-s per content second; 2 cores at 0.8 of real time: 8 sessions.
  model.SetCalibration({0.2, 2.0, 0.1});
  auto s = model.Current();
  EXPECT_EQ(s.reason, "calibrated");
  EXPECT_EQ(s.sessions, 8);
  EXPECT_EQ(notified, 8);
  // A machine that gave us only one core while calibrating: half.
  model.SetCalibration({0.2, 1.0, 0.2});
  EXPECT_EQ(model.Current().sessions, 4);
}

TEST(CapacityModel, ConfiguredNumberWins) {
  CapacityModel model(TwoCores());
  model.SetCalibration({0.2, 2.0, 0.1});
  model.SetFixed(3);
  EXPECT_EQ(model.Current().sessions, 3);
  EXPECT_EQ(model.Current().reason, "configured");
  EXPECT_TRUE(model.CheckNewSession().ok());
  model.SetAuto();
  EXPECT_EQ(model.Current().sessions, 8);
}

TEST(CapacityModel, RunningSessionsRefineTheCost) {
  CapacityModel model(TwoCores());
  model.SetCalibration({0.2, 2.0, 0.1});  // the default ladder from 720p
  // Lighter sessions (360p -> 240p): 0.1 core-s per segment of 2 s = 0.05 per content second.
  double cpu = 100;
  Clock::time_point t0 = Clock::now() - std::chrono::seconds(40);
  Clock::time_point end = Stream(model, t0, 2, 20, 0.1, 0.1, &cpu);
  auto s = model.Current(end);
  EXPECT_EQ(s.reason, "measured");
  EXPECT_NEAR(s.cpu_per_content_s, 0.05, 0.01);
  EXPECT_GE(s.sessions, 25);  // 0.8 x 2 / 0.05 = 32 (minus the window's edges)
  // Heavier sessions (1080p -> 4 rungs): 1.6 core-s per 2 s segment.
  end = Stream(model, end + std::chrono::seconds(40), 1, 20, 0.9, 1.6, &cpu);
  s = model.Current(end);
  EXPECT_NEAR(s.cpu_per_content_s, 0.8, 0.1);
  EXPECT_LE(s.sessions, 2);
}

TEST(CapacityModel, SessionsBehindRealTimeCutCapacityAndRefuseNewOnes) {
  CapacityModel::Options o = TwoCores();
  CapacityModel model(o);
  // Calibration said 8, but the machine is shared: 6 sessions take 1.9 s for each 2 s segment.
  model.SetCalibration({0.2, 2.0, 0.1});
  double cpu = 0;
  Clock::time_point end =
      Stream(model, Clock::now() - std::chrono::seconds(20), 6, 20, 1.9, 0.2, &cpu);
  auto s = model.Current(end);
  EXPECT_NEAR(s.recent_ratio, 0.95, 0.01);
  EXPECT_EQ(s.reason, "behind");
  EXPECT_EQ(s.sessions, 5);  // 6 x 0.8 / 0.95
  absl::Status busy = model.CheckNewSession(end);
  EXPECT_EQ(busy.message(), "OrchestratorBusy");
  // Once they are gone from the ratio window, new sessions are welcome again.
  EXPECT_TRUE(model.CheckNewSession(end + std::chrono::seconds(11)).ok());
}

TEST(CapacityModel, CpuObtainedWhileTranscodingRaisesAPessimisticCalibration) {
  CapacityModel model(TwoCores());
  // Calibrated on a busy machine: 0.3 cores obtained, 0.6 core-s per content second.
  model.SetCalibration({0.6, 0.3, 3.0});
  EXPECT_EQ(model.Current().sessions, 1);
  // One light session: 0.2 core-s per 2 s segment, done in 0.2 s: a whole core while busy.
  double cpu = 0;
  Clock::time_point end =
      Stream(model, Clock::now() - std::chrono::seconds(20), 1, 20, 0.2, 0.2, &cpu);
  auto s = model.Current(end);
  EXPECT_NEAR(s.cores, 1.0, 0.05);
  EXPECT_EQ(s.sessions, 8);  // 0.8 x 1 core / 0.1
  // The sessions end: the last window's figures stay (the next sessions are likely the same
  // kind), not the calibration's heavier ladder.
  s = model.Current(end + std::chrono::minutes(5));
  EXPECT_EQ(s.reason, "measured");
  EXPECT_EQ(s.sessions, 8);
}

TEST(CapacityModel, AtLeastOneSession) {
  CapacityModel model(TwoCores());
  model.SetCalibration({5.0, 2.0, 3.0});  // a machine far too slow for the default ladder
  EXPECT_EQ(model.Current().sessions, 1);
}

}  // namespace
}  // namespace baton::worker
