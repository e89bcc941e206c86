#include "transcode/rendition_worker.h"

namespace baton::transcode {

RenditionWorker::RenditionWorker(bool threaded, const SegmentGuard* guard)
    : threaded_(threaded), guard_(guard) {}

RenditionWorker::~RenditionWorker() { Abort(); }

void RenditionWorker::Add(size_t index, std::unique_ptr<Rendition> rendition) {
  renditions_.emplace_back(index, std::move(rendition));
}

void RenditionWorker::PushFrame(const AVFrame& frame) {
  Item item;
  item.frame.reset(av_frame_clone(&frame));
  if (item.frame == nullptr) {
    push_status_ = absl::ResourceExhaustedError("cannot reference decoded frame");
    return;
  }
  Push(std::move(item));
}

void RenditionWorker::PushAudio(const AVPacket& pkt) {
  Item item;
  item.packet.reset(av_packet_clone(&pkt));
  if (item.packet == nullptr) {
    push_status_ = absl::ResourceExhaustedError("cannot reference audio packet");
    return;
  }
  Push(std::move(item));
}

void RenditionWorker::Push(Item item) {
  if (!threaded_) {
    Process(item);
    return;
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.size() < kQueueCapacity; });
  queue_.push_back(std::move(item));
  cv_.notify_all();
}

void RenditionWorker::Process(Item& item) {
  if (!status_.ok()) return;  // a failed rendition group just drains its input
  if (guard_ != nullptr && guard_->Expired()) {
    status_ = guard_->DeadlineExceeded();
    return;
  }
  for (auto& [index, rendition] : renditions_) {
    absl::Status s = item.frame ? rendition->AddVideoFrame(*item.frame)
                                : rendition->AddAudioPacket(*item.packet);
    if (!s.ok()) {
      status_ = s;
      return;
    }
  }
}

void RenditionWorker::Loop() {
  while (true) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty()) break;  // closing and drained
      item = std::move(queue_.front());
      queue_.pop_front();
      cv_.notify_all();
    }
    Process(item);
  }
  bool flush;
  {
    std::lock_guard<std::mutex> lock(mu_);
    flush = flush_on_close_;
  }
  if (!flush || !status_.ok()) return;
  // Flushing (x264's lookahead, the muxer trailer) is real work: it stays on this thread.
  for (auto& [index, rendition] : renditions_) {
    absl::StatusOr<RenditionOutput> out = rendition->Finish();
    if (!out.ok()) {
      status_ = out.status();
      return;
    }
    outputs_.emplace_back(index, *std::move(out));
  }
}

void RenditionWorker::Close(bool flush) {
  if (threaded_ && !thread_.joinable() && flush) thread_ = std::thread([this] { Loop(); });
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return;
  closing_ = true;
  flush_on_close_ = flush;
  if (!flush) queue_.clear();
  cv_.notify_all();
}

void RenditionWorker::Stop(bool flush) {
  if (!threaded_) {
    bool run_flush = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      run_flush = flush && !closing_;
      closing_ = true;
      flush_on_close_ = flush;
    }
    if (run_flush) Loop();  // the queue is empty inline: this only flushes
    return;
  }
  Close(flush);
  if (thread_.joinable()) thread_.join();
}

void RenditionWorker::EndInput() {
  if (threaded_) Close(/*flush=*/true);
}

absl::Status RenditionWorker::Finish(std::vector<RenditionOutput>& outputs) {
  Stop(/*flush=*/true);
  if (!push_status_.ok()) return push_status_;
  if (!status_.ok()) return status_;
  for (auto& [index, out] : outputs_) outputs[index] = std::move(out);
  outputs_.clear();
  return absl::OkStatus();
}

void RenditionWorker::Abort() { Stop(/*flush=*/false); }

}  // namespace baton::transcode
