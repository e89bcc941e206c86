#include "operator/settings_api.h"

#include <spdlog/spdlog.h>

#include "common/log.h"
#include "operator/form_params.h"
#include "operator/operator_api.h"

namespace baton::ops {
namespace {

// A whole number of at most `max_digits` digits, or -1.
int64_t SmallCount(const std::string& text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return -1;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

void RegisterOperatorSettings(OperatorSettings settings, http::Router& router) {
  HandleRoute(router, "/setMaxSessions", [settings](http::HttpRequest request, auto response) {
    const int64_t n = SmallCount(FormParam(request, "maxSessions"), 7);
    if (n < 1 || n > 1000000)
      return response->RespondError(
          400, "maxSessions must be a whole number from 1 to 1000000 (\"auto\" is not offered)");
    settings.set_max_sessions(static_cast<int>(n));
    spdlog::info("Max sessions set to {} (operator port)", n);
    response->Respond(200, "text/plain", "Max sessions set to " + std::to_string(n) + "\n");
  });
  HandleRoute(router, "/setMaxFaceValue", [settings](http::HttpRequest request, auto response) {
    if (settings.recipient == nullptr)
      return response->RespondError(400, "the node has no account, so it takes no tickets");
    auto value = crypto::U256FromDecimal(FormParam(request, "maxfacevalue"));
    if (!value.ok()) return response->RespondError(400, "maxfacevalue not set to number");
    settings.recipient->SetMaxFaceValue(*value);
    spdlog::info("Max ticket face value set to {} wei (operator port)",
                 crypto::U256ToDecimal(*value));
    response->Respond(200, "text/plain", "ticket max face value set");
  });
  HandleRoute(router, "/setPriceForBroadcaster",
              [settings](http::HttpRequest request, auto response) {
                const std::string who = FormParam(request, "broadcasterEthAddr");
                std::optional<crypto::Address> gateway;
                if (who != "default") {
                  auto address = crypto::Address::FromHex(who);
                  if (!address.ok() || who.size() != 42 || who.rfind("0x", 0) != 0)
                    return response->RespondError(
                        400, "broadcasterEthAddr is not a valid eth address, provided " + who);
                  gateway = *address;
                }
                const std::string price = FormParam(request, "pricePerUnit");
                const std::string pixels = FormParam(request, "pixelsPerUnit");
                auto per_pixel = pm::PricePerPixel(price, pixels, FormParam(request, "currency"));
                if (!per_pixel.ok())
                  return response->RespondError(400, std::string(per_pixel.status().message()));
                settings.prices->SetBasePrice(gateway, *per_pixel);
                spdlog::info("Price: {} wei per pixel for {} (operator port)",
                             pm::RatString(*per_pixel), who);
                response->Respond(200, "text/plain",
                                  "Price per pixel set to " + price + " wei for " + pixels +
                                      " pixels for broadcaster " + who + "\n");
              });
  HandleRoute(router, "/setLogLevel", [](http::HttpRequest request, auto response) {
    const int64_t level = SmallCount(FormParam(request, "loglevel"), 1);
    if (level < 0 || level > 6)
      return response->RespondError(400, "parameter 'logLevel' not defined");
    SetLogVerbosity(static_cast<int>(level));
    response->Respond(200, "text/plain", "");
  });
  HandleRoute(router, "/getLogLevel", [](http::HttpRequest, auto response) {
    response->Respond(200, "text/plain", std::to_string(LogVerbosity()));
  });
}

}  // namespace baton::ops
