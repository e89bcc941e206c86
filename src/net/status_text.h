// Reason phrases for HTTP status codes (the HTTP/1.1 status line). Pure, thread-safe.
#pragma once

#include <string_view>

namespace baton::http {

// "OK", "Not Found", ...; an empty view for codes without a registered phrase.
std::string_view StatusText(int status);

}  // namespace baton::http
