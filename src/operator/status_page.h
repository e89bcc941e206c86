// The operator's status page: one HTML document with a little inline script (no build step,
// nothing fetched from elsewhere) served on the operator port at GET / and GET /status.html.
// The page reads the node's own operator API from the same origin every few seconds (/status,
// /tickets, /earnings, and on chain /orchestratorInfo and /currentRound) and shows sessions,
// workers, prices, winning tickets by state and earnings per round with a small SVG chart.
//
// It sits behind the same access guard as the API (operator/access_guard.h): a browser's
// same-origin fetches pass the Host, Origin and Sec-Fetch-Site checks, and where a token is
// required the browser asks for it (HTTP Basic: any user, the token as password) and sends it
// with every fetch. The page sends no writes.
//
// Stateless; the handler may run on any loop thread.
#pragma once

#include <string>

#include "net/router.h"

namespace baton::ops {

// The page, as served.
const std::string& StatusPageHtml();

void RegisterStatusPage(http::Router& router);

}  // namespace baton::ops
