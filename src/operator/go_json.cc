#include "operator/go_json.h"

namespace baton::ops {
namespace {

constexpr char kBigMarker[] =
    "\x01"
    "big:";

}  // namespace

nlohmann::json BigNumber(const crypto::U256& value) {
  return std::string(kBigMarker) + crypto::U256ToDecimal(value);
}

std::string DumpGoJson(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // The marker's control byte is escaped as \u0001 in the text. A string is replaced only when
  // it is exactly the marker and digits up to its closing quote; any other string (a service
  // URI read from the chain, say) stays as it is.
  const std::string open = "\"\\u0001big:";
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
    size_t digits = at + open.size(), end = digits;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    // An opening quote follows ':', ',' or '[' in the compact dump (an escaped one, inside a
    // string, follows a backslash).
    const bool opens =
        at > 0 && (text[at - 1] == ':' || text[at - 1] == ',' || text[at - 1] == '[');
    if (!opens || end == digits || end >= text.size() || text[end] != '"') continue;
    out.append(text, pos, at - pos);
    out.append(text, digits, end - digits);
    pos = end + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

std::string GoRatText(const pm::Rat& value) {
  if (boost::multiprecision::denominator(value) == 1)
    return boost::multiprecision::numerator(value).str();
  return pm::RatString(value);
}

}  // namespace baton::ops
