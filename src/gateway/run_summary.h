// RunSummary: what one gateway run did, segment by segment, and the figures printed at the
// end: segments ok/failed (failures grouped by kind, with an example message), latency
// p50/p99 (submit → complete response), real-time ratio, tickets sent, expected value sent,
// fees (price × pixels the orchestrator reported), payments without tickets and the credit
// left with the orchestrator, bytes up/down, verification counts.
//
// Thread-safety: Add() may be called from several threads; the other methods too (they lock).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "pm/rational.h"

namespace baton::gateway {

enum class SignatureCheck { kNotChecked, kVerified, kUnsigned };

struct SegmentOutcome {
  int session = 0;
  int64_t seq = 0;
  double content_s = 0;  // the segment's media duration
  bool ok = false;
  std::string failure_kind;  // short and stable, e.g. "transcode error", "pixel mismatch"
  std::string failure;       // the full message
  double latency_s = 0;      // POST /segment start → last response byte; 0 if none came
  double headers_s = 0;      // POST /segment start → response headers (the early 200); 0 if none
  int tickets = 0;
  // A payment without tickets: the session's credit with the orchestrator covered the segment.
  bool ticketless = false;
  pm::Rat ev_sent = 0;  // Σ ticket EV in wei
  pm::Rat fee = 0;      // expected price × Σ reported pixels, in wei
  int64_t pixels = 0;   // Σ reported pixels
  int64_t bytes_up = 0;
  int64_t bytes_down = 0;  // /segment response plus downloads
  SignatureCheck signature = SignatureCheck::kNotChecked;
  bool pixels_verified = false;
};

// Nearest-rank percentile (p in (0, 100]) of the values; 0 for none.
double Percentile(std::vector<double> values, double p);

class RunSummary {
 public:
  void Add(SegmentOutcome outcome);
  void SetWallSeconds(double seconds);
  // A session's credit with its orchestrator when it ended (summed over sessions).
  void AddCreditLeft(const pm::Rat& wei);

  int ok_count() const;
  int failed_count() const;
  std::vector<SegmentOutcome> outcomes() const;

  // Human-readable, several lines.
  std::string ToText() const;
  // One JSON object (keys: segments, ok, failed, failures{kind: {count, example}},
  // latency_p50_s, latency_p99_s, headers_p50_s, headers_p99_s, headers_max_s,
  // per_session[{session, ok, failed, refused (could not start), latency_max_s,
  // headers_max_s}], content_s, wall_s, realtime_ratio, tickets, ev_sent_wei,
  // fees_wei, ticketless_payments, credit_left_wei, pixels, bytes_up, bytes_down,
  // signatures_verified, unsigned, pixels_verified).
  std::string ToJson() const;

 private:
  struct Totals;
  Totals Compute() const;

  mutable std::mutex mu_;
  std::vector<SegmentOutcome> outcomes_;
  double wall_s_ = 0;
  pm::Rat credit_left_ = 0;
};

}  // namespace baton::gateway
