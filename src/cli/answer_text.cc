#include "cli/answer_text.h"

#include <algorithm>
#include <sstream>

namespace baton::cli {
namespace {

using nlohmann::json;

std::string Scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void Render(const json& v, const std::string& indent, std::ostringstream& out) {
  if (indent.size() > 2 * 32) {  // nesting no answer has: not followed down
    out << indent << "...\n";
    return;
  }
  if (v.is_object()) {
    size_t width = 0;
    for (const auto& [k, x] : v.items()) width = std::max(width, k.size());
    for (const auto& [k, x] : v.items()) {
      if (x.is_structured() && !x.empty()) {
        out << indent << k << ":\n";
        Render(x, indent + "  ", out);
      } else {
        out << indent << k << std::string(width - k.size() + 2, ' ') << Scalar(x) << "\n";
      }
    }
  } else if (v.is_array()) {
    if (v.empty()) out << indent << "(none)\n";
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i].is_structured()) {
        out << indent << "[" << i << "]\n";
        Render(v[i], indent + "  ", out);
      } else {
        out << indent << Scalar(v[i]) << "\n";
      }
    }
  } else {
    out << indent << Scalar(v) << "\n";
  }
}

std::string Column(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string Field(const json& o, const char* key) {
  return o.is_object() && o.contains(key) ? Scalar(o[key]) : "-";
}

// o[key] when o is an object holding one of `kind`'s type, else an empty one: answers of
// another shape print as "-", never throw.
json Member(const json& o, const char* key, json::value_t kind) {
  if (o.is_object() && o.contains(key) && o[key].type() == kind) return o[key];
  return kind == json::value_t::array ? json::array() : json::object();
}

}  // namespace

std::string QuoteBigIntegers(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < json.size();) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out.push_back(json[i + 1]);
        i += 2;
        continue;
      }
      if (c == '"') in_string = false;
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
      ++i;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = i + 1;
      while (end < json.size() &&
             std::string_view("0123456789.eE+-").find(json[end]) != std::string_view::npos)
        ++end;
      std::string_view number = json.substr(i, end - i);
      const bool integer =
          number.find_first_not_of("0123456789", number[0] == '-' ? 1 : 0) == std::string::npos;
      if (integer && number.size() > 15) {
        out += '"';
        out += number;
        out += '"';
      } else {
        out += number;
      }
      i = end;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::string SectionTitle(const std::string& title) {
  const std::string line = "+" + std::string(title.size() + 2, '-') + "+\n";
  return line + "| " + title + " |\n" + line;
}

std::string Table::Render() const {
  size_t width = 0;
  for (const auto& [k, v] : rows_) width = std::max(width, k.size());
  std::string out;
  for (const auto& [k, v] : rows_) out += k + std::string(width - k.size() + 2, ' ') + v + "\n";
  return out;
}

std::string HumanText(const json& answer) {
  std::ostringstream out;
  Render(answer, "", out);
  return out.str();
}

std::string TicketsText(const json& a) {
  std::ostringstream out;
  const json counts = Member(a, "counts", json::value_t::object);
  const json values = Member(a, "faceValues", json::value_t::object);
  out << "Tickets by state (count, face value wei):\n";
  for (const char* state : {"queued", "submitted", "redeemed", "failed", "expired"})
    out << "  " << Column(state, 10) << Column(Field(counts, state), 6) << Field(values, state)
        << "\n";
  const json tickets = Member(a, "tickets", json::value_t::array);
  if (tickets.empty()) {
    out << "No tickets listed.\n";
    return out.str();
  }
  out << "\n"
      << Column("ID", 6) << Column("STATE", 10) << Column("SENDER", 43) << Column("FACE VALUE", 22)
      << Column("ROUND", 7) << "REASON\n";
  for (const auto& t : tickets)
    out << Column(Field(t, "id"), 6) << Column(Field(t, "state"), 10)
        << Column(Field(t, "sender"), 43) << Column(Field(t, "faceValue"), 22)
        << Column(Field(t, "creationRound"), 7) << Field(t, "reason") << "\n";
  return out.str();
}

std::string EarningsText(const json& a) {
  std::ostringstream out;
  out << "Current round: " << Field(a, "currentRound") << "\n"
      << Column("ROUND", 8) << Column("TICKETS", 9) << Column("WON (wei)", 22)
      << Column("REDEEMED (wei)", 22) << Column("PENDING (wei)", 22) << "LOST (wei)\n";
  for (const auto& r : Member(a, "rounds", json::value_t::array))
    out << Column(Field(r, "round"), 8) << Column(Field(r, "tickets"), 9)
        << Column(Field(r, "wonFaceValue"), 22) << Column(Field(r, "redeemedFaceValue"), 22)
        << Column(Field(r, "pendingFaceValue"), 22) << Field(r, "lostFaceValue") << "\n";
  if (a.is_object() && a.contains("totals")) out << "Totals:\n" << HumanText(a["totals"]);
  return out.str();
}

}  // namespace baton::cli
