#include "ai/media_probe.h"

#include <string>
#include <vector>

#include "transcode/av_util.h"
#include "transcode/memory_io.h"

namespace baton::ai {
namespace {

constexpr char kImageDemuxers[] = "png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,gif,image2pipe";
constexpr char kAudioDemuxers[] = "wav,mp3,flac,ogg,mov,mp4,m4a,matroska,webm,aac";

int RefuseOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

struct FormatClose {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatClose>;

bool Allowed(const char* name, std::string_view list) {
  // A demuxer name may itself be a comma list ("mov,mp4,m4a,3gp,3g2,mj2").
  std::string_view names(name);
  size_t pos = 0;
  while (pos <= names.size()) {
    size_t end = names.find(',', pos);
    std::string_view one = names.substr(pos, end == names.npos ? names.npos : end - pos);
    size_t at = 0;
    while ((at = list.find(one, at)) != list.npos) {
      bool starts = at == 0 || list[at - 1] == ',';
      bool ends = at + one.size() == list.size() || list[at + one.size()] == ',';
      if (starts && ends && !one.empty()) return true;
      at += 1;
    }
    if (end == names.npos) break;
    pos = end + 1;
  }
  return false;
}

// Opens `bytes` with one of `demuxers` and reads its stream info.
absl::StatusOr<FormatPtr> Open(transcode::MemoryInput& input, std::string_view demuxers,
                               const char* what) {
  if (input.avio() == nullptr) return absl::ResourceExhaustedError("cannot allocate input");
  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return absl::ResourceExhaustedError("cannot allocate demuxer");
  raw->pb = input.avio();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw->io_open = &RefuseOpen;
  raw->protocol_whitelist = av_strdup("");
  const AVInputFormat* container = nullptr;
  int rc = av_probe_input_buffer2(raw->pb, &container, "", raw, 0, 0);
  if (rc < 0 || container == nullptr || !Allowed(container->name, demuxers)) {
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
  auto format = Open(input, kImageDemuxers, "image");
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
  auto format = Open(input, kAudioDemuxers, "audio");
  if (!format.ok()) return format.status();
  if ((*format)->duration == AV_NOPTS_VALUE || (*format)->duration < 0)
    return absl::InvalidArgumentError("Unable to calculate duration");
  return static_cast<double>((*format)->duration) / AV_TIME_BASE;
}

}  // namespace baton::ai
