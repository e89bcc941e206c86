#include "common/log.h"

#include <spdlog/spdlog.h>

#include <atomic>

namespace baton {

namespace {
std::atomic<int> current_verbosity{3};
}  // namespace

void SetLogVerbosity(int verbosity) {
  current_verbosity.store(verbosity);
  spdlog::level::level_enum level = spdlog::level::info;
  if (verbosity <= 1)
    level = spdlog::level::warn;
  else if (verbosity <= 3)
    level = spdlog::level::info;
  else if (verbosity <= 5)
    level = spdlog::level::debug;
  else
    level = spdlog::level::trace;
  spdlog::set_level(level);
}

int LogVerbosity() { return current_verbosity.load(); }

void InitLogging(int verbosity) {
  SetLogVerbosity(verbosity);
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%t] %v");
}

}  // namespace baton
