// Transcoding threads run below the network threads, so that accepting, reading and answering
// requests keeps to milliseconds while every core transcodes.
//
// LowerThreadPriority puts the calling thread in SCHED_BATCH (no wake-up preemption of
// interactive threads) at nice kTranscodeNice. On Linux both are per thread and inherited by
// the threads it creates afterwards, so FFmpeg's decoder and x264 threads started from a
// lowered thread are lowered too. A thread cannot raise itself back without CAP_SYS_NICE:
// call it only on threads that do nothing but transcode. Failure is harmless (logged once).
// Thread-safe: affects the calling thread only.
#pragma once

namespace baton::transcode {

inline constexpr int kTranscodeNice = 10;

// Returns true when the thread now runs at the transcoding priority. Idempotent.
bool LowerThreadPriority();

}  // namespace baton::transcode
