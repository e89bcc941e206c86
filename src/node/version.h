// The build's version string, advertised in capabilities and /status (set by CMake from the
// project version).
#pragma once

namespace baton::node {

#ifndef BATON_VERSION
#define BATON_VERSION "0.0.0-dev"
#endif
inline constexpr const char kVersion[] = BATON_VERSION;

}  // namespace baton::node
