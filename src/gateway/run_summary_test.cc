#include "gateway/run_summary.h"

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"

namespace baton::gateway {
namespace {

SegmentOutcome Ok(int64_t seq, double latency) {
  SegmentOutcome o;
  o.seq = seq;
  o.ok = true;
  o.content_s = 2;
  o.latency_s = latency;
  o.tickets = 2;
  o.ev_sent = pm::Rat(5, 2);
  o.fee = 3;
  o.pixels = 1000;
  o.bytes_up = 100;
  o.bytes_down = 50;
  o.signature = SignatureCheck::kUnsigned;
  o.pixels_verified = true;
  return o;
}

SegmentOutcome Failed(int64_t seq, std::string kind, std::string message) {
  SegmentOutcome o;
  o.seq = seq;
  o.content_s = 2;
  o.failure_kind = std::move(kind);
  o.failure = std::move(message);
  return o;
}

TEST(PercentileTest, NearestRank) {
  std::vector<double> values;
  for (int i = 100; i >= 1; --i) values.push_back(i);  // unsorted on purpose
  EXPECT_EQ(Percentile(values, 50), 50);
  EXPECT_EQ(Percentile(values, 99), 99);
  EXPECT_EQ(Percentile(values, 100), 100);
  EXPECT_EQ(Percentile({7}, 99), 7);
  EXPECT_EQ(Percentile({3, 1, 2}, 50), 2);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 50), 2);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 99), 4);
  EXPECT_EQ(Percentile({}, 50), 0);
}

TEST(RunSummaryTest, TotalsAndGroupedFailures) {
  RunSummary summary;
  for (int i = 0; i < 8; ++i) summary.Add(Ok(i, 0.1 * (i + 1)));
  summary.Add(Failed(8, "transcode error", "OrchestratorBusy"));
  summary.Add(Failed(9, "transcode error", "MismatchedSegments"));
  summary.Add(Failed(10, "late", "no response headers within 2.0 s"));
  summary.SetWallSeconds(4);

  EXPECT_EQ(summary.ok_count(), 8);
  EXPECT_EQ(summary.failed_count(), 3);
  nlohmann::json j = nlohmann::json::parse(summary.ToJson());
  EXPECT_EQ(j["segments"], 11);
  EXPECT_EQ(j["failures"]["transcode error"]["count"], 2);
  EXPECT_EQ(j["failures"]["transcode error"]["example"], "OrchestratorBusy");
  EXPECT_EQ(j["failures"]["late"]["count"], 1);
  EXPECT_NEAR(j["latency_p50_s"].get<double>(), 0.4, 1e-9);
  EXPECT_NEAR(j["latency_p99_s"].get<double>(), 0.8, 1e-9);
  EXPECT_DOUBLE_EQ(j["content_s"].get<double>(), 16);  // only segments that came back
  EXPECT_DOUBLE_EQ(j["realtime_ratio"].get<double>(), 4);
  EXPECT_EQ(j["tickets"], 16);
  EXPECT_DOUBLE_EQ(j["ev_sent_wei"].get<double>(), 20);
  EXPECT_DOUBLE_EQ(j["fees_wei"].get<double>(), 24);
  EXPECT_EQ(j["pixels"], 8000);
  EXPECT_EQ(j["bytes_up"], 800);
  EXPECT_EQ(j["bytes_down"], 400);
  EXPECT_EQ(j["unsigned"], 8);
  EXPECT_EQ(j["signatures_verified"], 0);
  EXPECT_EQ(j["pixels_verified"], 8);

  std::string text = summary.ToText();
  EXPECT_NE(text.find("11 total, 8 ok, 3 failed"), std::string::npos) << text;
  EXPECT_NE(text.find("failed (transcode error): 2, e.g. OrchestratorBusy"), std::string::npos);
  EXPECT_NE(text.find("p50 0.400 s, p99 0.800 s"), std::string::npos) << text;
  EXPECT_NE(text.find("real-time ratio: 4.00"), std::string::npos) << text;
}

TEST(RunSummaryTest, CountsTicketlessPaymentsAndTheCreditLeft) {
  RunSummary summary;
  summary.Add(Ok(0, 0.1));
  for (int i = 1; i < 4; ++i) {
    SegmentOutcome o = Ok(i, 0.1);
    o.tickets = 0;
    o.ev_sent = 0;
    o.ticketless = true;
    summary.Add(o);
  }
  summary.AddCreditLeft(pm::Rat(1500));
  summary.AddCreditLeft(pm::Rat(500));
  nlohmann::json j = nlohmann::json::parse(summary.ToJson());
  EXPECT_EQ(j["ticketless_payments"], 3);
  EXPECT_EQ(j["tickets"], 2);
  EXPECT_DOUBLE_EQ(j["credit_left_wei"].get<double>(), 2000);
  std::string text = summary.ToText();
  EXPECT_NE(text.find("ticketless payments: 3 of 4 (credit covered the segment), credit left "
                      "2000 wei"),
            std::string::npos)
      << text;
}

TEST(RunSummaryTest, ConcurrentAddsAreAllKept) {
  RunSummary summary;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&summary, t] {
      for (int i = 0; i < 250; ++i) summary.Add(Ok(t * 1000 + i, 0.01));
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(summary.ok_count(), 1000);
}

}  // namespace
}  // namespace baton::gateway
