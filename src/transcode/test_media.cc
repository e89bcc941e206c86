#include "transcode/test_media.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace baton::transcode::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "baton-tc-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  path_ = made != nullptr ? made : "";
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::string Run(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    if (exit_code != nullptr) *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  int status = pclose(pipe);
  if (exit_code != nullptr) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

bool Ffmpeg(const std::string& args) {
  int rc = 0;
  std::string out = Run("ffmpeg -nostdin -hide_banner -y -loglevel error " + args + " 2>&1", &rc);
  if (rc != 0) std::cerr << "ffmpeg " << args << " failed: " << out << "\n";
  return rc == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

nlohmann::json Probe(const std::string& path) {
  std::string out =
      Run("ffprobe -v error -print_format json -show_streams -show_format "
          "-count_frames '" +
          path + "'");
  return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json StreamOf(const nlohmann::json& probe, const std::string& type) {
  if (!probe.is_object() || !probe.contains("streams")) return nullptr;
  for (const auto& s : probe["streams"]) {
    if (s.value("codec_type", "") == type) return s;
  }
  return nullptr;
}

std::vector<PacketInfo> Packets(const std::string& path, const std::string& type) {
  std::string out = Run("ffprobe -v error -print_format json -select_streams " + type +
                        ":0 -show_entries packet=pts,dts,flags,size '" + path + "'");
  std::vector<PacketInfo> packets;
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  if (!j.is_object() || !j.contains("packets")) return packets;
  for (const auto& p : j["packets"]) {
    PacketInfo info;
    info.pts = p.contains("pts") ? p["pts"].get<int64_t>() : INT64_MIN;
    info.dts = p.contains("dts") ? p["dts"].get<int64_t>() : INT64_MIN;
    info.keyframe = p.value("flags", "").find('K') != std::string::npos;
    info.size = std::stoll(p.value("size", "0"));
    packets.push_back(info);
  }
  return packets;
}

std::vector<std::string> AudioPacketHashes(const std::string& path) {
  std::string out = Run("ffmpeg -nostdin -v error -i '" + path +
                        "' -map 0:a:0 -c copy -f framemd5 - 2>/dev/null");
  std::vector<std::string> hashes;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    // stream, dts, pts, duration, size, hash[, side data]: keep size and hash.
    std::vector<std::string> fields;
    std::istringstream cols(line);
    std::string col;
    while (std::getline(cols, col, ',')) fields.push_back(col.substr(col.find_first_not_of(' ')));
    if (fields.size() >= 6) hashes.push_back(fields[4] + ":" + fields[5]);
  }
  return hashes;
}

}  // namespace baton::transcode::testing
