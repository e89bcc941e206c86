#include "transcode/thread_priority.h"

#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace baton::transcode {

bool LowerThreadPriority() {
  thread_local bool lowered = false;
  if (lowered) return true;
  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  sched_param param{};
  param.sched_priority = 0;
  bool ok = sched_setscheduler(tid, SCHED_BATCH, &param) == 0;
  // The nice value is per thread on Linux (PRIO_PROCESS with a thread id).
  const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (current < kTranscodeNice)
    ok = setpriority(PRIO_PROCESS, static_cast<id_t>(tid), kTranscodeNice) == 0 && ok;
  if (!ok) {
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true))
      spdlog::warn("transcoding threads keep the network threads' priority: {}",
                   std::strerror(errno));
  }
  lowered = true;
  return ok;
}

}  // namespace baton::transcode
