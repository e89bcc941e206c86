#include "ai/gpu_info.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

namespace baton::ai {
namespace {

// Whatever the machine: without the driver no GPU and a reason; with it, real figures.
TEST(GpuInfo, ReportsTheDriversGpusOrSaysWhyNone) {
  std::string why;
  std::vector<GpuInfo> gpus = ReadGpus(&why);
  void* nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (nvml == nullptr) {
    EXPECT_TRUE(gpus.empty());
    EXPECT_NE(why.find("libnvidia-ml.so.1"), std::string::npos) << why;
    return;
  }
  dlclose(nvml);
  for (size_t i = 0; i < gpus.size(); ++i) {
    EXPECT_EQ(gpus[i].id, std::to_string(i));
    EXPECT_FALSE(gpus[i].name.empty());
    EXPECT_GT(gpus[i].memory_total, 0);
    EXPECT_LE(gpus[i].memory_free, gpus[i].memory_total);
    EXPECT_GT(gpus[i].major, 0u);
  }
  if (gpus.empty()) {
    EXPECT_FALSE(why.empty());
  }
}

}  // namespace
}  // namespace baton::ai
