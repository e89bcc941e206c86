// Transcode benchmark: a 2 s 1080p30 H.264 segment to the 4-rung ladder P720p30fps16x9,
// P576p30fps16x9, P360p30fps16x9, P240p30fps16x9, by Baton and by one ffmpeg CLI process
// doing the same ladder (-filter_complex split, 4 outputs, the same x264 settings: preset
// medium, bitrate with VBV maxrate = bufsize = bitrate, 3 B-frames, forced IDR, audio copy).
// Prints wall and CPU time of each and their ratios, then the real-time ratio (segment
// duration / wall time) with 1, 2 and 4 concurrent sessions.
//
// Usage: transcode_bench [runs=3] [--per-rendition]
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "transcode/test_media.h"
#include "transcode/transcode_session.h"

extern "C" {
#include <libavutil/log.h>
}

namespace tc = baton::transcode;

namespace {

constexpr double kSegmentSeconds = 2.0;

struct Timing {
  double wall = 0;
  double cpu = 0;
};

double Seconds(const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

double ProcessCpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return Seconds(ru.ru_utime) + Seconds(ru.ru_stime);
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<tc::VideoProfile> Ladder() {
  std::vector<tc::VideoProfile> ladder;
  for (const char* name :
       {"P720p30fps16x9", "P576p30fps16x9", "P360p30fps16x9", "P240p30fps16x9"}) {
    ladder.push_back(*tc::FindPreset(name));
  }
  return ladder;
}

// The node's source limits apply (their checks are part of what is timed), except the
// deadline: a loaded or small machine may take longer than a gateway would wait, and the
// benchmark is there to say how long.
tc::SourceLimits BenchLimits() {
  tc::SourceLimits limits;
  limits.min_deadline = std::chrono::minutes(10);
  return limits;
}

Timing RunBaton(const std::string& segment, int64_t* pixels) {
  tc::TranscodeSession session(&tc::ThreadBudget::Global(), BenchLimits());
  tc::SegmentInput in;
  in.bytes = segment;
  const double cpu0 = ProcessCpu(), wall0 = Now();
  auto result = session.Transcode(in, Ladder());
  Timing t{Now() - wall0, ProcessCpu() - cpu0};
  if (!result.ok()) {
    std::fprintf(stderr, "baton failed: %s\n", std::string(result.status().message()).c_str());
    std::exit(1);
  }
  *pixels = 0;
  for (const auto& r : result->renditions) *pixels += r.pixels;
  return t;
}

// One ffmpeg process, timed with wait4's rusage of the child.
Timing RunFfmpegCli(const std::string& input, const std::string& out_dir) {
  std::vector<std::string> args = {
      "ffmpeg",
      "-nostdin",
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-i",
      input,
      "-filter_complex",
      "[0:v]split=4[a][b][c][d];[a]scale=1280:720,fps=30[o0];[b]scale=1024:576,fps=30[o1];"
      "[c]scale=640:360,fps=30[o2];[d]scale=426:240,fps=30[o3]"};
  const char* rates[] = {"4000k", "1500k", "1200k", "600k"};
  for (int i = 0; i < 4; ++i) {
    std::string r = rates[i];
    for (const std::string& a :
         std::vector<std::string>{"-map",
                                  "[o" + std::to_string(i) + "]",
                                  "-map",
                                  "0:a",
                                  "-c:a",
                                  "copy",
                                  "-c:v",
                                  "libx264",
                                  "-preset",
                                  "medium",
                                  "-forced-idr",
                                  "1",
                                  "-bf",
                                  "3",
                                  "-b:v",
                                  r,
                                  "-minrate",
                                  r,
                                  "-maxrate",
                                  r,
                                  "-bufsize",
                                  r,
                                  "-f",
                                  "mpegts",
                                  out_dir + "/cli" + std::to_string(i) + ".ts"}) {
      args.push_back(a);
    }
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const double wall0 = Now();
  pid_t pid = fork();
  if (pid == 0) {
    execvp("ffmpeg", argv.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  Timing t{Now() - wall0, Seconds(ru.ru_utime) + Seconds(ru.ru_stime)};
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "ffmpeg CLI failed\n");
    std::exit(1);
  }
  return t;
}

// Mean real-time ratio of n sessions transcoding the segment at the same time.
double ConcurrentRealtimeRatio(const std::string& segment, int n) {
  std::vector<double> walls(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      int64_t pixels;
      walls[i] = RunBaton(segment, &pixels).wall;
    });
  }
  for (auto& t : threads) t.join();
  double sum = 0;
  for (double w : walls) sum += kSegmentSeconds / w;
  return sum / n;
}

// CPU cost of each rung alone on one thread (decode included), to see how the work splits.
void PrintPerRenditionCost(const std::string& segment) {
  tc::ThreadBudget one(1);
  for (const tc::VideoProfile& p : Ladder()) {
    tc::TranscodeSession session(&one, BenchLimits());
    tc::SegmentInput in;
    in.bytes = segment;
    const double cpu0 = ProcessCpu();
    auto result = session.Transcode(in, {p});
    std::printf("  %s alone: cpu %.2f s%s\n", p.name.c_str(), ProcessCpu() - cpu0,
                result.ok() ? "" : " (failed)");
  }
}

Timing Best(const std::vector<Timing>& runs) {
  return *std::min_element(runs.begin(), runs.end(),
                           [](const Timing& a, const Timing& b) { return a.wall < b.wall; });
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const bool per_rendition = argc > 2 && std::string(argv[2]) == "--per-rendition";
  av_log_set_level(AV_LOG_ERROR);
  tc::testing::TempDir dir;
  const std::string input = dir.File("1080p30.ts");
  if (!tc::testing::Ffmpeg("-f lavfi -i testsrc2=s=1920x1080:r=30 -f lavfi -i sine=f=440:r=48000 "
                           "-t 2 -c:v libx264 -preset veryfast -b:v 6000k -g 60 -pix_fmt yuv420p "
                           "-c:a aac " +
                           input)) {
    return 1;
  }
  const std::string segment = tc::testing::ReadFile(input);
  std::printf("cores: %u, runs: %d (best wall time of each)\n", std::thread::hardware_concurrency(),
              runs);

  if (per_rendition) PrintPerRenditionCost(segment);
  std::vector<Timing> baton_runs, cli_runs;
  int64_t pixels = 0;
  for (int i = 0; i < runs; ++i) {  // interleaved so load changes hit both alike
    baton_runs.push_back(RunBaton(segment, &pixels));
    cli_runs.push_back(RunFfmpegCli(input, dir.path()));
  }
  const Timing baton = Best(baton_runs), cli = Best(cli_runs);
  std::printf("baton  : wall %.2f s, cpu %.2f s (%lld output pixels)\n", baton.wall, baton.cpu,
              static_cast<long long>(pixels));
  std::printf("ffmpeg : wall %.2f s, cpu %.2f s\n", cli.wall, cli.cpu);
  std::printf("ratio baton/ffmpeg: wall %.2f, cpu %.2f\n", baton.wall / cli.wall,
              baton.cpu / cli.cpu);
  for (int n : {1, 2, 4}) {
    std::printf("%d concurrent session(s): real-time ratio %.2f (segment duration / wall)\n", n,
                ConcurrentRealtimeRatio(segment, n));
  }
  return 0;
}
