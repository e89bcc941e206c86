#include "worker/capacity_model.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "absl/strings/str_format.h"

namespace baton::worker {
namespace {

double Seconds(CapacityModel::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

CapacityModel::CapacityModel(Options options) : options_(options) {}

void CapacityModel::SetFixed(int sessions) {
  {
    std::lock_guard lock(mu_);
    fixed_ = true;
    fixed_sessions_ = std::max(0, sessions);
  }
  NotifyIfChanged(Clock::now());
}

void CapacityModel::SetAuto() {
  {
    std::lock_guard lock(mu_);
    fixed_ = false;
  }
  NotifyIfChanged(Clock::now());
}

bool CapacityModel::is_auto() const {
  std::lock_guard lock(mu_);
  return !fixed_;
}

void CapacityModel::SetCalibration(const Calibration& calibration) {
  {
    std::lock_guard lock(mu_);
    if (calibration.cpu_per_content_s <= 0 || calibration.cores <= 0) return;
    calibration_ = calibration;
    calibrated_ = true;
  }
  NotifyIfChanged(Clock::now());
}

void CapacityModel::RecordSegment(const std::string& session, Clock::time_point start,
                                  Clock::time_point end, double content_s, double process_cpu_s) {
  {
    std::lock_guard lock(mu_);
    segments_.push_back({session, start, end, content_s, process_cpu_s});
    while (!segments_.empty() && segments_.front().end < end - options_.window)
      segments_.pop_front();
    const Snapshot s = ComputeLocked(end);
    if (s.reason == "measured" || s.reason == "behind") {
      last_d_ = s.cpu_per_content_s;
      last_cores_ = s.cores;
    }
  }
  NotifyIfChanged(end);
}

void CapacityModel::OnChange(std::function<void(int)> on_change) {
  std::lock_guard lock(mu_);
  on_change_ = std::move(on_change);
}

void CapacityModel::NotifyIfChanged(Clock::time_point now) {
  std::function<void(int)> notify;
  int sessions;
  {
    std::lock_guard lock(mu_);
    sessions = ComputeLocked(now).sessions;
    if (sessions == last_sessions_) return;
    last_sessions_ = sessions;
    notify = on_change_;
  }
  if (notify) notify(sessions);
}

CapacityModel::Snapshot CapacityModel::Current(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  return ComputeLocked(now);
}

absl::Status CapacityModel::CheckNewSession(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  if (fixed_) return absl::OkStatus();
  Snapshot s = ComputeLocked(now);
  if (s.recent_ratio > options_.target_ratio)
    return absl::ResourceExhaustedError("OrchestratorBusy");
  return absl::OkStatus();
}

double CapacityModel::BusySeconds(Clock::time_point from, Clock::time_point to) const {
  std::vector<std::pair<Clock::time_point, Clock::time_point>> spans;
  for (const Segment& seg : segments_) {
    const auto start = std::max(seg.start, from);
    const auto end = std::min(seg.end, to);
    if (start < end) spans.emplace_back(start, end);
  }
  std::sort(spans.begin(), spans.end());
  double busy = 0;
  Clock::time_point covered = from;
  for (const auto& [start, end] : spans) {
    const auto begin = std::max(start, covered);
    if (end > begin) {
      busy += Seconds(end - begin);
      covered = end;
    }
  }
  return busy;
}

CapacityModel::Snapshot CapacityModel::ComputeLocked(Clock::time_point now) const {
  Snapshot s;
  s.calibrated_cpu_per_content_s = calibration_.cpu_per_content_s;
  s.calibrated_cores = calibration_.cores;

  // The running sessions' real-time ratio over the recent segments.
  double wall = 0, content = 0;
  std::set<std::string> recent;
  for (const Segment& seg : segments_) {
    if (seg.end < now - options_.ratio_window || seg.end > now) continue;
    wall += Seconds(seg.end - seg.start);
    content += seg.content_s;
    recent.insert(seg.session);
  }
  if (content > 0) s.recent_ratio = wall / content;
  s.recent_sessions = static_cast<int>(recent.size());

  if (fixed_) {
    s.sessions = fixed_sessions_;
    s.reason = "configured";
    s.detail = absl::StrFormat("-maxSessions %d", fixed_sessions_);
    return s;
  }

  // CPU per content second and CPU per wall second, between the first and the last segment
  // that ended in the window (the first one's CPU reading is the baseline).
  const Segment* first = nullptr;
  const Segment* last = nullptr;
  double window_content = 0;
  for (const Segment& seg : segments_) {
    if (seg.end < now - options_.window || seg.end > now) continue;
    if (first == nullptr) {
      first = &seg;
      continue;
    }
    last = &seg;
    window_content += seg.content_s;
  }
  const double calibrated_cores = calibrated_ ? calibration_.cores : options_.cores;
  double d = calibration_.cpu_per_content_s;
  double cores = calibrated_cores;
  bool measured = false;
  if (first != nullptr && last != nullptr && window_content >= options_.min_content_s) {
    const double cpu = last->cpu_s - first->cpu_s;
    const double busy = BusySeconds(first->end, last->end);
    if (cpu > 0 && busy > 0) {
      d = cpu / window_content;
      // The CPU we got while some segment was transcoding is a floor for what we can get.
      cores = std::max(calibrated_cores, cpu / busy);
      measured = true;
    }
  }
  if (!measured && last_d_ > 0) {  // an earlier window's figures, until this one has its own
    d = last_d_;
    cores = std::max(calibrated_cores, last_cores_);
    measured = true;
  }
  cores = std::min<double>(cores, options_.cores);
  s.cores = cores;
  s.cpu_per_content_s = d;
  if (!calibrated_ && !measured) {
    s.sessions = options_.provisional;
    s.reason = "provisional";
    s.detail = absl::StrFormat("not calibrated yet: go-livepeer's default %d", s.sessions);
    return s;
  }
  int sessions = static_cast<int>(std::floor(options_.target_ratio * cores / d + 1e-9));
  s.reason = measured ? "measured" : "calibrated";
  s.detail = absl::StrFormat(
      "%s: %.3f core-s per content-s per session, %.2f of %d cores, target %.2f of real time",
      measured ? "running sessions" : "calibration", d, cores, options_.cores,
      options_.target_ratio);
  if (s.recent_ratio > options_.target_ratio && s.recent_sessions > 0) {
    const int keep = static_cast<int>(
        std::floor(s.recent_sessions * options_.target_ratio / s.recent_ratio + 1e-9));
    if (keep < sessions) {
      sessions = keep;
      s.reason = "behind";
      s.detail = absl::StrFormat(
          "%d sessions run at %.2f of real time (target %.2f): capacity cut to %d",
          s.recent_sessions, s.recent_ratio, options_.target_ratio, std::max(1, keep));
    }
  }
  s.sessions = std::clamp(sessions, 1, options_.max_sessions);
  return s;
}

}  // namespace baton::worker
