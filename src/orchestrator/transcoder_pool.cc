#include "orchestrator/transcoder_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "orchestrator/capabilities.h"

namespace baton::orchestrator {
namespace {

// What is left of the gateway's deadline is not spent to the last millisecond: the answer
// still has to be stored, signed and sent.
constexpr std::chrono::milliseconds kAnswerMargin{300};

// The SegData a transcoder receives (doc/wire.md 5.1): no hash (32 zero bytes), no storage,
// no signature, legacy profiles "invalid"; the profiles stay in the field the gateway used, or go
// into fullProfiles3 when it used none.
net::SegData NotifiedSegData(const net::SegData& in,
                             const std::vector<net::VideoProfile>& profiles) {
  net::SegData out = in;
  out.set_hash(std::string(32, '\0'));
  out.clear_storage();
  out.clear_sig();
  out.set_profiles("invalid");
  if (out.fullprofiles_size() == 0 && out.fullprofiles2_size() == 0 &&
      out.fullprofiles3_size() == 0) {
    for (const auto& p : profiles) *out.add_fullprofiles3() = p;
  }
  return out;
}

}  // namespace

struct TranscoderPool::Worker {
  WorkerInfo info;
  net::Capabilities capabilities;
  std::shared_ptr<http::GrpcStreamWriter> stream;     // null for the local worker
  std::chrono::steady_clock::time_point last_result;  // its latest /transcodeResults post
};

struct TranscoderPool::Task {
  int64_t worker_id = 0;
  std::optional<Outcome> outcome;
  bool worker_gone = false;
};

TranscoderPool::TranscoderPool(TranscoderPoolOptions options) : options_(std::move(options)) {
  if (options_.local != nullptr &&
      (options_.local_capacity > 0 || options_.local_capacity_source)) {
    auto w = std::make_shared<Worker>();
    w->info.id = next_worker_id_++;
    w->info.address = "local";
    w->info.capacity = options_.local_capacity;
    w->info.capabilities = options_.local_capabilities;
    w->info.connected_since = std::chrono::system_clock::now();
    w->info.local = true;
    w->capabilities = MakeCapabilities(options_.local_capabilities, options_.version);
    workers_[w->info.id] = w;
  }
}

TranscoderPool::~TranscoderPool() { Shutdown(); }

int64_t TranscoderPool::Attach(const std::string& address, int capacity,
                               const net::Capabilities& capabilities,
                               std::shared_ptr<http::GrpcStreamWriter> stream) {
  auto w = std::make_shared<Worker>();
  w->info.address = address;
  w->info.capacity = capacity;
  w->info.capabilities = DecodeBitstring(capabilities.bitstring());
  w->info.connected_since = std::chrono::system_clock::now();
  w->capabilities = capabilities;
  w->stream = stream;
  int64_t id;
  bool shut_down;
  {
    std::lock_guard lock(mu_);
    id = w->info.id = next_worker_id_++;
    // Between Shutdown and the service port's stop a transcoder may still register: it is let
    // go at once rather than left attached and counted in the capacity.
    shut_down = shut_down_;
    if (!shut_down) workers_[id] = w;
  }
  if (shut_down) {
    stream->Finish(http::GrpcCode::kUnavailable, "orchestrator stopping");
    return id;
  }
  spdlog::info("Transcoder {} attached from {} with capacity {}", id, address, capacity);
  Changed();
  return id;
}

void TranscoderPool::DetachLocked(int64_t id,
                                  std::vector<std::shared_ptr<http::GrpcStreamWriter>>& to_finish) {
  auto it = workers_.find(id);
  if (it == workers_.end() || it->second->info.local) return;
  if (it->second->stream) to_finish.push_back(it->second->stream);
  spdlog::info("Transcoder {} at {} detached (capacity {} gone, {} sessions to move)", id,
               it->second->info.address, it->second->info.capacity, LoadLocked(id, Clock::now()));
  workers_.erase(it);
  for (auto s = sessions_.begin(); s != sessions_.end();) {
    s = s->second.worker == id ? sessions_.erase(s) : std::next(s);
  }
  for (auto& [task_id, task] : tasks_)
    if (task->worker_id == id) task->worker_gone = true;
  cv_.notify_all();
}

void TranscoderPool::Detach(int64_t id) {
  std::vector<std::shared_ptr<http::GrpcStreamWriter>> streams;
  {
    std::lock_guard lock(mu_);
    DetachLocked(id, streams);
  }
  // The RPC ends OK, as go-livepeer's does when it lets a transcoder go; a no-op when the
  // stream is already closed.
  for (auto& s : streams) s->Finish(http::GrpcCode::kOk);
  if (!streams.empty()) Changed();
}

bool TranscoderPool::Deliver(int64_t task_id, Outcome outcome) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(task_id);
  if (it == tasks_.end() || it->second->outcome) return false;
  it->second->outcome = std::move(outcome);
  if (auto w = workers_.find(it->second->worker_id); w != workers_.end())
    w->second->last_result = Clock::now();
  cv_.notify_all();
  return true;
}

void TranscoderPool::Shutdown() {
  std::vector<std::shared_ptr<http::GrpcStreamWriter>> streams;
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    std::vector<int64_t> ids;
    for (auto& [id, w] : workers_)
      if (!w->info.local) ids.push_back(id);
    for (int64_t id : ids) DetachLocked(id, streams);
  }
  for (auto& s : streams) s->Finish(http::GrpcCode::kUnavailable, "orchestrator stopping");
}

void TranscoderPool::Changed() {
  if (options_.on_change) options_.on_change();
}

std::vector<TranscoderPool::WorkerInfo> TranscoderPool::Workers() const {
  std::lock_guard lock(mu_);
  std::vector<WorkerInfo> out;
  const auto now = Clock::now();
  for (const auto& [id, w] : workers_) {
    out.push_back(w->info);
    out.back().capacity = CapacityLocked(*w);
    out.back().load = LoadLocked(id, now);
  }
  return out;
}

int TranscoderPool::capacity() const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [id, w] : workers_) n += CapacityLocked(*w);
  return n;
}

int TranscoderPool::load() const {
  std::lock_guard lock(mu_);
  int n = 0;
  const auto now = Clock::now();
  for (const auto& [id, w] : workers_) n += LoadLocked(id, now);
  return n;
}

int TranscoderPool::remote_count() const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [id, w] : workers_) n += w->info.local ? 0 : 1;
  return n;
}

int TranscoderPool::remote_room() const {
  std::lock_guard lock(mu_);
  int n = 0;
  const auto now = Clock::now();
  for (const auto& [id, w] : workers_)
    if (!w->info.local) n += std::max(0, w->info.capacity - LoadLocked(id, now));
  return n;
}

int TranscoderPool::CapacityLocked(const Worker& worker) const {
  if (worker.info.local && options_.local_capacity_source)
    return std::max(0, options_.local_capacity_source());
  return worker.info.capacity;
}

std::set<int> TranscoderPool::capabilities() const {
  std::lock_guard lock(mu_);
  std::set<int> all;
  for (const auto& [id, w] : workers_)
    all.insert(w->info.capabilities.begin(), w->info.capabilities.end());
  return all;
}

bool TranscoderPool::HasOtherCandidateLocked(const net::Capabilities& required,
                                             int64_t exclude) const {
  for (const auto& [id, w] : workers_) {
    if (id == exclude || LoadLocked(id, Clock::now()) >= CapacityLocked(*w)) continue;
    if (CompatibleWith(required, w->capabilities)) return true;
  }
  return false;
}

int TranscoderPool::LoadLocked(int64_t worker, Clock::time_point now) const {
  int n = 0;
  for (const auto& [session, a] : sessions_)
    if (a.worker == worker && (a.in_flight > 0 || a.live_until > now)) ++n;
  return n;
}

absl::StatusOr<std::shared_ptr<TranscoderPool::Worker>> TranscoderPool::Assign(
    const std::string& session, const net::Capabilities& required, int64_t exclude) {
  std::lock_guard lock(mu_);
  if (shut_down_) return absl::UnavailableError("orchestrator stopping");
  if (auto s = sessions_.find(session); s != sessions_.end()) {
    auto w = workers_.find(s->second.worker);
    if (w != workers_.end() && s->second.worker != exclude) {
      s->second.in_flight++;
      return w->second;
    }
    UnassignLocked(session);
  }
  const auto now = Clock::now();
  // The local worker refuses new sessions while its sessions are behind real time: it is then
  // chosen only when no remote worker has room (go-livepeer's rule among the rest).
  const bool local_busy = options_.local_check && !options_.local_check().ok();
  struct Pick {
    std::shared_ptr<Worker> worker;
    int load = 0;
    int capacity = 0;
  };
  // Least loaded by load/capacity, compared without division; a worker of capacity 0 is the
  // most loaded; ties go to the earlier worker.
  auto less = [](const Pick& a, const Pick& b) {
    if (b.capacity <= 0) return a.capacity > 0;
    if (a.capacity <= 0) return false;
    return static_cast<int64_t>(a.load) * b.capacity < static_cast<int64_t>(b.load) * a.capacity;
  };
  Pick best, best_free;  // among all; among those with room, the busy local worker left out
  for (const auto& [id, w] : workers_) {
    if (id == exclude || !CompatibleWith(required, w->capabilities)) continue;
    const Pick p{w, LoadLocked(id, now), CapacityLocked(*w)};
    if (!best.worker || less(p, best)) best = p;
    if (p.load < p.capacity && !(w->info.local && local_busy) &&
        (!best_free.worker || less(p, best_free)))
      best_free = p;
  }
  if (best_free.worker) best = best_free;
  const int best_load = best.load;
  // go-livepeer's texts, which gateways see in the TranscodeResult's error.
  if (!best.worker) {
    if (workers_.empty() || (workers_.size() == 1 && workers_.begin()->first == exclude))
      return absl::UnavailableError("no transcoders available");
    return absl::FailedPreconditionError("no transcoders can provide requested capabilities");
  }
  if (best_load >= best.capacity) return absl::ResourceExhaustedError("no transcoders available");
  sessions_[session] = Assignment{best.worker->info.id, 1, now};
  return best.worker;
}

void TranscoderPool::DoneLocked(const std::string& session, Clock::duration lapse) {
  auto s = sessions_.find(session);
  if (s == sessions_.end()) return;
  if (s->second.in_flight > 0) s->second.in_flight--;
  s->second.live_until = Clock::now() + lapse;
}

void TranscoderPool::UnassignLocked(const std::string& session) { sessions_.erase(session); }

absl::StatusOr<int64_t> TranscoderPool::Send(const std::shared_ptr<Worker>& worker,
                                             const std::string& session,
                                             const net::SegData& seg_data,
                                             const std::vector<net::VideoProfile>& profiles,
                                             std::string_view bytes,
                                             const std::shared_ptr<Task>& task) {
  const std::string path = session + "/" + std::to_string(seg_data.seq()) + ".tempfile";
  if (options_.store->Get(path) == nullptr) options_.store->Put(path, std::string(bytes));
  task->worker_id = worker->info.id;
  net::NotifySegment notify;
  notify.set_url(options_.service_uri + "/stream/" + path);
  *notify.mutable_segdata() = NotifiedSegData(seg_data, profiles);
  notify.set_orchid(options_.orch_id);
  notify.set_profiles("invalid");
  int64_t task_id;
  {
    std::lock_guard lock(mu_);
    task_id = next_task_id_++;
    tasks_[task_id] = task;
    if (workers_.count(worker->info.id) == 0) task->worker_gone = true;
  }
  notify.set_taskid(task_id);
  if (task->worker_gone || !worker->stream->Write(notify.SerializeAsString())) {
    {
      std::lock_guard lock(mu_);
      tasks_.erase(task_id);
    }
    // A failed send disconnects the transcoder (go-livepeer), and the segment goes elsewhere.
    Detach(worker->info.id);
    return absl::UnavailableError("transcoder " + worker->info.address + " is gone");
  }
  return task_id;
}

absl::StatusOr<std::vector<worker::SegmentTranscoder::Rendition>> TranscoderPool::Transcode(
    const std::string& session, const net::SegData& seg_data,
    const std::vector<net::VideoProfile>& profiles, std::string_view bytes) {
  const auto start = Clock::now();
  const int duration_ms = seg_data.duration() > 0 ? seg_data.duration() : 2000;
  const Clock::duration deadline =
      std::max<Clock::duration>(options_.min_timeout, std::chrono::milliseconds(4 * duration_ms));
  const net::Capabilities& required = seg_data.capabilities();
  const Clock::duration lapse =
      std::max<Clock::duration>(kSessionLapse, std::chrono::milliseconds(2 * duration_ms));
  // Remote attempts sent and not given up: a first one that is only slow still counts when the
  // retry is under way (whichever answers first wins; the other answer is dropped).
  struct Attempt {
    int64_t id;
    std::shared_ptr<Task> task;
    std::shared_ptr<Worker> worker;
  };
  std::vector<Attempt> attempts;
  auto forget = [&] {  // REQUIRES: mu_ held
    for (const auto& a : attempts) tasks_.erase(a.id);
  };
  int64_t exclude = 0;
  absl::Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto worker = Assign(session, required, exclude);
    if (!worker.ok()) {
      std::lock_guard lock(mu_);
      forget();
      return attempt == 0 || last.ok() ? worker.status() : last;
    }
    if ((*worker)->info.local) {
      auto out = options_.local->Transcode(session, seg_data, profiles, bytes);
      std::lock_guard lock(mu_);
      forget();
      if (out.ok()) {
        DoneLocked(session, lapse);
      } else {
        UnassignLocked(session);
      }
      return out;
    }
    auto task = std::make_shared<Task>();
    auto sent = Send(*worker, session, seg_data, profiles, bytes, task);
    if (!sent.ok()) {
      std::lock_guard lock(mu_);
      UnassignLocked(session);
      last = sent.status();
      exclude = (*worker)->info.id;
      continue;
    }
    attempts.push_back({*sent, task, *worker});
    bool early = false;
    if (attempt == 0) {
      std::lock_guard lock(mu_);
      early = HasOtherCandidateLocked(required, (*worker)->info.id);
    }
    const auto sent_at = Clock::now();
    const auto full = start + deadline - kAnswerMargin;
    std::unique_lock lock(mu_);
    auto resolved = [](const Attempt& a) { return a.task->outcome || a.task->worker_gone; };
    auto wait = [&](Clock::time_point until) {
      cv_.wait_until(lock, until, [&] {
        for (const auto& a : attempts)
          if (a.task->outcome && a.task->outcome->status.ok()) return true;
        return resolved(attempts.back());
      });
    };
    wait(early ? start + std::chrono::duration_cast<Clock::duration>(deadline * kFirstAttemptShare)
               : full);
    // A late worker that answered other tasks meanwhile is busy, not stuck: a retry would only
    // add work to a loaded pool, so it gets the whole deadline.
    if (early && !resolved(attempts.back()) && (*worker)->last_result > sent_at) {
      early = false;
      wait(full);
    }
    for (auto& a : attempts) {
      if (a.task->outcome && a.task->outcome->status.ok()) {
        forget();
        DoneLocked(session, lapse);
        return std::move(a.task->outcome->renditions);
      }
    }
    const Attempt& newest = attempts.back();
    if (newest.task->outcome) {
      // The transcoder's own error: no retry, and the session is reassigned (go-livepeer).
      forget();
      UnassignLocked(session);
      return newest.task->outcome->status;
    }
    if (newest.task->worker_gone) {
      last = absl::UnavailableError("transcoder " + newest.worker->info.address + " disconnected");
    } else if (early) {
      last = absl::DeadlineExceededError("Remote transcoder took too long");
    } else {
      // The whole deadline passed: go-livepeer's answer to a stuck transcoder is to drop it (it
      // reconnects by itself).
      forget();
      UnassignLocked(session);
      // Only a worker that answered nothing at all meanwhile is taken for stuck; a busy one keeps
      // its stream (dropping it would fail its other sessions' segments too).
      std::vector<std::shared_ptr<Worker>> stuck;
      for (const auto& a : attempts)
        if (!resolved(a) && a.worker->last_result <= sent_at) stuck.push_back(a.worker);
      lock.unlock();
      for (const auto& w : stuck) {
        spdlog::warn("Transcoder {} took too long; disconnecting it", w->info.address);
        Detach(w->info.id);
      }
      return absl::DeadlineExceededError("Remote transcoder took too long");
    }
    UnassignLocked(session);  // the session moves to the retry's worker
    exclude = newest.worker->info.id;
    lock.unlock();
    spdlog::warn("segment {} of session {}: {}; retrying on another transcoder", seg_data.seq(),
                 session, std::string(last.message()));
  }
  std::lock_guard lock(mu_);
  forget();
  return last;
}

void TranscoderPool::EndSession(const std::string& session) {
  std::shared_ptr<Worker> worker;
  {
    std::lock_guard lock(mu_);
    auto s = sessions_.find(session);
    if (s != sessions_.end()) {
      if (auto w = workers_.find(s->second.worker); w != workers_.end()) worker = w->second;
    }
    UnassignLocked(session);
  }
  if (options_.local != nullptr) options_.local->EndSession(session);
  if (worker && worker->stream) {
    // Teardown: no URL, only the session id (doc/wire.md 5.1).
    net::NotifySegment teardown;
    teardown.mutable_segdata()->mutable_auth_token()->set_session_id(session);
    worker->stream->Write(teardown.SerializeAsString());
  }
}

}  // namespace baton::orchestrator
