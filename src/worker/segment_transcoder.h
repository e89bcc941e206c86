// SegmentTranscoder: the video job as the orchestrator hands it to a worker. One segment of a
// gateway session in, its renditions out. LocalTranscoder (-transcoder) implements it in
// process; a remote transcoder connected over the network will implement it too, so the
// orchestrator's handlers never know where the work runs.
//
// The orchestrator calls Transcode on the session's loop thread (worker/session_loops.h), one
// segment of a session at a time; implementations must allow different sessions in parallel.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lp_rpc.pb.h"

namespace baton::worker {

class SegmentTranscoder {
 public:
  struct Rendition {
    std::string bytes;
    int64_t pixels = 0;
    std::string extension = ".ts";  // of the container the bytes are in
  };
  virtual ~SegmentTranscoder() = default;
  // `seg_data` as the gateway sent it; `profiles` the renditions asked for, in order (names
  // filled in); `bytes` the source segment. Returns one rendition per profile, in order.
  virtual absl::StatusOr<std::vector<Rendition>> Transcode(
      const std::string& session, const net::SegData& seg_data,
      const std::vector<net::VideoProfile>& profiles, std::string_view bytes) = 0;
  // The session ended: drop its state.
  virtual void EndSession(const std::string& session) = 0;
};

}  // namespace baton::worker
