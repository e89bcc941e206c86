#include "ai/media_probe.h"

#include <string>
#include <vector>

#include "transcode/av_util.h"
#include "transcode/memory_io.h"
#include "transcode/source_limits.h"

namespace baton::ai {
namespace {

struct FormatClose {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatClose>;

// Opens `bytes` with one of `demuxers` and reads its stream info.
absl::StatusOr<FormatPtr> Open(transcode::MemoryInput& input, std::string_view demuxers,
                               const char* what) {
  if (input.avio() == nullptr) return absl::ResourceExhaustedError("cannot allocate input");
  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return absl::ResourceExhaustedError("cannot allocate demuxer");
  raw->pb = input.avio();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw->io_open = &transcode::RefuseNestedOpen;
  raw->protocol_whitelist = av_strdup("");
  const AVInputFormat* container = nullptr;
  int rc = av_probe_input_buffer2(raw->pb, &container, "", raw, 0, 0);
  if (rc < 0 || container == nullptr || !transcode::DemuxerAllowed(container->name, demuxers)) {
    avformat_free_context(raw);
    return absl::InvalidArgumentError(std::string("unsupported ") + what + " format");
  }
  rc = avformat_open_input(&raw, "", container, nullptr);  // frees raw on error
  if (rc < 0) return absl::InvalidArgumentError(std::string("unreadable ") + what);
  FormatPtr format(raw);
  std::vector<AVDictionary*> options(format->nb_streams, nullptr);
  for (AVDictionary*& o : options) av_dict_set_int(&o, "max_pixels", kMaxPixels, 0);
  rc = avformat_find_stream_info(format.get(), options.data());
  for (AVDictionary*& o : options) av_dict_free(&o);
  if (rc < 0) return absl::InvalidArgumentError(std::string("unreadable ") + what);
  return format;
}

}  // namespace

absl::StatusOr<ImageSize> ProbeImageSize(std::string_view bytes) {
  transcode::MemoryInput input(bytes);
  auto format = Open(input, transcode::kImageUploadDemuxers, "image");
  if (!format.ok()) return format.status();
  for (unsigned i = 0; i < (*format)->nb_streams; ++i) {
    const AVCodecParameters* par = (*format)->streams[i]->codecpar;
    if (par->codec_type != AVMEDIA_TYPE_VIDEO) continue;
    if (par->width <= 0 || par->height <= 0 ||
        static_cast<int64_t>(par->width) * par->height > kMaxPixels)
      return absl::InvalidArgumentError("image size unreadable or over 100 megapixels");
    return ImageSize{par->width, par->height};
  }
  return absl::InvalidArgumentError("no image found");
}

absl::StatusOr<double> ProbeAudioSeconds(std::string_view bytes) {
  transcode::MemoryInput input(bytes);
  auto format = Open(input, transcode::kAudioUploadDemuxers, "audio");
  if (!format.ok()) return format.status();
  if ((*format)->duration == AV_NOPTS_VALUE || (*format)->duration < 0)
    return absl::InvalidArgumentError("Unable to calculate duration");
  return static_cast<double>((*format)->duration) / AV_TIME_BASE;
}

}  // namespace baton::ai
