// Fuzzes DumpGoJson with arbitrary strings where the operator port puts text read from the
// chain (another orchestrator's service URI), next to BigNumber values: the output must always
// parse, keep every such string as it was, and write the numbers bare.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "operator/go_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t half = size / 2;
  const std::string a = text.substr(0, half), b = text.substr(half);
  nlohmann::json j = {{"ServiceURI", a},
                      {"Amount", baton::ops::BigNumber(baton::crypto::U256(size))},
                      {"List", {b, baton::ops::BigNumber(7), a}}};
  const std::string out = baton::ops::DumpGoJson(j);
  nlohmann::json parsed = nlohmann::json::parse(out, nullptr, false);
  if (parsed.is_discarded()) std::abort();
  if (parsed["Amount"] != size || parsed["List"][1] != 7) std::abort();
  // Strings survive as strings (invalid UTF-8 replaced, as nlohmann's dump does).
  const nlohmann::json plain = nlohmann::json::parse(
      j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), nullptr, false);
  for (const auto& [got, want] : {std::pair{parsed["ServiceURI"], plain["ServiceURI"]},
                                  std::pair{parsed["List"][0], plain["List"][0]}}) {
    if (!got.is_string() || got != want) std::abort();
  }
  return 0;
}
