// TranscoderPool: the orchestrator's video workers behind one SegmentTranscoder, so the
// segment handler never knows where a segment runs (doc/wire.md 5.1). Workers are remote
// transcoders, attached while their RegisterTranscoder stream is open, and optionally the
// in-process transcoder (-orchestrator -transcoder), which is balanced with them by load.
//
// Selection is go-livepeer's: a session sticks to its worker; a new session goes to the
// compatible worker with the lowest load/capacity (load counts sessions), and fails with "no
// transcoders available" when that worker is full, "no transcoders can provide requested
// capabilities" when none is compatible. The in-process worker's capacity is read live from
// its capacity source (with -maxSessions auto, the CapacityModel's figure, which calibration
// and the running sessions revise), so the local and remote shares follow it; while its
// new-session check refuses (the local sessions are behind real time) a new session goes to a
// remote worker with room, and to the local one only when no remote worker has any. A session
// counts while it is busy and for two segment durations after (a gateway may abandon it without
// ending it). A remote segment is stored in the media store, announced with a NotifySegment
// carrying its URL and a fresh task id, and awaited until its /transcodeResults post arrives
// (Deliver) or max(8 s, 4·duration) passes.
//
// Failover, beyond go-livepeer: when the worker disconnects (its stream ends, a send fails) or
// is late with the segment, the segment is retried once on another worker within the gateway's
// deadline (the same max(8 s, 4·duration), counted from the first attempt), and the session
// moves there. Late means: kFirstAttemptShare of that deadline passed (so that the retry still
// fits), another worker has room, and the late worker posted no result of any task meanwhile
// (stuck; a busy one gets the whole deadline, as a retry would only add work). The late worker
// keeps going, and whichever of the two answers first is used. A stuck worker still silent at
// the whole deadline is disconnected, as go-livepeer does; it reconnects by itself.
//
// Threads: Transcode runs on the sessions' loop threads and blocks there until its result;
// Attach/Detach/Deliver come from the service port's loop threads. Everything is guarded by
// one mutex, never held while sending or transcoding. on_change runs outside the mutex.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "net/grpc_service.h"
#include "orchestrator/media_store.h"
#include "worker/segment_transcoder.h"

namespace baton::orchestrator {

struct TranscoderPoolOptions {
  std::string service_uri;           // inputs are served at <service_uri>/stream/...
  std::string orch_id = "offchain";  // NotifySegment.orchId: the recipient's hex, or offchain
  MediaStore* store = nullptr;       // where remote inputs are served from
  // The in-process worker, if any, with its session capacity and capabilities.
  worker::SegmentTranscoder* local = nullptr;
  int local_capacity = 0;
  // The local capacity now, read at every choice and report in place of local_capacity (null:
  // local_capacity, fixed). Called under the pool's mutex: it must not call back into the pool.
  std::function<int()> local_capacity_source;
  // Whether the local worker takes a new session now (null: whenever it has room). Called
  // under the pool's mutex, like local_capacity_source.
  std::function<absl::Status()> local_check;
  std::set<int> local_capabilities;
  std::string version;  // the local worker's capability version
  // Runs after a worker came or went (capacity changed).
  std::function<void()> on_change;
  // go-livepeer's floor on the wait for a remote result.
  std::chrono::milliseconds min_timeout{8000};
};

class TranscoderPool : public worker::SegmentTranscoder {
 public:
  static constexpr double kFirstAttemptShare = 0.6;
  static constexpr std::chrono::milliseconds kSessionLapse{4000};

  // What a remote worker posted for a task: its renditions, or its error text.
  struct Outcome {
    absl::Status status;
    std::vector<Rendition> renditions;
  };
  struct WorkerInfo {
    int64_t id = 0;
    std::string address;  // "ip:port" of the remote peer, "local" for the in-process worker
    int capacity = 0;
    int load = 0;
    std::set<int> capabilities;
    std::chrono::system_clock::time_point connected_since;
    bool local = false;
  };

  explicit TranscoderPool(TranscoderPoolOptions options);
  ~TranscoderPool() override;

  // A remote transcoder that passed the secret and capacity checks. Its NotifySegments go to
  // `stream`; it stays until Detach. Returns its id.
  // `capabilities` as it registered them (bitstring and version).
  int64_t Attach(const std::string& address, int capacity, const net::Capabilities& capabilities,
                 std::shared_ptr<http::GrpcStreamWriter> stream);
  // Its stream ended (or it is being dropped): its capacity goes, in-flight tasks fail over.
  void Detach(int64_t id);
  // A /transcodeResults post. Unknown or finished task ids are dropped (false).
  bool Deliver(int64_t task_id, Outcome outcome);
  // Ends every remote stream and fails waiting tasks (node shutdown).
  void Shutdown();

  std::vector<WorkerInfo> Workers() const;
  int capacity() const;                // all workers' capacity
  int load() const;                    // sessions assigned
  int remote_count() const;            // remote transcoders attached
  int remote_room() const;             // sessions the remote transcoders can still take
  std::set<int> capabilities() const;  // the union of the workers'

  absl::StatusOr<std::vector<Rendition>> Transcode(const std::string& session,
                                                   const net::SegData& seg_data,
                                                   const std::vector<net::VideoProfile>& profiles,
                                                   std::string_view bytes) override;
  void EndSession(const std::string& session) override;

 private:
  struct Worker;
  struct Task;
  using Clock = std::chrono::steady_clock;

  // The session's worker (sticky), or a new assignment; `exclude` is a worker just failed.
  absl::StatusOr<std::shared_ptr<Worker>> Assign(const std::string& session,
                                                 const net::Capabilities& required,
                                                 int64_t exclude);
  void UnassignLocked(const std::string& session);
  bool HasOtherCandidateLocked(const net::Capabilities& required, int64_t exclude) const;
  // The worker's capacity now: the local one's from its source.
  int CapacityLocked(const Worker& worker) const;
  // Announces the segment to `worker` as a new task registered as `task`; UNAVAILABLE (the
  // worker detached) when the send fails.
  absl::StatusOr<int64_t> Send(const std::shared_ptr<Worker>& worker, const std::string& session,
                               const net::SegData& seg_data,
                               const std::vector<net::VideoProfile>& profiles,
                               std::string_view bytes, const std::shared_ptr<Task>& task);
  void DetachLocked(int64_t id, std::vector<std::shared_ptr<http::GrpcStreamWriter>>& to_finish);
  void Changed();

  TranscoderPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, std::shared_ptr<Worker>> workers_;  // by id, in attach order
  // A session's worker. It counts in the worker's load while a segment is in flight and for
  // two segment durations (at least kSessionLapse) after, so a session a gateway abandoned
  // without EndTranscodingSession stops holding a place; it stays sticky all the same.
  struct Assignment {
    int64_t worker = 0;
    int in_flight = 0;
    Clock::time_point live_until;
  };
  int LoadLocked(int64_t worker, Clock::time_point now) const;
  void DoneLocked(const std::string& session, Clock::duration lapse);
  std::map<std::string, Assignment> sessions_;
  std::map<int64_t, std::shared_ptr<Task>> tasks_;  // in flight, by task id
  int64_t next_worker_id_ = 1;
  int64_t next_task_id_ = 0;  // go-livepeer's task ids count from 0
  bool shut_down_ = false;
};

}  // namespace baton::orchestrator
