// Node: the orchestrator process, wired together. Owns every long-lived object (identity,
// payments, sessions, transcoding, servers) and starts/stops them in order.
//
// Threads: the service port's and operator port's event loops (owned by their servers), one
// loop thread per active transcode session (SessionLoops). Create/Start/Stop run on the main
// thread.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "node/node_config.h"

namespace baton::node {

class Node {
 public:
  static absl::StatusOr<std::unique_ptr<Node>> Create(NodeConfig config);
  virtual ~Node() = default;

  // Binds both ports and starts serving; a clear error if a port is taken.
  virtual absl::Status Start() = 0;
  virtual void Stop() = 0;
  virtual int service_port() const = 0;
  virtual int cli_port() const = 0;
};

}  // namespace baton::node
