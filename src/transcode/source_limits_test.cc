// The limits on untrusted segments (source_limits.h), driven through TranscodeSession with
// inputs made by the ffmpeg CLI. Whether a refused playlist opened anything is checked from
// outside FFmpeg: inotify on the file it names and a listening socket it points at.
#include "transcode/source_limits.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "transcode/memory_io.h"
#include "transcode/test_media.h"
#include "transcode/transcode_session.h"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/log.h>
}

namespace baton::transcode {
namespace {

using testing::Ffmpeg;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;

VideoProfile P144() {
  VideoProfile p;
  p.name = "P144p30fps16x9";
  p.width = 256;
  p.height = 144;
  p.fps_num = 30;
  p.bitrate_bps = 400'000;
  return p;
}

absl::StatusOr<TranscodeResult> Transcode(TranscodeSession& session, const std::string& bytes,
                                          int64_t duration_ms = 2000) {
  SegmentInput in;
  in.bytes = bytes;
  in.duration_ms = duration_ms;
  return session.Transcode(in, {P144()});
}

TEST(SourceLimitsTest, Arithmetic) {
  SourceLimits limits;
  EXPECT_EQ(limits.MaxFrames(2000), 2 * 240 + 120);
  EXPECT_EQ(limits.MaxFrames(1001), 241 + 120);                         // rounded up
  EXPECT_EQ(limits.Deadline(2000), std::chrono::milliseconds(16'000));  // the 16 s floor
  EXPECT_EQ(limits.Deadline(10'000), std::chrono::milliseconds(80'000));
  EXPECT_EQ(SegmentGuard::Start(limits, 0).duration_ms, 2000);  // 0 on the wire is 2 s
  SegmentGuard guard;
  EXPECT_TRUE(guard.CheckFrameSize(8192, 4320).ok());
  EXPECT_TRUE(guard.CheckFrameSize(4320, 8192).ok());
  EXPECT_FALSE(guard.CheckFrameSize(8193, 16).ok());
  EXPECT_FALSE(guard.CheckFrameSize(16, 8193).ok());
  EXPECT_FALSE(guard.CheckFrameSize(6000, 6000).ok());  // 36 MP
}

TEST(SourceLimitsTest, DemuxerWhitelist) {
  for (const char* name : {"mpegts", "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "flv"}) {
    EXPECT_TRUE(DemuxerAllowed(name)) << name;
  }
  for (const char* name : {"hls", "concat", "dash", "image2", "mpegtsraw", "tee", "", ","}) {
    EXPECT_FALSE(DemuxerAllowed(name)) << name;
  }
  // Every name on the whitelist is a demuxer this FFmpeg has (or an alias of one).
  for (const char* name : {"mpegts", "mov", "matroska", "flv"}) {
    EXPECT_NE(av_find_input_format(name), nullptr) << name;
  }
}

class SourceLimitsMediaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    av_log_set_level(AV_LOG_ERROR);
    dir_ = new TempDir();
    ASSERT_TRUE(
        Ffmpeg("-f lavfi -i testsrc2=s=320x180:r=30 -c:v libx264 -preset ultrafast "
               "-g 30 -t 2 " +
               In("ok.ts")));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string In(const std::string& name) { return dir_->File(name); }
  static TempDir* dir_;
};
TempDir* SourceLimitsMediaTest::dir_ = nullptr;

// Watches one file for opens and reads by anyone.
class FileWatch {
 public:
  explicit FileWatch(const std::string& path) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0) inotify_add_watch(fd_, path.c_str(), IN_OPEN | IN_ACCESS);
  }
  ~FileWatch() {
    if (fd_ >= 0) close(fd_);
  }
  bool valid() const { return fd_ >= 0; }
  bool Touched() const {
    alignas(inotify_event) char buf[4096];
    return read(fd_, buf, sizeof(buf)) > 0;
  }

 private:
  int fd_ = -1;
};

// A TCP listener on 127.0.0.1: a connection attempt completes in the kernel's backlog, so a
// non-blocking accept afterwards tells whether anyone connected.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }
  bool Connected() const {
    int c = accept(fd_, nullptr, nullptr);
    if (c < 0) return false;
    close(c);
    return true;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Opens bytes the way the node did before the whitelist: every demuxer, default io_open.
// The control that proves a playlist body below does reach the file it names.
bool OpenUnrestricted(const std::string& bytes) {
  MemoryInput input(bytes);
  AVFormatContext* fmt = avformat_alloc_context();
  fmt->pb = input.avio();
  fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  int rc = avformat_open_input(&fmt, "", nullptr, nullptr);
  if (rc < 0) return false;
  avformat_find_stream_info(fmt, nullptr);
  avformat_close_input(&fmt);
  return true;
}

// Runs with the working directory set to a folder (the concat demuxer resolves relative
// names there), restored on return.
class InDirectory {
 public:
  explicit InDirectory(const std::string& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~InDirectory() { std::filesystem::current_path(old_); }

 private:
  std::filesystem::path old_;
};

TEST_F(SourceLimitsMediaTest, PlaylistsOpenNothing) {
  std::filesystem::copy_file(In("ok.ts"), In("target.ts"));
  Listener listener;
  ASSERT_GT(listener.port(), 0);
  const std::string url = absl::StrCat("http://127.0.0.1:", listener.port(), "/seg.ts");
  struct Case {
    const char* name;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"concat", "ffconcat version 1.0\nfile target.ts\nfile target.ts\n"},
      {"hls", absl::StrCat("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
                           "#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n",
                           In("target.ts"), "\n#EXTINF:2.0,\n", url, "\n#EXT-X-ENDLIST\n")},
      {"dash",
       absl::StrCat("<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" "
                    "type=\"static\" mediaPresentationDuration=\"PT2S\" "
                    "profiles=\"urn:mpeg:dash:profile:isoff-on-demand:2011\">"
                    "<Period><AdaptationSet mimeType=\"video/mp2t\"><Representation id=\"0\" "
                    "bandwidth=\"100000\"><BaseURL>",
                    url, "</BaseURL></Representation></AdaptationSet></Period></MPD>\n")},
  };
  InDirectory cwd(dir_->path());
  TranscodeSession session;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FileWatch watch(In("target.ts"));
    ASSERT_TRUE(watch.valid());
    auto result = Transcode(session, c.body);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    std::cout << c.name << " body refused: " << result.status().message() << "\n";
    EXPECT_FALSE(watch.Touched()) << "the playlist's file was opened";
    EXPECT_FALSE(listener.Connected()) << "the playlist's URL was connected to";
  }
  // Control: the concat body, opened with every demuxer and FFmpeg's default I/O (as this
  // node did before), does read the file it names, so the check above can fail.
  FileWatch watch(In("target.ts"));
  OpenUnrestricted(cases[0].body);
  EXPECT_TRUE(watch.Touched());
  // And the error tells the gateway why.
  auto refused = Transcode(session, cases[0].body);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("unsupported container \"concat\": a segment must be MPEG-TS, "
                        "MP4/MOV, Matroska/WebM, FLV"));
  // The session goes on with a good segment.
  EXPECT_TRUE(Transcode(session, ReadFile(In("ok.ts"))).ok());
}

TEST_F(SourceLimitsMediaTest, AcceptedContainers) {
  // The four whitelisted containers still work (the source converted without re-encoding).
  TranscodeSession session;
  for (const char* ext : {"ts", "mp4", "mkv", "flv"}) {
    SCOPED_TRACE(ext);
    const std::string path = In(absl::StrCat("container.", ext));
    ASSERT_TRUE(Ffmpeg("-i " + In("ok.ts") + " -c copy " + path));
    auto result = Transcode(session, ReadFile(path));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->decoded_frames, 60);
  }
  // A container FFmpeg reads but we do not (NUT) is refused by name.
  ASSERT_TRUE(Ffmpeg("-i " + In("ok.ts") + " -c copy " + In("container.nut")));
  auto nut = Transcode(session, ReadFile(In("container.nut")));
  ASSERT_FALSE(nut.ok());
  EXPECT_THAT(std::string(nut.status().message()), HasSubstr("unsupported container \"nut\""));
}

TEST_F(SourceLimitsMediaTest, OversizedSourcesAreRefused) {
  TranscodeSession session;
  // Too wide (a side over 8192), too many pixels (6400x6400 = 41 MP, each side allowed).
  ASSERT_TRUE(Ffmpeg("-f lavfi -i color=s=8704x64:r=30 -t 0.2 -c:v ffv1 " + In("wide.mkv")));
  ASSERT_TRUE(Ffmpeg("-f lavfi -i color=s=6400x6400:r=5 -t 0.2 -c:v ffv1 " + In("huge.mkv")));
  for (const auto& [file, size] : {std::pair{"wide.mkv", "8704x64"}, {"huge.mkv", "6400x6400"}}) {
    auto result = Transcode(session, ReadFile(In(file)));
    ASSERT_FALSE(result.ok()) << file;
    EXPECT_EQ(std::string(result.status().message()),
              absl::StrCat("source too large: ", size,
                           " (limits: 8192 pixels a side, 35651584 pixels a frame)"));
  }
  // A stream whose parameters say 320x180 and that switches to 8704x64 mid-segment: the
  // decoded frame is checked too.
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i color=s=8704x64:r=30 -t 0.5 -c:v libx264 -preset ultrafast "
             "-g 30 " +
             In("wide.ts")));
  testing::WriteFile(In("switch.ts"), ReadFile(In("ok.ts")) + ReadFile(In("wide.ts")));
  auto switched = Transcode(session, ReadFile(In("switch.ts")));
  ASSERT_FALSE(switched.ok());
  EXPECT_THAT(std::string(switched.status().message()), HasSubstr("source too large: 8704x64"));
  // A smaller limit applies inside the decoder's allocation (max_pixels) as well.
  SourceLimits small;
  small.max_pixels = 320 * 180 - 1;
  TranscodeSession strict(&ThreadBudget::Global(), small);
  auto tiny = Transcode(strict, ReadFile(In("ok.ts")));
  ASSERT_FALSE(tiny.ok());
  EXPECT_THAT(std::string(tiny.status().message()), HasSubstr("source too large: 320x180"));
  EXPECT_TRUE(Transcode(session, ReadFile(In("ok.ts"))).ok());
}

TEST_F(SourceLimitsMediaTest, FramesAgainstDeclaredDuration) {
  // 30 s of 30 fps video (900 frames) declared as a 2 s segment: more than 2 s at 240 fps.
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=64x36:r=30 -c:v libx264 -preset ultrafast -g 30 "
             "-t 30 " +
             In("long.ts")));
  TranscodeSession session;
  const std::string bytes = ReadFile(In("long.ts"));
  auto refused = Transcode(session, bytes, 2000);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(std::string(refused.status().message()),
            "too many frames: more than 600 in a 2000 ms segment (limit 240 fps)");
  // Declared as what it is, it transcodes.
  auto ok = Transcode(session, bytes, 30'000);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->decoded_frames, 900);
  // 240 fps for 2 s is within the limit.
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=64x36:r=240 -c:v libx264 -preset ultrafast "
             "-g 240 -t 2 " +
             In("fast.ts")));
  auto fast = Transcode(session, ReadFile(In("fast.ts")), 2000);
  ASSERT_TRUE(fast.ok()) << fast.status();
  EXPECT_EQ(fast->decoded_frames, 480);
}

TEST_F(SourceLimitsMediaTest, DeadlineStopsTheSegment) {
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i testsrc2=s=1280x720:r=30 -c:v libx264 -preset ultrafast "
             "-g 30 -t 4 " +
             In("hd.ts")));
  const std::string bytes = ReadFile(In("hd.ts"));
  VideoProfile p720 = P144();
  p720.width = 1280;
  p720.height = 720;
  SourceLimits limits;
  limits.min_deadline = std::chrono::milliseconds(100);
  limits.deadline_factor = 0;
  TranscodeSession session(&ThreadBudget::Global(), limits);
  SegmentInput in;
  in.bytes = bytes;
  in.duration_ms = 4000;
  using Ms = std::chrono::milliseconds;
  auto start = std::chrono::steady_clock::now();
  auto result = session.Transcode(in, {p720, P144()});
  const auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(std::string(result.status().message()),
            "segment deadline exceeded: not transcoded within 100 ms");
  // Without the deadline the same segment transcodes (so it was the deadline that stopped
  // it), and takes far longer than the stopped attempt: the work stopped near the deadline.
  SourceLimits patient;
  patient.min_deadline = std::chrono::minutes(10);  // a loaded test machine may be slow
  TranscodeSession unhurried(&ThreadBudget::Global(), patient);
  start = std::chrono::steady_clock::now();
  auto full = unhurried.Transcode(in, {p720, P144()});
  const auto full_took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(full.ok()) << full.status();
  std::cout << "stopped after " << took.count() << " ms; the whole segment takes "
            << full_took.count() << " ms\n";
  EXPECT_LT(took, full_took / 2);
  EXPECT_EQ(full->decoded_frames, 120);
}

}  // namespace
}  // namespace baton::transcode
