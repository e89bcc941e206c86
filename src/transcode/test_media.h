// Test support for src/transcode: makes input media with the ffmpeg CLI in a temporary folder
// and inspects outputs with ffprobe (JSON parsed with nlohmann_json), so tests check our
// outputs with an independent tool. Test-only; not thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace baton::transcode::testing {

// A fresh folder under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs a shell command; returns its stdout. Sets *exit_code when given.
std::string Run(const std::string& command, int* exit_code = nullptr);

// Runs `ffmpeg -y -loglevel error <args>`; returns false (and prints why) on failure.
bool Ffmpeg(const std::string& args);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);

// ffprobe -show_streams -show_format -count_frames of a file.
nlohmann::json Probe(const std::string& path);
// The first stream of this type ("video"/"audio") in a Probe() result, or null.
nlohmann::json StreamOf(const nlohmann::json& probe, const std::string& type);

struct PacketInfo {
  int64_t pts = 0;
  int64_t dts = 0;
  bool keyframe = false;
  std::string hash;  // MD5 of the payload (framemd5), only from AudioPacketHashes
  int64_t size = 0;
};
// Packets of the first stream of the given type ("v" or "a"), in file order; pts/dts in the
// stream's time base.
std::vector<PacketInfo> Packets(const std::string& path, const std::string& type);
// Per-packet MD5s of the first audio stream copied out by ffmpeg's framemd5 muxer.
std::vector<std::string> AudioPacketHashes(const std::string& path);

}  // namespace baton::transcode::testing
