#include "transcode/av_util.h"

#include "absl/strings/str_cat.h"

extern "C" {
#include <libavutil/error.h>
}

namespace baton::transcode {

FramePtr NewFrame() { return FramePtr(av_frame_alloc()); }
PacketPtr NewPacket() { return PacketPtr(av_packet_alloc()); }

std::string AvErrorText(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

absl::Status AvStatus(int code, std::string_view what) {
  if (code >= 0) return absl::OkStatus();
  std::string message = std::string(what) + ": " + AvErrorText(code);
  if (code == AVERROR_INVALIDDATA || code == AVERROR(EINVAL) || code == AVERROR_EOF) {
    return absl::InvalidArgumentError(message);
  }
  return absl::InternalError(message);
}

}  // namespace baton::transcode
