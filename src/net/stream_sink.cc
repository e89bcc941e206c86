#include "net/stream_sink.h"

namespace baton::http {

void LoopResponseWriter::PostToSink(std::function<void(StreamSink&)> action) {
  if (closed_.load()) return;
  loop_->Post([sink = sink_, action = std::move(action)] {
    if (std::shared_ptr<StreamSink> live = sink.lock()) action(*live);
  });
}

void LoopResponseWriter::SendHeaders(int status, HttpHeaders headers, bool end_stream) {
  PostToSink([status, headers = std::move(headers), end_stream](StreamSink& sink) mutable {
    sink.WriteHeaders(status, std::move(headers), end_stream);
  });
}

void LoopResponseWriter::SendBody(std::string chunk, bool end) {
  PostToSink([chunk = std::move(chunk), end](StreamSink& sink) mutable {
    sink.WriteBody(std::move(chunk), end);
  });
}

void LoopResponseWriter::SendTrailers(HttpHeaders trailers) {
  PostToSink([trailers = std::move(trailers)](StreamSink& sink) mutable {
    sink.WriteTrailers(std::move(trailers));
  });
}

void LoopResponseWriter::SetOnClosed(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!aborted_) {
      on_closed_ = std::move(callback);
      return;
    }
  }
  loop_->Post(std::move(callback));
}

void LoopResponseWriter::RunAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  loop_->RunAfter(delay, std::move(task));
}

void LoopResponseWriter::MarkClosed(bool aborted) {
  closed_.store(true);
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    if (!aborted || aborted_) return;
    aborted_ = true;
    callback.swap(on_closed_);
  }
  if (callback) callback();
}

}  // namespace baton::http
