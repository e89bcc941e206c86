// RenditionLadder: the outputs a gateway asks an orchestrator for, parsed from go-livepeer's
// `-transcodingOptions` (a comma list of preset names, doc/transcode.md 1.1 and 1.4), in their
// wire form (net.VideoProfile, SegData.fullProfiles = 33), together with what the ladder
// implies on the wire: the capabilities a segment requires (go-livepeer's JobCapabilities)
// and the profile IDs the segment signature covers.
//
// The presets are the transcoder's standard table (transcode/video_profile.h,
// doc/transcode.md 1.1: all MPEG-TS, H.264, default encoder profile, GOP 0, FramerateDen 0),
// which is why fullProfiles (33) is the right field.
// Everything here is immutable data or pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lp_rpc.pb.h"
#include "pm/rational.h"

namespace baton::gateway {

// Parses "P240p30fps16x9,P360p30fps16x9". Unknown names are an error here (go-livepeer skips
// them silently, which hides typos in a test tool); an empty list is an error too.
absl::StatusOr<std::vector<::net::VideoProfile>> ParseTranscodingOptions(std::string_view text);

// First 4 bytes of keccak256(name), as 8 lower-case hex digits ("c0a6517a" for P240p30fps16x9).
std::string ProfileId(std::string_view name);

// The capabilities a segment with these outputs requires (doc/wire.md 6.1 numbers): auth token
// (12), H.264 decode of the input (0), and per output its container (MPEGTS 1 / MP4 2), its
// encoder (H.264 0, HEVC 16, VP8 19, VP9 20), its H.264 profile (7-10, none for the default),
// GOP (11) when set and fractional frame rates (3) when fpsDen > 0. Bitstring only.
::net::Capabilities RequiredCapabilities(const std::vector<::net::VideoProfile>& profiles);

// Σ over profiles of w·h·⌈fps/fpsDen⌉·⌈duration⌉ × 1.02, with fps = 60 for passthrough
// profiles: go-livepeer's estimateFee before multiplying by the price (doc/wire.md 4). Exact.
pm::Rat EstimatedPixels(const std::vector<::net::VideoProfile>& profiles, double duration_s);

}  // namespace baton::gateway
