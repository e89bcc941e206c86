#include "ai/gpu_info.h"

#include <dlfcn.h>

namespace baton::ai {
namespace {

// NVML's C API, declared here from its documented signatures so that no header is needed at
// build time (nvml.h is not in Debian's main archive).
using NvmlReturn = int;  // NVML_SUCCESS = 0
using NvmlDevice = void*;
struct NvmlMemory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
constexpr unsigned kNameLength = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE

template <typename F>
F Symbol(void* library, const char* name) {
  return reinterpret_cast<F>(dlsym(library, name));
}

}  // namespace

std::vector<GpuInfo> ReadGpus(std::string* why) {
  std::vector<GpuInfo> gpus;
  void* library = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    if (why != nullptr) *why = "no NVIDIA driver (libnvidia-ml.so.1 not found)";
    return gpus;
  }
  auto init = Symbol<NvmlReturn (*)()>(library, "nvmlInit_v2");
  auto shutdown = Symbol<NvmlReturn (*)()>(library, "nvmlShutdown");
  auto count = Symbol<NvmlReturn (*)(unsigned*)>(library, "nvmlDeviceGetCount_v2");
  auto handle =
      Symbol<NvmlReturn (*)(unsigned, NvmlDevice*)>(library, "nvmlDeviceGetHandleByIndex_v2");
  auto name = Symbol<NvmlReturn (*)(NvmlDevice, char*, unsigned)>(library, "nvmlDeviceGetName");
  auto memory = Symbol<NvmlReturn (*)(NvmlDevice, NvmlMemory*)>(library, "nvmlDeviceGetMemoryInfo");
  auto capability =
      Symbol<NvmlReturn (*)(NvmlDevice, int*, int*)>(library, "nvmlDeviceGetCudaComputeCapability");
  unsigned n = 0;
  if (init == nullptr || shutdown == nullptr || count == nullptr || handle == nullptr ||
      name == nullptr || memory == nullptr || capability == nullptr) {
    if (why != nullptr) *why = "libnvidia-ml.so.1 lacks the functions used";
  } else if (init() != 0) {
    if (why != nullptr) *why = "nvmlInit failed (driver not loaded?)";
  } else {
    if (count(&n) != 0) n = 0;
    for (unsigned i = 0; i < n; ++i) {
      NvmlDevice device = nullptr;
      if (handle(i, &device) != 0) continue;
      GpuInfo gpu;
      gpu.id = std::to_string(i);
      char text[kNameLength] = {0};
      if (name(device, text, kNameLength) == 0) gpu.name = text;
      NvmlMemory m{};
      if (memory(device, &m) == 0) {
        gpu.memory_total = static_cast<int64_t>(m.total);
        gpu.memory_free = static_cast<int64_t>(m.free);
      }
      int major = 0, minor = 0;
      if (capability(device, &major, &minor) == 0) {
        gpu.major = static_cast<uint32_t>(major);
        gpu.minor = static_cast<uint32_t>(minor);
      }
      gpus.push_back(std::move(gpu));
    }
    shutdown();
    if (gpus.empty() && why != nullptr) *why = "NVML sees no GPU";
  }
  dlclose(library);
  return gpus;
}

}  // namespace baton::ai
