// StreamSession: one gateway session with one orchestrator, as go-livepeer's broadcaster runs
// it (doc/wire.md 2-4): GetOrchestrator for price, ticket params and an auth token, then every
// segment in seq order on POST /segment with a signed SegData and a Payment, the results
// downloaded and verified, and the session's OrchestratorInfo replaced by each response's.
//
// Payments follow a go-livepeer gateway: each segment's fee is estimated as
// Σ w·h·⌈fps⌉·⌈duration⌉ × 1.02 × price (segment_rpc.go estimateFee), and the session's
// SessionCredit decides how many tickets it needs, none when the credit carried from earlier
// tickets covers it (the Payment then carries no ticket).
//
// With concurrency N, N worker threads take segments in seq order, so at most N of this
// session's segments are in flight (the node queues at most 4 per session). Each outcome goes
// into the shared RunSummary.
//
// Ownership: the session borrows the Sender, the key and the summary, which must outlive it.
// Thread-safety: Run() is called once; it starts and joins its own threads. The Sender and the
// summary are shared between sessions and are thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/secp256k1.h"
#include "gateway/orchestrator_client.h"
#include "gateway/run_summary.h"
#include "gateway/session_credit.h"
#include "gateway/source_segments.h"
#include "lp_rpc.pb.h"
#include "pm/rational.h"
#include "pm/sender.h"

namespace baton::gateway {

struct SessionConfig {
  std::string base_url;  // from OrchestratorBaseUrl
  std::vector<::net::VideoProfile> profiles;
  int concurrency = 1;
  bool verify = true;
  std::string out_dir;                        // empty: do not keep renditions
  std::optional<pm::Rat> max_price_per_unit;  // wei per pixel
  bool realtime = false;  // post each segment no earlier than a live source would have it
};

// go-livepeer refreshes a session (a new GetOrchestrator, hence a new auth token and session
// id) in the last 10 % of the token's 30-minute life (broadcast.go:shouldRefreshSession).
bool ShouldRefreshSession(const ::net::OrchestratorInfo& info, int64_t now_unix_s);

class StreamSession {
 public:
  StreamSession(int index, SessionConfig config, const crypto::PrivateKey& key, pm::Sender& sender,
                RunSummary& summary);

  // Streams every segment. When the session cannot start (GetOrchestrator fails, the price is
  // too high) every segment is recorded as failed with that reason, and the error is returned.
  absl::Status Run(const std::vector<SourceSegment>& segments);

 private:
  struct Prepared;  // one segment's request, ready to post

  // GetOrchestrator; on success the session's info is replaced.
  absl::Status Start(OrchestratorClient& client);
  void Work(const std::vector<SourceSegment>& segments);
  SegmentOutcome Process(OrchestratorClient& client, const SourceSegment& segment);
  absl::StatusOr<Prepared> Prepare(OrchestratorClient& client, const SourceSegment& segment,
                                   SegmentOutcome& outcome);
  void CheckResults(OrchestratorClient& client, const ::net::TranscodeData& data,
                    const ::net::OrchestratorInfo& info, SegmentOutcome& outcome);
  void UpdateInfo(const ::net::OrchestratorInfo& fresh);
  // The payment for a segment whose fee is estimated at `fee` wei: stages a credit update in
  // `prepared` (go-livepeer newBalanceUpdate + genPayment).
  absl::StatusOr<::net::Payment> StagePayment(Prepared& prepared, const pm::Rat& fee,
                                              SegmentOutcome& outcome);
  void KeepRenditions(int64_t seq, const std::vector<std::string>& renditions);
  absl::Status CheckPrice(const ::net::OrchestratorInfo& info) const;

  const int index_;
  const SessionConfig config_;
  const crypto::PrivateKey& key_;
  pm::Sender& sender_;
  RunSummary& summary_;
  const std::string manifest_id_;

  std::mutex mu_;
  ::net::OrchestratorInfo info_;                        // guarded by mu_
  size_t next_segment_ = 0;                             // guarded by mu_
  std::chrono::steady_clock::time_point stream_start_;  // set before the workers start
  SessionCredit credit_;                                // thread-safe itself
};

}  // namespace baton::gateway
