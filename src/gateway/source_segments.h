// SourceSegments: the gateway's input, cut into MPEG-TS segments with the ffmpeg CLI
// (`-f segment -segment_time N`): either a media file (stream copy, so cuts fall on its
// keyframes) or a generated test pattern (lavfi testsrc2 + a sine tone, H.264/AAC, with a
// keyframe forced at every segment boundary).
//
// Segments are read into memory, with their durations from ffmpeg's segment list. The work
// folder is created and removed by the caller (see ScratchDir).
// Thread-safety: CutSegments runs a child process and blocks; call it from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace baton::gateway {

struct SourceSegment {
  int64_t seq = 0;
  std::string bytes;
  double duration_s = 0;
};

struct SourceOptions {
  std::string input_file;  // empty: generate a test pattern
  double duration_s = 0;   // test pattern length; for a file, 0 = all of it
  double segment_duration_s = 2;
  int pattern_width = 1280;
  int pattern_height = 720;
  int pattern_fps = 30;
  std::string ffmpeg = "ffmpeg";
};

// A temporary folder removed with everything in it when the object dies.
class ScratchDir {
 public:
  static absl::StatusOr<ScratchDir> Create(const std::string& prefix);
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir(const ScratchDir&) = delete;
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Cuts the source into `work_dir` and returns the segments in order (seq from 0).
absl::StatusOr<std::vector<SourceSegment>> CutSegments(const SourceOptions& options,
                                                       const std::string& work_dir);

// Runs `argv` (argv[0] looked up in PATH), its output into `log_path`; an error carries the
// exit status and the last lines of the log.
absl::Status RunProgram(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace baton::gateway
