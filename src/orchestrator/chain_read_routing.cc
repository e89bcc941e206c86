#include "orchestrator/chain_read_routing.h"

#include <memory>
#include <utility>

#include "crypto/address.h"
#include "pm/payment_decoder.h"

namespace baton::orchestrator {

http::HttpHandler OffLoopWhenChainReads(http::HttpHandler handler, const pm::ChainFacts* facts,
                                        worker::Executor* pool) {
  if (facts == nullptr || pool == nullptr) return handler;
  return [handler = std::move(handler), facts, pool](
             http::HttpRequest request, std::shared_ptr<http::ResponseWriter> response) {
    const std::optional<std::string> header = request.headers.Get("livepeer-payment");
    absl::StatusOr<net::Payment> payment =
        header ? pm::ParsePaymentHeader(*header)
               : absl::StatusOr<net::Payment>(absl::NotFoundError("no payment"));
    if (!payment.ok()) return handler(std::move(request), std::move(response));
    const crypto::Address sender = crypto::Address::FromBytesGoStyle(payment->sender());
    if (facts->SenderReadsCached(sender) && facts->SenderInfoCached(sender)) {
      return handler(std::move(request), std::move(response));
    }
    auto shared = std::make_shared<http::HttpRequest>(std::move(request));
    if (!pool->Submit([handler, shared, response] { handler(std::move(*shared), response); })
             .ok()) {
      response->RespondError(503, "Service Unavailable");
    }
  };
}

}  // namespace baton::orchestrator
