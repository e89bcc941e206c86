// ThreadBudget: shares the machine's cores among the segments being transcoded at once.
//
// Each segment takes a Lease for as long as it runs; the lease's thread count is the cores
// divided by the segments active when it was taken (at least 1). A lone session on a 2-core
// machine gets 2 threads and runs its renditions in parallel; four concurrent sessions get
// 1 each, so together they never ask for more threads than there are cores (x264's "auto"
// would give every encoder 1.5x the cores). A lease taken early keeps its count when others
// arrive later; that overshoot lasts one segment (~2 s) at most.
// Thread-safe: any thread may Acquire; a Lease is released by its destructor.
#pragma once

#include <mutex>

namespace baton::transcode {

class ThreadBudget {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    int threads() const { return threads_; }

   private:
    friend class ThreadBudget;
    Lease(ThreadBudget* owner, int threads) : owner_(owner), threads_(threads) {}
    ThreadBudget* owner_;
    int threads_;
  };

  // REQUIRES: cores >= 1.
  explicit ThreadBudget(int cores);

  // The process-wide budget over std::thread::hardware_concurrency() cores.
  static ThreadBudget& Global();

  Lease Acquire();
  int cores() const { return cores_; }
  int active() const;

 private:
  void Release();

  const int cores_;
  mutable std::mutex mu_;
  int active_ = 0;
};

}  // namespace baton::transcode
