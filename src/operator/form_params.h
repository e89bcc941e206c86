// Operator request parameters, read as go-livepeer's CLI server reads them, with one difference:
// a POST's parameters come from its application/x-www-form-urlencoded body only (livepeer_cli
// sends its forms that way), never from the query string, so a URL that someone was made to
// open or that a log recorded cannot carry a transaction's arguments. Other methods (GET) read
// the query string. Values are URL-decoded ('+' is a space, %XX a byte); a pair with a broken
// escape is skipped; the first of repeated names wins, as Go's FormValue.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_message.h"

namespace baton::ops {

// The largest body an operator route reads: a form of a few parameters (the longest, a message
// to sign or typed data, is a few KiB). The operator ports set it as their servers'
// max_body_bytes; GET-only routes take none (net/router.h).
inline constexpr size_t kMaxFormBodyBytes = 64u << 10;

// The parameter `name` of `request`, or nullopt when absent.
std::optional<std::string> FormValue(const http::HttpRequest& request, std::string_view name);

// Decodes one application/x-www-form-urlencoded component; nullopt for a broken %XX.
std::optional<std::string> UrlDecode(std::string_view text);

}  // namespace baton::ops
