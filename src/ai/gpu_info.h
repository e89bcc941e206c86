// GpuInfo: the node's NVIDIA GPUs as NVML reports them (name, compute capability, memory), for
// the `hardware` GetOrchestrator advertises per AI model (doc/ai.md 5).
//
// NVML is the driver's own library (libnvidia-ml.so.1), loaded at run time: a machine without
// the NVIDIA driver simply has no GPUs to report, and the binary needs nothing at build time.
// Thread-safe: ReadGpus is self-contained.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace baton::ai {

struct GpuInfo {
  std::string id;  // the device index, as -nvidia names it ("0")
  std::string name;
  uint32_t major = 0;  // CUDA compute capability
  uint32_t minor = 0;
  int64_t memory_total = 0;  // bytes
  int64_t memory_free = 0;
};

// Every GPU NVML sees, or none when the driver is absent (`why` then says what was missing).
std::vector<GpuInfo> ReadGpus(std::string* why = nullptr);

}  // namespace baton::ai
