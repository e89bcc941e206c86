#include "transcode/memory_io.h"

#include <algorithm>
#include <cstring>

extern "C" {
#include <libavutil/log.h>
#include <libavutil/mem.h>
}

namespace baton::transcode {
namespace {

constexpr int kAvioBufferSize = 64 * 1024;

// Shared seek arithmetic for both directions; AVSEEK_SIZE asks for the total size.
int64_t SeekPosition(int64_t current, int64_t size, int64_t offset, int whence) {
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size;
    case SEEK_SET:
      return offset;
    case SEEK_CUR:
      return current + offset;
    case SEEK_END:
      return size + offset;
  }
  return AVERROR(EINVAL);
}

AVIOContext* NewAvio(void* opaque, int writable, int (*read)(void*, uint8_t*, int),
                     int (*write)(void*, uint8_t*, int), int64_t (*seek)(void*, int64_t, int)) {
  auto* buffer = static_cast<uint8_t*>(av_malloc(kAvioBufferSize));
  if (buffer == nullptr) return nullptr;
  AVIOContext* avio =
      avio_alloc_context(buffer, kAvioBufferSize, writable, opaque, read, write, seek);
  if (avio == nullptr) av_free(buffer);
  return avio;
}

void FreeAvio(AVIOContext** avio) {
  if (*avio == nullptr) return;
  av_freep(&(*avio)->buffer);
  avio_context_free(avio);
}

// A second, independent read cursor over a MemoryOutput's bytes (MP4 faststart).
struct ReadBackCursor {
  const std::string* data;
  int64_t pos;
};

int64_t ReadBackSeek(void* opaque, int64_t offset, int whence) {
  auto* cursor = static_cast<ReadBackCursor*>(opaque);
  const int64_t size = static_cast<int64_t>(cursor->data->size());
  int64_t pos = SeekPosition(cursor->pos, size, offset, whence);
  if ((whence & ~AVSEEK_FORCE) == AVSEEK_SIZE || pos < 0) return pos;
  cursor->pos = pos;
  return pos;
}

}  // namespace

MemoryInput::MemoryInput(std::string_view bytes) : bytes_(bytes) {
  avio_ = NewAvio(this, 0, &MemoryInput::Read, nullptr, &MemoryInput::Seek);
}

MemoryInput::~MemoryInput() { FreeAvio(&avio_); }

int MemoryInput::Read(void* opaque, uint8_t* buf, int size) {
  auto* self = static_cast<MemoryInput*>(opaque);
  const int64_t left = static_cast<int64_t>(self->bytes_.size()) - self->pos_;
  if (left <= 0) return AVERROR_EOF;
  const int n = static_cast<int>(std::min<int64_t>(left, size));
  std::memcpy(buf, self->bytes_.data() + self->pos_, n);
  self->pos_ += n;
  return n;
}

int64_t MemoryInput::Seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<MemoryInput*>(opaque);
  const int64_t size = static_cast<int64_t>(self->bytes_.size());
  int64_t pos = SeekPosition(self->pos_, size, offset, whence);
  if ((whence & ~AVSEEK_FORCE) == AVSEEK_SIZE || pos < 0) return pos;
  self->pos_ = pos;
  return pos;
}

MemoryOutput::MemoryOutput() {
  avio_ = NewAvio(this, 1, nullptr, &MemoryOutput::Write, &MemoryOutput::Seek);
}

MemoryOutput::~MemoryOutput() { FreeAvio(&avio_); }

absl::Status MemoryOutput::AttachTo(AVFormatContext* fmt) {
  if (avio_ == nullptr) return absl::ResourceExhaustedError("cannot allocate output buffer");
  fmt->pb = avio_;
  fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  fmt->opaque = this;
  fmt->io_open = &MemoryOutput::OpenForReadBack;
  fmt->io_close2 = &MemoryOutput::CloseReadBack;
  return absl::OkStatus();
}

std::string MemoryOutput::TakeBytes() {
  if (avio_ != nullptr) avio_flush(avio_);
  return std::move(data_);
}

int MemoryOutput::Write(void* opaque, uint8_t* buf, int size) {
  auto* self = static_cast<MemoryOutput*>(opaque);
  const size_t end = static_cast<size_t>(self->pos_) + size;
  if (end > self->data_.size()) self->data_.resize(end);
  std::memcpy(self->data_.data() + self->pos_, buf, size);
  self->pos_ = static_cast<int64_t>(end);
  return size;
}

int64_t MemoryOutput::Seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<MemoryOutput*>(opaque);
  const int64_t size = static_cast<int64_t>(self->data_.size());
  int64_t pos = SeekPosition(self->pos_, size, offset, whence);
  if ((whence & ~AVSEEK_FORCE) == AVSEEK_SIZE || pos < 0) return pos;
  self->pos_ = pos;
  return pos;
}

int MemoryOutput::ReadBack(void* opaque, uint8_t* buf, int size) {
  auto* cursor = static_cast<ReadBackCursor*>(opaque);
  const int64_t left = static_cast<int64_t>(cursor->data->size()) - cursor->pos;
  if (left <= 0) return AVERROR_EOF;
  const int n = static_cast<int>(std::min<int64_t>(left, size));
  std::memcpy(buf, cursor->data->data() + cursor->pos, n);
  cursor->pos += n;
  return n;
}

int MemoryOutput::OpenForReadBack(AVFormatContext* fmt, AVIOContext** pb, const char* url,
                                  int flags, AVDictionary** options) {
  // Only the faststart pass re-opens the output, and only to read what was written.
  if ((flags & AVIO_FLAG_WRITE) != 0) return AVERROR(EPERM);
  auto* self = static_cast<MemoryOutput*>(fmt->opaque);
  avio_flush(self->avio_);
  auto* cursor = new ReadBackCursor{&self->data_, 0};
  *pb = NewAvio(cursor, 0, &MemoryOutput::ReadBack, nullptr, &ReadBackSeek);
  if (*pb == nullptr) {
    delete cursor;
    return AVERROR(ENOMEM);
  }
  return 0;
}

int MemoryOutput::CloseReadBack(AVFormatContext* fmt, AVIOContext* pb) {
  auto* self = static_cast<MemoryOutput*>(fmt->opaque);
  if (pb == nullptr || pb == self->avio_) return 0;  // the main buffer is ours to free
  delete static_cast<ReadBackCursor*>(pb->opaque);
  FreeAvio(&pb);
  return 0;
}

int RefuseNestedOpen(AVFormatContext* fmt, AVIOContext** /*pb*/, const char* url, int /*flags*/,
                     AVDictionary** /*options*/) {
  av_log(fmt, AV_LOG_WARNING, "media refers to \"%s\": refused, nothing is opened\n",
         url != nullptr ? url : "");
  return AVERROR(EPERM);
}

}  // namespace baton::transcode
