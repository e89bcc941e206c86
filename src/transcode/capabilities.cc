#include "transcode/capabilities.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/capability.h"
#include "transcode/av_util.h"

extern "C" {
#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>
}

namespace baton::transcode {
namespace {

bool HasEncoder(const char* name) { return avcodec_find_encoder_by_name(name) != nullptr; }
bool HasDecoder(AVCodecID id) { return avcodec_find_decoder(id) != nullptr; }

std::vector<int> CapsFor(const VideoProfile& p) {
  std::vector<int> caps;
  switch (p.codec) {
    case VideoCodec::kH264:
      caps.push_back(kCapH264);
      break;
    case VideoCodec::kH265:
      caps.push_back(kCapHevcEncode);
      break;
    case VideoCodec::kVp8:
      caps.push_back(kCapVp8Encode);
      break;
    case VideoCodec::kVp9:
      caps.push_back(kCapVp9Encode);
      break;
  }
  caps.push_back(p.format == OutputFormat::kMp4 ? kCapMp4 : kCapMpegts);
  switch (p.encoder_profile) {
    case EncoderProfile::kBaseline:
      caps.push_back(kCapProfileH264Baseline);
      break;
    case EncoderProfile::kMain:
      caps.push_back(kCapProfileH264Main);
      break;
    case EncoderProfile::kHigh:
      caps.push_back(kCapProfileH264High);
      break;
    case EncoderProfile::kConstrainedHigh:
      caps.push_back(kCapProfileH264ConstrainedHigh);
      break;
    case EncoderProfile::kDefault:
      break;
  }
  if (p.gop_ms != 0) caps.push_back(kCapGop);
  if (p.fps_den > 1) caps.push_back(kCapFractionalFramerates);
  return caps;
}

absl::Status ProbeNvidiaDevice(const std::string& device) {
  AVBufferRef* hw = nullptr;
  int rc = av_hwdevice_ctx_create(&hw, AV_HWDEVICE_TYPE_CUDA, device.c_str(), nullptr, 0);
  if (rc < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("-nvidia: cannot open CUDA device ", device, " (", AvErrorText(rc),
                     "); is an NVIDIA GPU with its driver present?"));
  }
  av_buffer_unref(&hw);
  const AVCodec* nvenc = avcodec_find_encoder_by_name("h264_nvenc");
  if (nvenc == nullptr) {
    return absl::FailedPreconditionError("-nvidia: this FFmpeg has no h264_nvenc encoder");
  }
  CodecContextPtr enc(avcodec_alloc_context3(nvenc));
  enc->width = 256;
  enc->height = 144;
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = {1, 30};
  av_opt_set(enc->priv_data, "gpu", device.c_str(), 0);
  rc = avcodec_open2(enc.get(), nvenc, nullptr);
  if (rc < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "-nvidia: GPU ", device, " has no usable NVENC encoder (", AvErrorText(rc), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<int> SoftwareCapabilities() {
  std::vector<int> caps = {kCapFractionalFramerates, kCapSegmentSlicing};
  if (av_guess_format("mpegts", nullptr, nullptr) != nullptr) caps.push_back(kCapMpegts);
  if (av_guess_format("mp4", nullptr, nullptr) != nullptr) caps.push_back(kCapMp4);
  if (HasEncoder("libx264") && HasDecoder(AV_CODEC_ID_H264)) {
    caps.insert(caps.end(), {kCapH264, kCapProfileH264Baseline, kCapProfileH264Main,
                             kCapProfileH264High, kCapProfileH264ConstrainedHigh, kCapGop});
    // FFmpeg's software H.264 decoder handles 4:2:2, 4:4:4 and 10-bit (High 10/4:2:2/4:4:4).
    for (int c = kCapH264Decode444_8bit; c <= kCapH264Decode420_10bit; ++c) caps.push_back(c);
  }
  if (HasDecoder(AV_CODEC_ID_HEVC)) caps.push_back(kCapHevcDecode);
  if (HasEncoder("libx265")) caps.push_back(kCapHevcEncode);
  if (HasDecoder(AV_CODEC_ID_VP8)) caps.push_back(kCapVp8Decode);
  if (HasDecoder(AV_CODEC_ID_VP9)) caps.push_back(kCapVp9Decode);
  if (HasEncoder("libvpx")) caps.push_back(kCapVp8Encode);
  if (HasEncoder("libvpx-vp9")) caps.push_back(kCapVp9Encode);
  std::sort(caps.begin(), caps.end());
  return caps;
}

absl::Status CheckProfilesSupported(const std::vector<VideoProfile>& profiles,
                                    const std::vector<int>& caps) {
  for (const VideoProfile& p : profiles) {
    for (int cap : CapsFor(p)) {
      if (std::find(caps.begin(), caps.end(), cap) == caps.end()) {
        return absl::UnimplementedError(absl::StrCat("profile \"", p.name, "\" needs capability ",
                                                     cap, ", which this transcoder lacks"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ProbeNvidia(const std::string& device) {
  std::vector<std::string> devices = absl::StrSplit(device, ',', absl::SkipEmpty());
  if (devices.empty() || device == "all") devices = {"0"};
  for (const std::string& d : devices) {
    if (absl::Status s = ProbeNvidiaDevice(d); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace baton::transcode
