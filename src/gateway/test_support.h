// Helpers shared by baton-gateway's unit tests: running a command and capturing its output,
// and locating the repository's tools. Test-only; not thread-safe.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace baton::gateway::testing {

// stdout of `command` (run by /bin/sh), without the trailing newline; "" when it fails.
inline std::string RunCapture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  if (pclose(pipe) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

inline std::string SourceDir() {
  const char* dir = std::getenv("BATON_SOURCE_DIR");
  return dir ? dir : BATON_GATEWAY_SOURCE_DIR;
}

// `node tests/gateway/reference.js <args>` with ethers on NODE_PATH.
inline std::string NodeReference(const std::string& args) {
  return RunCapture("NODE_PATH=" + SourceDir() + "/tools/node_modules node " + SourceDir() +
                    "/tests/gateway/reference.js " + args);
}

inline bool HaveNodeEthers() {
  return !RunCapture(
              "NODE_PATH=" + SourceDir() +
              "/tools/node_modules node -e \"require('ethers'); console.log('y')\" 2>/dev/null")
              .empty();
}

}  // namespace baton::gateway::testing
