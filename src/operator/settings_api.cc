#include "operator/settings_api.h"

#include "operator/form_params.h"
#include "operator/operator_api.h"

namespace baton::ops {

void RegisterOperatorSettings(OperatorSettings settings, http::Router& router) {
  HandleRoute(router, "/setMaxSessions", [settings](http::HttpRequest request, auto response) {
    auto value = FormValue(request, "maxSessions");
    if (!value || value->empty())
      return response->RespondError(400, "missing form param: maxSessions");
    long n = 0;
    bool digits = value->size() <= 7;
    for (char c : *value) {
      digits = digits && c >= '0' && c <= '9';
      if (digits) n = n * 10 + (c - '0');
    }
    if (!digits || n < 1 || n > 1000000)
      return response->RespondError(
          400, "maxSessions must be a whole number from 1 to 1000000 (\"auto\" is not offered)");
    settings.set_max_sessions(static_cast<int>(n));
    response->Respond(200, "text/plain", "Max sessions set to " + std::to_string(n));
  });
}

}  // namespace baton::ops
