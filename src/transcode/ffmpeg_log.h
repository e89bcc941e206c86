// Routes FFmpeg's own log lines (decoder warnings, x264 statistics, ...) into the node's
// spdlog output, at a level that follows go-livepeer's -v scale: below 4 only FFmpeg errors
// show, at 4-5 warnings, at 6 FFmpeg's informational lines (x264's per-encoder summary).
// Call once from main, after baton::InitLogging. Thread-safe afterwards: FFmpeg may log from
// any thread and spdlog's default logger is thread-safe.
#pragma once

namespace baton::transcode {

void RouteFfmpegLogs(int verbosity);

}  // namespace baton::transcode
