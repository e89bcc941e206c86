#include "common/metrics.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "absl/strings/numbers.h"

namespace baton {
namespace {

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string FormatLabels(const Labels& labels, const std::string& extra = "") {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += (first ? "" : ",") + k + "=\"" + Escape(v) + "\"";
    first = false;
  }
  if (!extra.empty()) out += (first ? "" : ",") + extra;
  return out + "}";
}

std::string FormatNumber(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

// process_* series as the Prometheus client libraries define them, from /proc/self.
std::string ProcessMetrics() {
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream fields(stat.substr(close + 2));
  std::vector<std::string> f((std::istream_iterator<std::string>(fields)), {});
  if (f.size() < 22) return "";
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // Parsed without exceptions like any text from outside: an odd field reads as 0.
  auto number = [](const std::string& text) {
    double v = 0;
    return absl::SimpleAtod(text, &v) ? v : 0.0;
  };
  double cpu = (number(f[11]) + number(f[12])) / ticks;
  double start_ticks = number(f[19]);
  double vsize = number(f[20]);
  double rss = number(f[21]) * page;
  double boot = 0;
  std::ifstream procstat("/proc/stat");
  for (std::string line; std::getline(procstat, line);) {
    if (line.rfind("btime ", 0) == 0) boot = number(line.substr(6));
  }
  size_t fds = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++fds;
  std::ostringstream out;
  out << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
      << "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total " << FormatNumber(cpu)
      << "\n"
      << "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
      << "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes "
      << FormatNumber(rss) << "\n"
      << "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
      << "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes "
      << FormatNumber(vsize) << "\n"
      << "# HELP process_start_time_seconds Start time of the process since unix epoch.\n"
      << "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds "
      << FormatNumber(boot + start_ticks / ticks) << "\n"
      << "# HELP process_open_fds Number of open file descriptors.\n"
      << "# TYPE process_open_fds gauge\nprocess_open_fds " << fds << "\n";
  return out.str();
}

}  // namespace

Metrics::Metrics(std::string node_id, std::string node_type)
    : node_id_(std::move(node_id)), node_type_(std::move(node_type)) {}

void Metrics::DefineCounter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  families_[name] = Family{Type::kCounter, help, NodeLabels::kIdAndType, {}, {}, {}};
}

void Metrics::DefineGauge(const std::string& name, const std::string& help,
                          NodeLabels node_labels) {
  std::lock_guard lock(mu_);
  families_[name] = Family{Type::kGauge, help, node_labels, {}, {}, {}};
}

void Metrics::DefineHistogram(const std::string& name, const std::string& help,
                              std::vector<double> bounds) {
  std::erase(bounds, 0.0);
  std::lock_guard lock(mu_);
  families_[name] =
      Family{Type::kHistogram, help, NodeLabels::kIdAndType, std::move(bounds), {}, {}};
}

Labels Metrics::WithNodeLabels(const Family& family, const Labels& labels) const {
  Labels out = labels;
  if (family.node_labels == NodeLabels::kIdAndType) out.emplace("node_id", node_id_);
  out.emplace("node_type", node_type_);
  return out;
}

Metrics::Family* Metrics::FindLocked(const std::string& name, Type type) {
  auto it = families_.find(name);
  if (it == families_.end() || it->second.type != type)
    throw std::logic_error("metric not defined with this type: " + name);  // programming error
  return &it->second;
}

void Metrics::Add(const std::string& name, double value, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family* f = FindLocked(name, Type::kCounter);
  f->values[WithNodeLabels(*f, labels)] += value;
}

void Metrics::SetCounter(const std::string& name, double value, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family* f = FindLocked(name, Type::kCounter);
  f->values[WithNodeLabels(*f, labels)] = value;
}

void Metrics::AddCollector(std::function<void()> collect) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collect));
}

void Metrics::Set(const std::string& name, double value, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family* f = FindLocked(name, Type::kGauge);
  f->values[WithNodeLabels(*f, labels)] = value;
}

void Metrics::Observe(const std::string& name, double value, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family* f = FindLocked(name, Type::kHistogram);
  HistogramData& h = f->histograms[WithNodeLabels(*f, labels)];
  if (h.counts.empty()) h.counts.assign(f->bounds.size(), 0);
  for (size_t i = 0; i < f->bounds.size(); ++i) {
    if (value <= f->bounds[i]) {
      h.counts[i] += 1;
      break;
    }
  }
  h.sum += value;
  h.count += 1;
}

std::string Metrics::Render() {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();
  std::ostringstream out;
  std::lock_guard lock(mu_);
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::kCounter ? "counter"
                       : f.type == Type::kGauge ? "gauge"
                                                : "histogram";
    out << "# HELP " << name << " " << f.help << "\n# TYPE " << name << " " << type << "\n";
    for (const auto& [labels, v] : f.values)
      out << name << FormatLabels(labels) << " " << FormatNumber(v) << "\n";
    for (const auto& [labels, h] : f.histograms) {
      double cumulative = 0;
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        cumulative += h.counts[i];
        out << name << "_bucket" << FormatLabels(labels, "le=\"" + FormatNumber(f.bounds[i]) + "\"")
            << " " << FormatNumber(cumulative) << "\n";
      }
      out << name << "_bucket" << FormatLabels(labels, "le=\"+Inf\"") << " "
          << FormatNumber(h.count) << "\n";
      out << name << "_sum" << FormatLabels(labels) << " " << FormatNumber(h.sum) << "\n";
      out << name << "_count" << FormatLabels(labels) << " " << FormatNumber(h.count) << "\n";
    }
  }
  out << ProcessMetrics();
  return out.str();
}

}  // namespace baton
