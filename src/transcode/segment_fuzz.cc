// libFuzzer target: arbitrary bytes as a segment. Whatever FFmpeg makes of them, a transcode
// must end in an error or in outputs whose counts are self-consistent, never in a crash.
// Built only by fuzz/project with -DFUZZ_MEDIA=ON (never linked into baton).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "transcode/transcode_session.h"

extern "C" {
#include <libavutil/log.h>
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (av_log_set_level(AV_LOG_QUIET), true);
  (void)quiet;
  using baton::transcode::VideoProfile;
  VideoProfile p;
  p.name = "fuzz";
  p.width = 146;
  p.height = 82;
  p.bitrate_bps = 100'000;
  p.fps_num = 0;
  static baton::transcode::ThreadBudget budget(1);
  baton::transcode::TranscodeSession session(&budget);
  baton::transcode::SegmentInput in;
  in.bytes = std::string_view(reinterpret_cast<const char*>(data), size);
  auto result = session.Transcode(in, {p});
  if (result.ok()) {
    for (const auto& r : result->renditions) {
      if (r.pixels != r.frames * r.width * r.height) std::abort();
    }
  }
  return 0;
}
