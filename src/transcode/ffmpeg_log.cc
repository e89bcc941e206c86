#include "transcode/ffmpeg_log.h"

#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <string>

extern "C" {
#include <libavutil/log.h>
}

namespace baton::transcode {
namespace {

void LogLine(void* avcl, int level, const char* fmt, va_list args) {
  if (level > av_log_get_level()) return;
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, fmt, args, line, sizeof(line), &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return;
  if (level <= AV_LOG_ERROR) {
    spdlog::error("ffmpeg: {}", text);
  } else if (level <= AV_LOG_WARNING) {
    spdlog::warn("ffmpeg: {}", text);
  } else if (level <= AV_LOG_INFO) {
    spdlog::info("ffmpeg: {}", text);
  } else {
    spdlog::debug("ffmpeg: {}", text);
  }
}

}  // namespace

void RouteFfmpegLogs(int verbosity) {
  int level = AV_LOG_ERROR;
  if (verbosity >= 6) {
    level = AV_LOG_INFO;
  } else if (verbosity >= 4) {
    level = AV_LOG_WARNING;
  }
  av_log_set_level(level);
  av_log_set_callback(&LogLine);
}

}  // namespace baton::transcode
