// Helpers for the net integration tests: temporary directories, running client programs as
// subprocesses, and raw TCP sockets. Test-only; not thread-safe beyond what each helper says.
#pragma once

#include <string>
#include <vector>

namespace baton::http::testing {

// A fresh directory under $TMPDIR (or /tmp), removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout only
};
// Runs `command` through /bin/sh and captures its stdout.
CommandResult RunCommand(const std::string& command);

// A blocking TCP connection to 127.0.0.1:port (-1 on failure), with a receive timeout.
int ConnectLoopback(int port, int receive_timeout_ms = 3000);
bool SendAll(int fd, const std::string& bytes);
struct ReadResult {
  std::string bytes;
  bool closed_by_peer = false;  // EOF or reset seen before the timeout
};
// Reads until the peer closes or the receive timeout passes.
ReadResult ReadUntilClosed(int fd);
// Reads until `marker` appears (or close/timeout).
std::string ReadUntil(int fd, const std::string& marker);

std::string SourceDir();

}  // namespace baton::http::testing
