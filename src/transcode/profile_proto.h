// Conversion from the wire's SegData / net.VideoProfile (proto/lp_rpc.proto) to the
// transcoder's own types, with the decoding rules of doc/wire.md 3 "SegData decoding":
// fullProfiles3, else fullProfiles2, else fullProfiles (the legacy `profiles` bytes are
// ignored); an empty name becomes net_<w>x<h>_<bitrate>; unknown enum values are errors
// ("unrecognized profile output format", "unrecognized encoder profile", "unrecognized video
// codec"); fps 0 is passthrough and fpsDen 0 means 1; gop -1 is intra-only, other negatives
// are errors; colorDepth and chromaFormat are ignored (outputs are always 8-bit 4:2:0).
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "lp_rpc.pb.h"
#include "transcode/transcode_session.h"
#include "transcode/video_profile.h"

namespace baton::transcode {

absl::StatusOr<VideoProfile> ProfileFromProto(const net::VideoProfile& wire);

// The profiles a segment asks for, in order.
absl::StatusOr<std::vector<VideoProfile>> ProfilesFromSegData(const net::SegData& seg);

// Duration (0 -> 2 s; outside [0, 5 min] -> "invalid duration") and clip window from
// segment_parameters. `bytes` must outlive the returned value.
absl::StatusOr<SegmentInput> SegmentInputFromSegData(const net::SegData& seg,
                                                     std::string_view bytes);

}  // namespace baton::transcode
