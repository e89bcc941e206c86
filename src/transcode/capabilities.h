// What this build's transcoder can really do, as go-livepeer capability numbers (doc/wire.md 6.1),
// and the -nvidia probe.
//
// SoftwareCapabilities() asks FFmpeg at run time which encoders and decoders exist, so a
// build without libx265 does not advertise HEVC encode. CheckProfilesSupported() is the
// per-segment check that each requested profile is within those capabilities. ProbeNvidia()
// tells whether FFmpeg's NVDEC/NVENC paths can run here; it opens a CUDA device and an NVENC
// encoder, and returns an error that says what is missing when they cannot.
// Pure functions over process-wide FFmpeg state; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "transcode/video_profile.h"

namespace baton::transcode {

// Sorted capability numbers: H.264 (0), MPEGTS (1), MP4 (2), fractional frame rates (3), the
// H.264 profiles (7-10), GOP (11), segment slicing (26), and each of HEVC/VP8/VP9
// decode/encode (15-20) and H.264 4:2:2/4:4:4/10-bit decode (21-25) that this FFmpeg has.
std::vector<int> SoftwareCapabilities();

// OK if every profile only needs capabilities in `caps`; otherwise names the first that is
// missing.
absl::Status CheckProfilesSupported(const std::vector<VideoProfile>& profiles,
                                    const std::vector<int>& caps);

// `device` is the -nvidia value ("0", "0,1", "all"). OK only when a CUDA device opens and an
// NVENC H.264 encoder can be opened on it.
absl::Status ProbeNvidia(const std::string& device);

}  // namespace baton::transcode
