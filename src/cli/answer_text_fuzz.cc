// libFuzzer target: an operator API answer as baton-cli reads it (a node of another version, or
// whatever listens at --cli-addr): big integers quoted, parsed without exceptions, and printed
// by every text form (any shape, tickets, earnings). Built only by fuzz/ (never linked into
// baton-cli).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/answer_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace baton::cli;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto json = nlohmann::json::parse(QuoteBigIntegers(body), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  (void)HumanText(json);
  (void)TicketsText(json);
  (void)EarningsText(json);
  return 0;
}
