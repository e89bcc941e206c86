// TranscoderClient: the standalone transcoder's side of the O-T split (doc/wire.md 5.1), what
// `baton -transcoder -orchAddr ... -orchSecret ...` runs. It registers with the orchestrator
// over TLS (net.Transcoder/RegisterTranscoder with its secret, capacity and capabilities),
// and for each NotifySegment on the stream fetches the input from its URL, transcodes it with
// the in-process LocalTranscoder and posts the renditions to
// https://<orchAddr>/transcodeResults as multipart/mixed, or the error as
// livepeer/transcoding-error. A teardown message (no URL, only a session id) ends that session.
//
// When the stream ends or cannot be opened it registers again (worker/registration_loop.h) after an
// exponential backoff (0.5 s, x1.5, capped at one minute, as go-livepeer's); "invalid secret" and
// "zero capacity" from the orchestrator are fatal and end Run with that error.
//
// Threads: Run blocks its caller (the main thread of a standalone transcoder) on the stream;
// segments run on a pool of `capacity` threads it owns. Stop and Snapshot may be called from
// any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "common/metrics.h"
#include "lp_rpc.pb.h"
#include "worker/executor.h"
#include "worker/local_transcoder.h"
#include "worker/registration_loop.h"

namespace baton::worker {

struct TranscoderClientOptions {
  std::string orch_addr;  // host:port of the orchestrator's service port
  std::string secret;
  int capacity = 1;
  net::Capabilities capabilities;
  LocalTranscoder* transcoder = nullptr;
  Metrics* metrics = nullptr;  // may be null
  std::chrono::milliseconds max_backoff{60'000};
};

class TranscoderClient {
 public:
  explicit TranscoderClient(TranscoderClientOptions options);
  ~TranscoderClient();

  // Registers and serves until Stop (OK) or a fatal answer (its error).
  absl::Status Run();
  void Stop();

  struct Snapshot : RegistrationState {
    int64_t segments_done = 0;
    int64_t segments_failed = 0;
  };
  Snapshot snapshot() const;

 private:
  absl::Status RunOnce();
  void Handle(const net::NotifySegment& notify);

  TranscoderClientOptions options_;
  std::atomic<bool> stop_{false};
  Executor pool_;
  mutable std::mutex mu_;
  Snapshot state_;
};

// Content-Type of a rendition part by the extension the transcoder reported.
std::string RenditionContentType(const std::string& extension);

}  // namespace baton::worker
