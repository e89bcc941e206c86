#include "common/log.h"

#include <spdlog/spdlog.h>

namespace baton {

void InitLogging(int verbosity) {
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
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%t] %v");
}

}  // namespace baton
