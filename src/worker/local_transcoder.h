// The in-process video worker (-transcoder): a transcode::TranscodeSession per gateway
// session, driven by the orchestrator's SegmentHandler on that session's loop thread.
//
// The threads that call Transcode are lowered to the transcoding priority
// (transcode/thread_priority.h) so the network threads stay responsive, and every segment's
// wall time, content duration and the process's CPU time go to the CapacityModel, if given.
//
// Thread-safe: the session map is guarded; each session's TranscodeSession is used by its
// own loop thread only.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "transcode/transcode_session.h"
#include "worker/capacity_model.h"
#include "worker/segment_transcoder.h"

namespace baton::worker {

class LocalTranscoder : public SegmentTranscoder {
 public:
  // `capacity`, if not null, must outlive this.
  explicit LocalTranscoder(CapacityModel* capacity = nullptr) : capacity_(capacity) {}

  absl::StatusOr<std::vector<Rendition>> Transcode(const std::string& session,
                                                   const net::SegData& seg_data,
                                                   const std::vector<net::VideoProfile>& profiles,
                                                   std::string_view bytes) override;
  void EndSession(const std::string& session) override;
  // Transcode, also reporting the decoded input's pixels (a standalone transcoder's Pixels
  // header, doc/wire.md 5.1).
  absl::StatusOr<std::vector<Rendition>> Transcode(const std::string& session,
                                                   const net::SegData& seg_data,
                                                   const std::vector<net::VideoProfile>& profiles,
                                                   std::string_view bytes, int64_t* decoded_pixels);

 private:
  std::shared_ptr<transcode::TranscodeSession> SessionFor(const std::string& session);

  CapacityModel* const capacity_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<transcode::TranscodeSession>> sessions_;
};

}  // namespace baton::worker
