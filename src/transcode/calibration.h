// Calibration: how fast this machine transcodes, measured at start (as go-livepeer's
// -testTranscoder checks its transcoder, but timed).
//
// GenerateCalibrationClip makes a short H.264 MPEG-TS segment in memory (a moving pattern
// with detail, so the encoders do real work; no file or CLI needed). Calibrate transcodes it
// to the default ladder (go-livepeer's default -transcodingOptions, P240p30fps16x9 and
// P360p30fps16x9) in `sessions` parallel sessions, one per core, each on the thread budget
// the node uses, and reports the CPU time per content second of one session and the CPU the
// process obtained per wall second: the two figures worker::CapacityModel turns into a
// session count. The calling threads run at the transcoding priority (thread_priority.h).
//
// Thread-safe: both functions are self-contained; Calibrate starts and joins its own threads.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace baton::transcode {

struct CalibrationClip {
  int width = 1280;
  int height = 720;
  int fps = 30;
  double seconds = 1;  // one x264 lookahead's worth and a little more: short, yet real work
};

absl::StatusOr<std::string> GenerateCalibrationClip(const CalibrationClip& clip);

struct CalibrationResult {
  double cpu_per_content_s = 0;  // core-seconds of CPU per second of content, one session
  double cores = 0;              // process CPU seconds per wall second while calibrating
  double realtime_ratio = 0;     // wall time / content duration of one segment, on average
  double wall_s = 0;             // the calibration's duration
  int sessions = 0;
};

// REQUIRES: sessions >= 1, segments >= 1.
absl::StatusOr<CalibrationResult> Calibrate(const CalibrationClip& clip, int sessions,
                                            int segments = 1);

// The process's CPU time (user + system), seconds.
double ProcessCpuSeconds();

}  // namespace baton::transcode
