#include "common/metrics.h"

#include <gtest/gtest.h>

namespace baton {
namespace {

TEST(Metrics, RendersPrometheusTextWithNodeLabels) {
  Metrics m("host", "orch");
  m.DefineGauge("livepeer_max_sessions_total", "Max sessions");
  m.DefineCounter("livepeer_segment_transcoded_total", "Segments");
  m.DefineHistogram("livepeer_transcode_time_seconds", "Time", {0.5, 1, 2});
  m.Set("livepeer_max_sessions_total", 10);
  m.Add("livepeer_segment_transcoded_total", 1, {{"profiles", "P240p30fps16x9"}});
  m.Add("livepeer_segment_transcoded_total", 2, {{"profiles", "P240p30fps16x9"}});
  m.Observe("livepeer_transcode_time_seconds", 0.7);
  m.Observe("livepeer_transcode_time_seconds", 5);
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE livepeer_max_sessions_total gauge"), std::string::npos);
  EXPECT_NE(text.find("livepeer_max_sessions_total{node_id=\"host\",node_type=\"orch\"} 10"),
            std::string::npos);
  EXPECT_NE(text.find("livepeer_segment_transcoded_total{node_id=\"host\",node_type=\"orch\","
                      "profiles=\"P240p30fps16x9\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("livepeer_transcode_time_seconds_bucket{node_id=\"host\",node_type=\"orch\","
                      "le=\"0.5\"} 0"),
            std::string::npos);
  EXPECT_NE(text.find("le=\"1\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(
      text.find("livepeer_transcode_time_seconds_sum{node_id=\"host\",node_type=\"orch\"} 5.7"),
      std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
}

TEST(Metrics, VersionsLikeFamiliesCarryNodeTypeOnly) {
  Metrics m("host", "orch");
  m.DefineGauge("livepeer_versions", "Versions", NodeLabels::kTypeOnly);
  m.Set("livepeer_versions", 1, {{"livepeerversion", "0.1.0"}});
  EXPECT_NE(m.Render().find("livepeer_versions{livepeerversion=\"0.1.0\",node_type=\"orch\"} 1"),
            std::string::npos);
}

TEST(Metrics, CollectorsRunAtEachRenderAndMayMirrorCounters) {
  Metrics m("host", "orch");
  m.DefineCounter("livepeer_reward_call_errors", "Errors");
  int errors = 0;
  m.AddCollector([&] { m.SetCounter("livepeer_reward_call_errors", errors); });
  errors = 2;
  EXPECT_NE(m.Render().find("livepeer_reward_call_errors{node_id=\"host\",node_type=\"orch\"} 2"),
            std::string::npos);
  errors = 5;
  EXPECT_NE(m.Render().find("livepeer_reward_call_errors{node_id=\"host\",node_type=\"orch\"} 5"),
            std::string::npos);
}

TEST(Metrics, AZeroBucketBoundIsDroppedAsGoLivepeersExporterDoes) {
  Metrics m("host", "orch");
  m.DefineHistogram("h", "H", {0, 1, 2});
  m.Observe("h", 0.5);
  const std::string text = m.Render();
  EXPECT_EQ(text.find("le=\"0\""), std::string::npos);
  EXPECT_NE(text.find("h_bucket{node_id=\"host\",node_type=\"orch\",le=\"1\"} 1"),
            std::string::npos);
}

TEST(Metrics, UndefinedMetricIsAProgrammingError) {
  Metrics m("h", "orch");
  EXPECT_THROW(m.Add("nope", 1), std::logic_error);
}

}  // namespace
}  // namespace baton
