// CapacityModel: how many transcode sessions this machine can run in real time, and why.
//
// With a configured number (-maxSessions N, /setMaxSessions) that number is the capacity.
// With -maxSessions auto it is derived from measured throughput:
//   capacity = target_ratio x cores' / d
// where d is the CPU time one session needs per second of its content (core-seconds per
// content second) and cores' the CPU the node actually gets (at most the machine's cores; less
// on a machine shared with other work). A calibration at start (transcode/calibration.h: the
// default ladder on a generated clip, one session per core) gives the first d and cores'; the
// segments of the sessions actually running then refine both over a sliding window (d: CPU
// per content second; cores': CPU per second while some segment was transcoding, which can
// only raise the calibrated figure), so the capacity follows the real mix of sessions (a 1080p
// ladder costs more than 360p -> 240p) and the CPU the machine really leaves the node. When
// the window empties, the last window's figures stay until new segments replace them.
//
// The running sessions' real-time ratio (transcode wall time / content duration, recent
// segments) is the last word: when it is above target_ratio with N sessions running, the
// capacity drops to what would bring them back (N x target / ratio), and a new session is
// refused as "OrchestratorBusy" (CheckNewSession) until they catch up. So a new session is
// never let in when it would push the running ones behind real time.
//
// The model is a pure function of what it is told (times are passed in), so tests drive it
// with synthetic clocks. OnChange is called, outside the lock, whenever the capacity changes.
// Thread-safe: every method may be called from any thread.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/status.h"

namespace baton::worker {

class CapacityModel {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    int cores = 1;              // the machine's cores for transcoding
    double target_ratio = 0.8;  // keep running sessions at or under this share of real time
    std::chrono::milliseconds window{30'000};        // CPU cost measured over this long
    std::chrono::milliseconds ratio_window{10'000};  // real-time ratio over this long
    double min_content_s = 6;  // content seconds in the window before d is measured
    int max_sessions = 1'000'000;
    int provisional = 10;  // until calibrated: go-livepeer's default -maxSessions
  };
  // What /status and the metrics show.
  struct Snapshot {
    int sessions = 0;    // the capacity
    std::string reason;  // "configured", "provisional", "calibrated", "measured", "behind"
    std::string detail;  // one line: the figures behind the number
    double cpu_per_content_s = 0;  // d: core-seconds per content second of one session
    double cores = 0;              // cores' the node gets
    double recent_ratio = 0;       // running sessions' wall / content, 0 when none
    int recent_sessions = 0;       // sessions with a segment in the ratio window
    double calibrated_cpu_per_content_s = 0;
    double calibrated_cores = 0;
  };
  struct Calibration {
    double cpu_per_content_s = 0;  // REQUIRES: > 0
    double cores = 0;              // CPU seconds per wall second obtained; REQUIRES: > 0
    double realtime_ratio = 0;     // of the calibration's own segments, for the log
  };

  explicit CapacityModel(Options options);

  // Auto mode unless SetFixed was called; a fixed number stays until SetAuto.
  void SetFixed(int sessions);
  void SetAuto();
  bool is_auto() const;
  void SetCalibration(const Calibration& calibration);

  // A segment transcoded: `cpu_s` is the process's CPU time counter (any monotonic CPU
  // clock) read at `end`, so CPU spent between records is attributed to the content between
  // them.
  void RecordSegment(const std::string& session, Clock::time_point start, Clock::time_point end,
                     double content_s, double process_cpu_s);

  Snapshot Current(Clock::time_point now = Clock::now()) const;
  // OK, or ResourceExhausted("OrchestratorBusy") while the running sessions are behind target.
  absl::Status CheckNewSession(Clock::time_point now = Clock::now()) const;

  void OnChange(std::function<void(int sessions)> on_change);

 private:
  struct Segment {
    std::string session;
    Clock::time_point start;
    Clock::time_point end;
    double content_s;
    double cpu_s;  // process CPU counter at end
  };
  Snapshot ComputeLocked(Clock::time_point now) const;
  // Wall time within [from, to] during which at least one recorded segment was transcoding.
  double BusySeconds(Clock::time_point from, Clock::time_point to) const;
  void NotifyIfChanged(Clock::time_point now);

  const Options options_;
  mutable std::mutex mu_;
  bool fixed_ = false;
  int fixed_sessions_ = 0;
  bool calibrated_ = false;
  Calibration calibration_;
  std::deque<Segment> segments_;  // ended within options_.window, oldest first
  // The last window's measurement: kept when the window empties (sessions come and go), as
  // the recent mix of sessions predicts the next ones better than the calibration's ladder.
  double last_d_ = 0;
  double last_cores_ = 0;
  int last_sessions_ = -1;
  std::function<void(int)> on_change_;
};

}  // namespace baton::worker
