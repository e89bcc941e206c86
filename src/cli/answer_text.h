// How baton-cli prints the node's JSON answers for a person: aligned "Key  value" tables, lists
// of objects one per block, the ticket ledger and earnings per round as columns. Pure
// functions of their input; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace baton::cli {

// go-livepeer's answers carry big integers (wei, LPT) as bare JSON numbers, which a double
// would round: integers of more than 15 digits outside strings are quoted before parsing, so
// they stay exact (and reach --json output as decimal strings).
std::string QuoteBigIntegers(std::string_view json);

// A boxed section title, as livepeer_cli's stats screen.
std::string SectionTitle(const std::string& title);

// Two aligned columns.
class Table {
 public:
  void Row(std::string key, std::string value) {
    rows_.emplace_back(std::move(key), std::move(value));
  }
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

// Any answer: objects as tables (nested ones indented), arrays one element after another,
// strings and numbers as they are.
std::string HumanText(const nlohmann::json& answer);
// GET /tickets's answer: counts by state, then one line per ticket.
std::string TicketsText(const nlohmann::json& answer);
// GET /earnings's answer: one line per round.
std::string EarningsText(const nlohmann::json& answer);

}  // namespace baton::cli
