// The operator port's runtime settings (go-livepeer's names and answers, doc/ops.md 2):
//   POST /setMaxSessions  maxSessions=N           → "Max sessions set to N\n" (1..1000000;
//        "auto", which go-livepeer takes for remote transcoders, is refused: Baton transcodes
//        in-process)
//   POST /setMaxFaceValue maxfacevalue=WEI        → "ticket max face value set"
//   POST /setPriceForBroadcaster pricePerUnit, pixelsPerUnit, broadcasterEthAddr (0x… or
//        "default"), currency                      → "Price per pixel set to …\n"
//   POST /setLogLevel loglevel=0..6 ; GET /getLogLevel → the level
// Required parameters are checked from operator/routes.cc before these handlers run. The node
// passes what applies a setting, so this file knows nothing of its state. Settings last until
// the node stops (as in go-livepeer).
//
// Handlers run on the operator server's loop threads; the setters must not block.
#pragma once

#include <functional>

#include "net/router.h"
#include "pm/price_book.h"
#include "pm/recipient.h"

namespace baton::ops {

struct OperatorSettings {
  std::function<void(int)> set_max_sessions;
  pm::PriceBook* prices = nullptr;
  pm::Recipient* recipient = nullptr;  // null without an account: no tickets to cap
};

void RegisterOperatorSettings(OperatorSettings settings, http::Router& router);

}  // namespace baton::ops
