#include "gateway/source_segments.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace baton::gateway {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string LastLines(const std::string& text, int lines) {
  size_t pos = text.size();
  for (int i = 0; i <= lines && pos != std::string::npos && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

std::string Number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::vector<std::string> FfmpegCommand(const SourceOptions& o, const std::string& dir) {
  std::vector<std::string> argv = {o.ffmpeg, "-hide_banner", "-loglevel",
                                   "error",  "-nostdin",     "-y"};
  const std::string seg = Number(o.segment_duration_s);
  if (o.input_file.empty()) {
    const std::string d = Number(o.duration_s);
    argv.insert(argv.end(), {"-f",
                             "lavfi",
                             "-i",
                             "testsrc2=size=" + std::to_string(o.pattern_width) + "x" +
                                 std::to_string(o.pattern_height) +
                                 ":rate=" + std::to_string(o.pattern_fps) + ":duration=" + d,
                             "-f",
                             "lavfi",
                             "-i",
                             "sine=frequency=440:sample_rate=48000:duration=" + d,
                             "-c:v",
                             "libx264",
                             "-preset",
                             "ultrafast",
                             "-pix_fmt",
                             "yuv420p",
                             "-force_key_frames",
                             "expr:gte(t,n_forced*" + seg + ")",
                             "-c:a",
                             "aac",
                             "-b:a",
                             "96k"});
  } else {
    argv.insert(argv.end(), {"-i", o.input_file});
    if (o.duration_s > 0) argv.insert(argv.end(), {"-t", Number(o.duration_s)});
    argv.insert(argv.end(), {"-map", "0:v:0", "-map", "0:a:0?", "-c", "copy"});
  }
  argv.insert(argv.end(),
              {"-f", "segment", "-segment_time", seg, "-segment_format", "mpegts", "-segment_list",
               dir + "/segments.csv", "-segment_list_type", "csv", dir + "/seg_%05d.ts"});
  return argv;
}

}  // namespace

absl::StatusOr<ScratchDir> ScratchDir::Create(const std::string& prefix) {
  std::string templ = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary folder under " +
                               fs::temp_directory_path().string());
  }
  return ScratchDir(templ);
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

absl::Status RunProgram(const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return absl::NotFoundError("cannot start " + argv[0] + ": " + strerror(err));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(argv[0] + " failed (status " + std::to_string(status) +
                             "): " + LastLines(ReadFile(log_path), 5));
}

absl::StatusOr<std::vector<SourceSegment>> CutSegments(const SourceOptions& options,
                                                       const std::string& work_dir) {
  if (options.segment_duration_s <= 0) {
    return absl::InvalidArgumentError("segment duration must be positive");
  }
  if (options.input_file.empty() && options.duration_s <= 0) {
    return absl::InvalidArgumentError("a test pattern needs a positive -duration");
  }
  if (!options.input_file.empty() && !fs::exists(options.input_file)) {
    return absl::NotFoundError("input file " + options.input_file + " does not exist");
  }
  absl::Status run = RunProgram(FfmpegCommand(options, work_dir), work_dir + "/ffmpeg.log");
  if (!run.ok()) return run;

  // segments.csv lines: "seg_00000.ts,<start s>,<end s>".
  std::vector<SourceSegment> segments;
  std::istringstream list(ReadFile(work_dir + "/segments.csv"));
  for (std::string line; std::getline(list, line);) {
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    if (fields.size() < 3) continue;
    SourceSegment segment;
    segment.seq = static_cast<int64_t>(segments.size());
    segment.bytes = ReadFile(work_dir + "/" + fields[0]);
    double start = 0, end = 0;
    if (!absl::SimpleAtod(fields[1], &start) || !absl::SimpleAtod(fields[2], &end))
      return absl::DataLossError("ffmpeg wrote a malformed segment list line: " + line);
    segment.duration_s = end - start;
    if (segment.bytes.empty()) return absl::DataLossError("ffmpeg wrote an empty " + fields[0]);
    segments.push_back(std::move(segment));
  }
  if (segments.empty()) return absl::DataLossError("ffmpeg produced no segments");
  return segments;
}

}  // namespace baton::gateway
