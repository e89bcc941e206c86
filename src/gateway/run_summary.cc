#include "gateway/run_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "nlohmann/json.hpp"

namespace baton::gateway {

struct RunSummary::Totals {
  int ok = 0;
  int failed = 0;
  std::map<std::string, std::pair<int, std::string>> failures;  // kind → count, example
  double p50 = 0;
  double p99 = 0;
  double headers_p50 = 0;
  double headers_p99 = 0;
  double headers_max = 0;
  struct Session {
    int ok = 0;
    int failed = 0;
    bool refused = false;
    double latency_max = 0;
    double headers_max = 0;
  };
  std::map<int, Session> sessions;
  double content_s = 0;
  double wall_s = 0;
  double realtime_ratio = 0;
  int tickets = 0;
  int ticketless = 0;
  pm::Rat ev_sent = 0;
  pm::Rat fees = 0;
  pm::Rat credit_left = 0;
  int64_t pixels = 0;
  int64_t bytes_up = 0;
  int64_t bytes_down = 0;
  int signatures_verified = 0;
  int unsigned_results = 0;
  int pixels_verified = 0;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t index = static_cast<size_t>(std::clamp(rank, 1.0, double(values.size()))) - 1;
  return values[index];
}

void RunSummary::Add(SegmentOutcome outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  outcomes_.push_back(std::move(outcome));
}

void RunSummary::SetWallSeconds(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  wall_s_ = seconds;
}

void RunSummary::AddCreditLeft(const pm::Rat& wei) {
  std::lock_guard<std::mutex> lock(mu_);
  credit_left_ += wei;
}

int RunSummary::ok_count() const { return Compute().ok; }
int RunSummary::failed_count() const { return Compute().failed; }

std::vector<SegmentOutcome> RunSummary::outcomes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outcomes_;
}

RunSummary::Totals RunSummary::Compute() const {
  std::lock_guard<std::mutex> lock(mu_);
  Totals t;
  std::vector<double> latencies;
  std::vector<double> headers;
  for (const SegmentOutcome& o : outcomes_) {
    Totals::Session& session = t.sessions[o.session];
    (o.ok ? session.ok : session.failed)++;
    if (o.failure_kind == "session") session.refused = true;
    session.latency_max = std::max(session.latency_max, o.latency_s);
    session.headers_max = std::max(session.headers_max, o.headers_s);
    if (o.headers_s > 0) headers.push_back(o.headers_s);
    if (o.ok) {
      ++t.ok;
      t.content_s += o.content_s;  // only what came back counts as real-time work
    } else {
      ++t.failed;
      auto& [count, example] = t.failures[o.failure_kind];
      if (count++ == 0) example = o.failure;
    }
    if (o.latency_s > 0) latencies.push_back(o.latency_s);
    t.tickets += o.tickets;
    t.ticketless += o.ticketless;
    t.ev_sent += o.ev_sent;
    t.fees += o.fee;
    t.pixels += o.pixels;
    t.bytes_up += o.bytes_up;
    t.bytes_down += o.bytes_down;
    t.signatures_verified += o.signature == SignatureCheck::kVerified;
    t.unsigned_results += o.signature == SignatureCheck::kUnsigned;
    t.pixels_verified += o.pixels_verified;
  }
  t.p50 = Percentile(latencies, 50);
  t.p99 = Percentile(latencies, 99);
  t.headers_p50 = Percentile(headers, 50);
  t.headers_p99 = Percentile(headers, 99);
  t.headers_max = Percentile(headers, 100);
  t.wall_s = wall_s_;
  t.credit_left = credit_left_;
  t.realtime_ratio = wall_s_ > 0 ? t.content_s / wall_s_ : 0;
  return t;
}

namespace {

// Wei amounts are exact rationals; show them rounded, as people read them.
std::string Wei(const pm::Rat& value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", value.convert_to<double>());
  return buf;
}

std::string Fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

}  // namespace

std::string RunSummary::ToText() const {
  const Totals t = Compute();
  std::string out;
  out += "segments: " + std::to_string(t.ok + t.failed) + " total, " + std::to_string(t.ok) +
         " ok, " + std::to_string(t.failed) + " failed\n";
  for (const auto& [kind, entry] : t.failures) {
    out +=
        "  failed (" + kind + "): " + std::to_string(entry.first) + ", e.g. " + entry.second + "\n";
  }
  out += "verification: " + std::to_string(t.signatures_verified) + " signatures verified, " +
         std::to_string(t.unsigned_results) + " unsigned (offchain), " +
         std::to_string(t.pixels_verified) + " pixel recounts matched\n";
  out += "latency: p50 " + Fixed(t.p50, 3) + " s, p99 " + Fixed(t.p99, 3) + " s\n";
  out += "response headers: p50 " + Fixed(t.headers_p50, 3) + " s, p99 " + Fixed(t.headers_p99, 3) +
         " s, max " + Fixed(t.headers_max, 3) + " s\n";
  out += "real-time ratio: " + Fixed(t.realtime_ratio, 2) + " (" + Fixed(t.content_s, 1) +
         " s of content in " + Fixed(t.wall_s, 1) + " s)\n";
  out += "payments: " + std::to_string(t.tickets) + " tickets, EV sent " + Wei(t.ev_sent) +
         " wei, fees " + Wei(t.fees) + " wei for " + std::to_string(t.pixels) + " pixels\n";
  out += "ticketless payments: " + std::to_string(t.ticketless) + " of " +
         std::to_string(t.ok + t.failed) + " (credit covered the segment), credit left " +
         Wei(t.credit_left) + " wei\n";
  out +=
      "bytes: " + std::to_string(t.bytes_up) + " up, " + std::to_string(t.bytes_down) + " down\n";
  return out;
}

std::string RunSummary::ToJson() const {
  const Totals t = Compute();
  nlohmann::json failures = nlohmann::json::object();
  for (const auto& [kind, entry] : t.failures) {
    failures[kind] = {{"count", entry.first}, {"example", entry.second}};
  }
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& [index, s] : t.sessions) {
    sessions.push_back({{"session", index},
                        {"ok", s.ok},
                        {"failed", s.failed},
                        {"refused", s.refused},
                        {"latency_max_s", s.latency_max},
                        {"headers_max_s", s.headers_max}});
  }
  nlohmann::json j = {
      {"segments", t.ok + t.failed},
      {"ok", t.ok},
      {"failed", t.failed},
      {"failures", failures},
      {"latency_p50_s", t.p50},
      {"latency_p99_s", t.p99},
      {"headers_p50_s", t.headers_p50},
      {"headers_p99_s", t.headers_p99},
      {"headers_max_s", t.headers_max},
      {"per_session", sessions},
      {"content_s", t.content_s},
      {"wall_s", t.wall_s},
      {"realtime_ratio", t.realtime_ratio},
      {"tickets", t.tickets},
      {"ev_sent_wei", t.ev_sent.convert_to<double>()},
      {"fees_wei", t.fees.convert_to<double>()},
      {"ticketless_payments", t.ticketless},
      {"credit_left_wei", t.credit_left.convert_to<double>()},
      {"pixels", t.pixels},
      {"bytes_up", t.bytes_up},
      {"bytes_down", t.bytes_down},
      {"signatures_verified", t.signatures_verified},
      {"unsigned", t.unsigned_results},
      {"pixels_verified", t.pixels_verified},
  };
  return j.dump();
}

}  // namespace baton::gateway
