// Internal: the loop-thread side of one response, implemented by each codec's exchange/stream,
// and the thread-safe ResponseWriter that posts to it.
//
// Ownership: the codec owns its sinks (shared_ptr); a LoopResponseWriter holds only a weak_ptr,
// so once the codec drops a finished or aborted stream, late writes find nothing and vanish.
// Threads: StreamSink methods run on the loop thread only. LoopResponseWriter is safe anywhere.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "net/event_loop.h"
#include "net/http_message.h"

namespace baton::http {

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual void WriteHeaders(int status, HttpHeaders headers, bool end_stream) = 0;
  virtual void WriteBody(std::string chunk, bool end) = 0;
  virtual void WriteTrailers(HttpHeaders trailers) = 0;
};

class LoopResponseWriter final : public ResponseWriter,
                                 public std::enable_shared_from_this<LoopResponseWriter> {
 public:
  LoopResponseWriter(std::shared_ptr<EventLoop> loop, std::weak_ptr<StreamSink> sink)
      : loop_(std::move(loop)), sink_(std::move(sink)) {}

  void SendHeaders(int status, HttpHeaders headers, bool end_stream) override;
  void SendBody(std::string chunk, bool end) override;
  void SendTrailers(HttpHeaders trailers) override;
  void SetOnClosed(std::function<void()> callback) override;
  bool IsClosed() const override { return closed_.load(); }
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> task) override;

  // Called by the codec on the loop thread when the exchange ends. `aborted` = the response
  // could not be completed (reset, disconnect, shutdown): the on-closed callback then runs.
  void MarkClosed(bool aborted);

 private:
  void PostToSink(std::function<void(StreamSink&)> action);

  std::shared_ptr<EventLoop> loop_;
  std::weak_ptr<StreamSink> sink_;
  std::atomic<bool> closed_{false};
  std::mutex mutex_;
  bool aborted_ = false;             // guarded by mutex_
  std::function<void()> on_closed_;  // guarded by mutex_
};

}  // namespace baton::http
