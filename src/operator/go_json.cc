#include "operator/go_json.h"

namespace baton::ops {
namespace {

// BigNumber values are JSON "binary" values with this subtype: nothing parsed from text or read
// from the chain is ever a binary value, so no string can turn into a number.
constexpr std::uint64_t kDecimalSubtype = 0x60;

void Write(const nlohmann::json& j, std::string& out) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : j.items()) {
        if (!first) out += ',';
        first = false;
        out += nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out += ':';
        Write(value, out);
      }
      out += '}';
      return;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      for (size_t i = 0; i < j.size(); ++i) {
        if (i > 0) out += ',';
        Write(j[i], out);
      }
      out += ']';
      return;
    }
    case nlohmann::json::value_t::binary:
      if (j.get_binary().has_subtype() && j.get_binary().subtype() == kDecimalSubtype) {
        out.append(j.get_binary().begin(), j.get_binary().end());
        return;
      }
      [[fallthrough]];
    default:
      out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace

nlohmann::json BigNumber(const crypto::U256& value) {
  const std::string digits = crypto::U256ToDecimal(value);
  return nlohmann::json::binary(std::vector<std::uint8_t>(digits.begin(), digits.end()),
                                kDecimalSubtype);
}

std::string DumpGoJson(const nlohmann::json& value) {
  std::string out;
  Write(value, out);
  return out;
}

std::string GoRatText(const pm::Rat& value) {
  if (boost::multiprecision::denominator(value) == 1)
    return boost::multiprecision::numerator(value).str();
  return pm::RatString(value);
}

}  // namespace baton::ops
