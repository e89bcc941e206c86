// The in-process video worker (-transcoder): a transcode::TranscodeSession per gateway
// session, driven by the orchestrator's SegmentHandler on that session's loop thread.
//
// Thread-safe: the session map is guarded; each session's TranscodeSession is used by its
// own loop thread only.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "transcode/transcode_session.h"
#include "worker/segment_transcoder.h"

namespace baton::worker {

class LocalTranscoder : public SegmentTranscoder {
 public:
  // Sessions it takes at once when -maxSessions is auto: go-livepeer's default -maxSessions.
  // FFmpeg shares the machine's cores between them (transcode/thread_budget.h).
  static constexpr int kDefaultCapacity = 10;

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

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<transcode::TranscodeSession>> sessions_;
};

}  // namespace baton::worker
