// Keeps chain reads off the event loops for the paid endpoints (/segment, /payment).
//
// Their handlers build an OrchestratorInfo (the sender's max float) and check tickets (the
// sender's TicketBroker state); for a sender the chain facts do not hold in memory those are
// eth_calls, and a gateway chooses the sender freely. OffLoopWhenChainReads wraps a handler:
// when the request's Livepeer-Payment names such a sender, the handler runs on the chain-read
// executor instead of the loop thread (the handlers are thread-safe: every collaborator they use
// is, and the ResponseWriter may be called from any thread); over the pool's queue bound the
// request is answered 503 at once. Requests whose sender is cached, or that carry no decodable
// payment (their handler answers them without a chain read), stay on the loop.
//
// Threads: the wrapped handler is called on loop threads, like any handler; `facts` and `pool`
// must outlive the server that calls it.
#pragma once

#include "net/http_message.h"
#include "pm/chain_facts.h"
#include "worker/executor.h"

namespace baton::orchestrator {

http::HttpHandler OffLoopWhenChainReads(http::HttpHandler handler, const pm::ChainFacts* facts,
                                        worker::Executor* pool);

}  // namespace baton::orchestrator
