#include "pm/price_book.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace baton::pm {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

absl::StatusOr<Rat> InWei(const Rat& amount, std::string_view currency) {
  std::string lower = Lower(currency);
  if (lower.empty() || lower == "wei") return amount;
  if (lower == "eth") return amount * Rat(BigInt("1000000000000000000"));
  return absl::UnimplementedError("price currency " + std::string(currency) +
                                  " needs a price feed, which this node does not support yet; "
                                  "give the price in wei or ETH");
}

// A JSON number or string holding a decimal (go-livepeer's JSONRat accepts both).
absl::StatusOr<Rat> JsonDecimal(const nlohmann::json& value, const char* field) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number_unsigned() || value.is_number_integer()) {
    text = value.dump();
  } else if (value.is_number_float()) {
    // nlohmann keeps floats as doubles; dump() gives the shortest text that round-trips,
    // which is what the operator wrote for any price with ≤ 15 significant digits.
    text = value.dump();
  } else {
    return absl::InvalidArgumentError(std::string("pricePerGateway: ") + field +
                                      " must be a number");
  }
  absl::StatusOr<Rat> r = ParseDecimal(text);
  if (!r.ok()) {
    return absl::InvalidArgumentError(std::string("pricePerGateway: invalid ") + field + " " +
                                      text);
  }
  return r;
}

absl::Status AddGateways(const nlohmann::json& list, std::map<crypto::Address, Rat>& out) {
  if (!list.is_array()) return absl::InvalidArgumentError("pricePerGateway: expected a list");
  for (const nlohmann::json& g : list) {
    if (!g.is_object() || !g.contains("ethaddress") || !g["ethaddress"].is_string()) {
      return absl::InvalidArgumentError("pricePerGateway: each entry needs an ethaddress");
    }
    absl::StatusOr<crypto::Address> addr =
        crypto::Address::FromHex(g["ethaddress"].get<std::string>());
    if (!addr.ok()) return addr.status();
    absl::StatusOr<Rat> price =
        JsonDecimal(g.value("priceperunit", nlohmann::json(0)), "priceperunit");
    if (!price.ok()) return price.status();
    absl::StatusOr<Rat> pixels =
        JsonDecimal(g.value("pixelsperunit", nlohmann::json(1)), "pixelsperunit");
    if (!pixels.ok()) return pixels.status();
    if (*pixels <= 0) {
      return absl::InvalidArgumentError("pricePerGateway: pixelsperunit must be > 0 for " +
                                        addr->Hex());
    }
    absl::StatusOr<Rat> wei = InWei(*price / *pixels, g.value("currency", std::string()));
    if (!wei.ok()) return wei.status();
    out[*addr] = *wei;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Rat> ParsePriceInWei(std::string_view text) {
  size_t split = 0;
  while (split < text.size() && !IsAlpha(text[split])) ++split;
  std::string_view number = text.substr(0, split);
  std::string_view currency = text.substr(split);
  absl::StatusOr<Rat> amount = ParseDecimal(number);
  if (!amount.ok()) {
    return absl::InvalidArgumentError(
        "-pricePerUnit must be a valid integer with an optional currency, provided " +
        std::string(text));
  }
  return InWei(*amount, currency);
}

absl::StatusOr<Rat> PricePerPixel(std::string_view price_per_unit, std::string_view pixels_per_unit,
                                  std::string_view currency) {
  absl::StatusOr<Rat> price = ParseDecimal(price_per_unit);
  if (!price.ok())
    return absl::InvalidArgumentError("error parsing pricePerUnit value: " +
                                      std::string(price_per_unit));
  absl::StatusOr<Rat> pixels = ParseDecimal(pixels_per_unit);
  if (!pixels.ok())
    return absl::InvalidArgumentError("error parsing pixelsPerUnit value: " +
                                      std::string(pixels_per_unit));
  if (*pixels <= 0)
    return absl::InvalidArgumentError("pixels per unit must be greater than 0, provided " +
                                      std::string(pixels_per_unit));
  return InWei(*price / *pixels, currency);
}

Rat TruncateToMilliWei(const Rat& price) {
  BigInt scaled = boost::multiprecision::numerator(price) * 1000 /
                  boost::multiprecision::denominator(price);  // truncates toward zero
  return Rat(scaled, BigInt(1000));
}

absl::StatusOr<net::PriceInfo> ToPriceInfo(const Rat& price) {
  const BigInt num = boost::multiprecision::numerator(price);
  const BigInt den = boost::multiprecision::denominator(price);
  const BigInt max = std::numeric_limits<int64_t>::max();
  const BigInt min = std::numeric_limits<int64_t>::min();
  if (num > max || num < min || den > max) {
    return absl::OutOfRangeError("price " + RatString(price) + " does not fit a PriceInfo");
  }
  net::PriceInfo out;
  out.set_priceperunit(num.convert_to<int64_t>());
  out.set_pixelsperunit(den.convert_to<int64_t>());
  return out;
}

absl::StatusOr<PriceBook> PriceBook::Create(const Options& options) {
  PriceBook book;
  book.auto_adjust_ = options.auto_adjust_price;
  absl::StatusOr<Rat> pixels = ParseDecimal(options.pixels_per_unit);
  if (!pixels.ok() || boost::multiprecision::denominator(*pixels) != 1) {
    return absl::InvalidArgumentError("-pixelsPerUnit must be a valid integer, provided " +
                                      options.pixels_per_unit);
  }
  if (*pixels <= 0) {
    return absl::InvalidArgumentError("-pixelsPerUnit must be > 0, provided " +
                                      options.pixels_per_unit);
  }
  absl::StatusOr<Rat> price = ParsePriceInWei(options.price_per_unit);
  if (!price.ok()) return price.status();
  book.default_price_ = *price / *pixels;

  if (!options.price_per_gateway_json.empty()) {
    nlohmann::json doc = nlohmann::json::parse(options.price_per_gateway_json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      return absl::InvalidArgumentError("gateway prices could not be parsed: not a JSON object");
    }
    // The legacy "broadcasters" list first, so "gateways" wins on duplicates (as in Go).
    for (const char* key : {"broadcasters", "gateways"}) {
      if (!doc.contains(key)) continue;
      if (absl::Status s = AddGateways(doc[key], book.per_gateway_); !s.ok()) return s;
    }
  }
  return book;
}

Rat PriceBook::default_price() const {
  std::lock_guard lock(*mu_);
  return default_price_;
}

void PriceBook::SetBasePrice(const std::optional<crypto::Address>& gateway, const Rat& price) {
  std::lock_guard lock(*mu_);
  if (gateway) {
    per_gateway_[*gateway] = price;
  } else {
    default_price_ = price;
  }
}

std::map<std::string, Rat> PriceBook::Prices() const {
  std::lock_guard lock(*mu_);
  std::map<std::string, Rat> out{{"default", default_price_}};
  for (const auto& [gateway, price] : per_gateway_) out[gateway.ChecksumHex()] = price;
  return out;
}

Rat PriceBook::BasePrice(const crypto::Address& sender) const {
  std::lock_guard lock(*mu_);
  auto it = per_gateway_.find(sender);
  return it == per_gateway_.end() ? default_price_ : it->second;
}

Rat PriceBook::Adjusted(const Rat& base, const Rat& tx_cost_multiplier) const {
  if (!auto_adjust_) return base;
  Rat overhead = 1;
  if (base > 0 && tx_cost_multiplier > 0) overhead += 1 / tx_cost_multiplier;
  return TruncateToMilliWei(base * overhead);
}

Rat PriceBook::Quote(const crypto::Address& sender, std::string_view manifest, Balances& balances,
                     const Rat& tx_cost_multiplier) const {
  if (!manifest.empty()) {
    if (std::optional<Rat> fixed = balances.FixedPrice(sender, manifest)) return *fixed;
  }
  return Adjusted(BasePrice(sender), tx_cost_multiplier);
}

}  // namespace baton::pm
