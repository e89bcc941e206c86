// In-memory I/O for FFmpeg: segments are demuxed straight from the request body and outputs
// are muxed into a byte buffer, so no temporary files are involved.
//
// MemoryInput wraps read-only bytes the caller owns (they must outlive it) as a seekable
// AVIOContext. MemoryOutput owns a growable, seekable buffer; it also installs io_open on the
// muxer so that MP4's "faststart" second pass (which re-opens its output by URL to move the
// moov atom) reads the same buffer back.
// Neither class is thread-safe; each belongs to one demuxer or muxer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

extern "C" {
#include <libavformat/avformat.h>
}

namespace baton::transcode {

// io_open for a demuxer of untrusted bytes in memory: refuses every URL it is asked to open
// (an HLS or concat playlist, an MP4 data reference), so nothing beyond the bytes is read; the
// refused URL goes to FFmpeg's log. Set it with protocol_whitelist "" and a format_whitelist.
int RefuseNestedOpen(AVFormatContext* fmt, AVIOContext** pb, const char* url, int flags,
                     AVDictionary** options);

class MemoryInput {
 public:
  explicit MemoryInput(std::string_view bytes);
  ~MemoryInput();
  MemoryInput(const MemoryInput&) = delete;
  MemoryInput& operator=(const MemoryInput&) = delete;

  // nullptr if FFmpeg could not allocate it.
  AVIOContext* avio() const { return avio_; }

 private:
  static int Read(void* opaque, uint8_t* buf, int size);
  static int64_t Seek(void* opaque, int64_t offset, int whence);

  std::string_view bytes_;
  int64_t pos_ = 0;
  AVIOContext* avio_ = nullptr;
};

class MemoryOutput {
 public:
  MemoryOutput();
  ~MemoryOutput();
  MemoryOutput(const MemoryOutput&) = delete;
  MemoryOutput& operator=(const MemoryOutput&) = delete;

  // Sets fmt->pb and the io_open/io_close2 hooks. REQUIRES: fmt outlives no longer than this.
  absl::Status AttachTo(AVFormatContext* fmt);

  // The bytes written so far; call after av_write_trailer.
  std::string TakeBytes();

 private:
  static int Write(void* opaque, uint8_t* buf, int size);  // FFmpeg 5.1: non-const
  static int64_t Seek(void* opaque, int64_t offset, int whence);
  static int ReadBack(void* opaque, uint8_t* buf, int size);
  static int OpenForReadBack(AVFormatContext* fmt, AVIOContext** pb, const char* url, int flags,
                             AVDictionary** options);
  static int CloseReadBack(AVFormatContext* fmt, AVIOContext* pb);

  std::string data_;
  int64_t pos_ = 0;
  AVIOContext* avio_ = nullptr;
};

}  // namespace baton::transcode
