// Prometheus metrics with go-livepeer's names (doc/ops.md section 4), rendered in the text
// exposition format for GET /metrics on the operator port.
//
// A Metrics object owns every series. Counters, gauges and histograms are identified by name
// plus a label set; every series also carries node_id and node_type as go-livepeer's do (except
// a family defined with NodeLabels::kTypeOnly, like go-livepeer's livepeer_versions). Values
// owned elsewhere (the ticket ledger, the gas price monitor) are read when scraped: collectors
// added with AddCollector run at the start of every Render, outside the lock, and Set them.
// All methods are thread-safe (one mutex: metric updates are rare next to the work they count).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace baton {

using Labels = std::map<std::string, std::string>;

// Which of go-livepeer's node labels a family's series carry.
enum class NodeLabels { kIdAndType, kTypeOnly };

class Metrics {
 public:
  Metrics(std::string node_id, std::string node_type);

  void DefineCounter(const std::string& name, const std::string& help);
  void DefineGauge(const std::string& name, const std::string& help,
                   NodeLabels node_labels = NodeLabels::kIdAndType);
  // `bounds` ascending; a 0 bound is dropped, as go-livepeer's OpenCensus exporter does.
  void DefineHistogram(const std::string& name, const std::string& help,
                       std::vector<double> bounds);

  void Add(const std::string& name, double value, const Labels& labels = {});
  // A counter mirrored from a monotonic count kept elsewhere (e.g. reward errors).
  void SetCounter(const std::string& name, double value, const Labels& labels = {});
  void Set(const std::string& name, double value, const Labels& labels = {});
  void Observe(const std::string& name, double value, const Labels& labels = {});

  // `collect` runs at the start of every Render (any thread, outside the lock; it may call Set,
  // Add and SetCounter). Add collectors before the operator port starts.
  void AddCollector(std::function<void()> collect);

  // Text format 0.0.4, including process_* metrics read from /proc.
  std::string Render();

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct HistogramData {
    std::vector<double> counts;  // per bound, not cumulative
    double sum = 0;
    double count = 0;
  };
  struct Family {
    Type type;
    std::string help;
    NodeLabels node_labels = NodeLabels::kIdAndType;
    std::vector<double> bounds;
    std::map<Labels, double> values;
    std::map<Labels, HistogramData> histograms;
  };
  Labels WithNodeLabels(const Family& family, const Labels& labels) const;
  Family* FindLocked(const std::string& name, Type type);

  std::string node_id_;
  std::string node_type_;
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<std::function<void()>> collectors_;  // set before serving; read without mu_
};

}  // namespace baton
