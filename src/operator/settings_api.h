// The operator port's runtime settings (go-livepeer's names, doc/ops.md 2):
//   POST /setMaxSessions  maxSessions=N (form body)  → 200 "Max sessions set to N";
//        400 "missing form param: maxSessions" or a value that is not 1..1000000 ("auto", which
//        go-livepeer takes for remote transcoders, is refused: Baton transcodes in-process).
// The node passes what applies a setting, so this file knows nothing of its state.
//
// Handlers run on the operator server's loop threads; the setters must not block.
#pragma once

#include <functional>

#include "net/router.h"

namespace baton::ops {

struct OperatorSettings {
  std::function<void(int)> set_max_sessions;
};

void RegisterOperatorSettings(OperatorSettings settings, http::Router& router);

}  // namespace baton::ops
