// RenditionWorker: runs a group of renditions on one thread, fed through a small bounded
// queue, so a segment's renditions encode in parallel while the session thread decodes.
//
// The decoding thread pushes frames and audio packets (references, not copies, of the decoded
// data), then calls EndInput on every worker (so all of them flush at once) and Finish on
// each, which waits for the outputs. A worker
// created with `threaded = false` runs its renditions inline on the caller's thread (used
// when the session's budget is one thread). After the first error a worker drops what is
// pushed to it and reports that error from Finish, as it does once the segment's deadline
// (the guard given at construction, if any) has passed.
// Thread-safety: Push*, Finish and Abort are for the single producer thread only.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "transcode/av_util.h"
#include "transcode/rendition.h"
#include "transcode/source_limits.h"

namespace baton::transcode {

class RenditionWorker {
 public:
  // `guard`, when given, must outlive the worker.
  explicit RenditionWorker(bool threaded, const SegmentGuard* guard = nullptr);
  ~RenditionWorker();  // aborts if still running

  // REQUIRES: called before the first Push. `index` is the rendition's output position.
  void Add(size_t index, std::unique_ptr<Rendition> rendition);

  void PushFrame(const AVFrame& frame);
  void PushAudio(const AVPacket& pkt);

  // No more input: the worker drains its queue and flushes its renditions. Does not wait.
  void EndInput();
  // Waits for the flush (or runs it, inline) and stores the outputs at their indexes.
  absl::Status Finish(std::vector<RenditionOutput>& outputs);
  // Stops without flushing (the segment failed elsewhere).
  void Abort();

 private:
  struct Item {
    FramePtr frame;
    PacketPtr packet;
  };
  static constexpr size_t kQueueCapacity = 8;

  void Push(Item item);
  void Process(Item& item);
  void Loop();
  void Close(bool flush);
  void Stop(bool flush);

  const bool threaded_;
  const SegmentGuard* const guard_;
  std::vector<std::pair<size_t, std::unique_ptr<Rendition>>> renditions_;
  std::vector<std::pair<size_t, RenditionOutput>> outputs_;
  absl::Status status_;       // first error; written by the worker thread, read after join
  absl::Status push_status_;  // producer-side error (out of memory)

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool closing_ = false;
  bool flush_on_close_ = false;
  std::thread thread_;
};

}  // namespace baton::transcode
