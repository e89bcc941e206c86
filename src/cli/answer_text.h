// How baton-cli prints the node's JSON answers for a person: aligned "Key  value" tables, lists
// of objects one per block, the ticket ledger and earnings per round as columns. Pure
// functions of their input; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace baton::cli {

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
