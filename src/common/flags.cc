#include "common/flags.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/numbers.h"

namespace baton {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

absl::StatusOr<bool> ParseBool(const std::string& v) {
  // Go's strconv.ParseBool.
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False")
    return false;
  return absl::InvalidArgumentError("parse error");
}

absl::StatusOr<int64_t> ParseInt(const std::string& v) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size() || v.empty())
    return absl::InvalidArgumentError("parse error");
  return out;
}

}  // namespace

void FlagSet::Define(FlagSpec spec) {
  std::string name = spec.name;
  Entry e{std::move(spec), "", FlagSource::kDefault};
  e.value = e.spec.default_value;
  flags_[name] = std::move(e);
}

void FlagSet::DefineAlias(const std::string& alias, const std::string& target) {
  aliases_[alias] = target;
}

FlagSet::Entry* FlagSet::Find(const std::string& name) {
  auto alias = aliases_.find(name);
  auto it = flags_.find(alias == aliases_.end() ? name : alias->second);
  return it == flags_.end() ? nullptr : &it->second;
}

const FlagSet::Entry& FlagSet::Get(const std::string& name) const {
  auto alias = aliases_.find(name);
  auto it = flags_.find(alias == aliases_.end() ? name : alias->second);
  if (it == flags_.end()) throw std::logic_error("undeclared flag " + name);  // programming error
  return it->second;
}

absl::Status FlagSet::Set(const std::string& name, const std::string& value, FlagSource source) {
  Entry* e = Find(name);
  if (e == nullptr) return absl::InvalidArgumentError("flag provided but not defined: -" + name);
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError("invalid value \"" + value + "\" for flag -" + name + ": " +
                                      why);
  };
  switch (e->spec.kind) {
    case FlagKind::kBool: {
      auto b = ParseBool(value);
      if (!b.ok()) return bad("expected true or false");
      e->value = *b ? "true" : "false";
      break;
    }
    case FlagKind::kInt:
      if (!ParseInt(value).ok()) return bad("expected an integer");
      e->value = value;
      break;
    case FlagKind::kDuration:
      if (!ParseGoDuration(value).ok()) return bad("expected a duration such as 30s or 5m");
      e->value = value;
      break;
    case FlagKind::kString:
      e->value = value;
      break;
  }
  e->source = source;
  return absl::OkStatus();
}

absl::Status FlagSet::ParseCommandLine(const std::vector<std::string>& args,
                                       std::vector<std::string>* others) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      if (others != nullptr) {
        others->push_back(arg);
        continue;
      }
      return absl::InvalidArgumentError("unexpected argument \"" + arg +
                                        "\": flags look like -name=value");
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    if (body.empty() || body[0] == '-' || body[0] == '=')
      return absl::InvalidArgumentError("bad flag syntax: " + arg);
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    Entry* e = Find(name);
    if (e == nullptr && others != nullptr) {
      others->push_back(arg);  // another parser's flag; a value after it follows as a word
      continue;
    }
    if (e == nullptr) return absl::InvalidArgumentError("flag provided but not defined: -" + name);
    if (eq != std::string::npos) {
      if (auto s = Set(name, body.substr(eq + 1), FlagSource::kCommandLine); !s.ok()) return s;
    } else if (e->spec.kind == FlagKind::kBool) {
      if (auto s = Set(name, "true", FlagSource::kCommandLine); !s.ok()) return s;
    } else {
      if (i + 1 >= args.size())
        return absl::InvalidArgumentError("flag needs an argument: -" + name);
      if (auto s = Set(name, args[++i], FlagSource::kCommandLine); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

std::string FlagSet::EnvName(const std::string& flag) {
  std::string out = "LP_";
  for (char c : flag) {
    out.push_back((c == '-' || c == '.' || c == '/') ? '_' : static_cast<char>(std::toupper(c)));
  }
  return out;
}

absl::Status FlagSet::ApplyEnvironment(const std::map<std::string, std::string>& env) {
  // Aliases share the variable of their target name upper-cased (LP_DATADIR feeds both).
  for (auto& [name, entry] : flags_) {
    if (entry.source != FlagSource::kDefault) continue;
    auto it = env.find(EnvName(name));
    if (it == env.end() || it->second.empty()) continue;
    if (auto s = Set(name, it->second, FlagSource::kEnvironment); !s.ok())
      return absl::InvalidArgumentError(std::string(s.message()) + " (from " + it->first + ")");
  }
  return absl::OkStatus();
}

absl::Status FlagSet::ApplyConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot open config file " + path);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    std::string name = line.substr(0, sp);
    std::string value = sp == std::string::npos ? "true" : Trim(line.substr(sp));
    if (size_t hash = value.find(" #"); hash != std::string::npos)
      value = Trim(value.substr(0, hash));
    Entry* e = Find(name);
    if (e == nullptr)
      return absl::InvalidArgumentError(path + ":" + std::to_string(lineno) +
                                        ": flag provided but not defined: " + name);
    if (e->source != FlagSource::kDefault) continue;
    if (auto s = Set(name, value, FlagSource::kConfigFile); !s.ok())
      return absl::InvalidArgumentError(path + ":" + std::to_string(lineno) + ": " +
                                        std::string(s.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> FlagSet::ParseInterleaved(
    const std::vector<std::string>& args) {
  std::vector<std::string> others;
  if (auto s = ParseCommandLine(args, &others); !s.ok()) return s;
  return others;
}

absl::Status FlagSet::Parse(const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env) {
  if (auto s = ParseCommandLine(args, nullptr); !s.ok()) return s;
  if (auto s = ApplyEnvironment(env); !s.ok()) return s;
  if (Find("config") != nullptr) {
    std::string path = GetString("config");
    if (!path.empty())
      if (auto s = ApplyConfigFile(path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string FlagSet::GetString(const std::string& name) const { return Get(name).value; }
bool FlagSet::GetBool(const std::string& name) const { return Get(name).value == "true"; }
int64_t FlagSet::GetInt(const std::string& name) const {
  auto v = ParseInt(Get(name).value);
  return v.ok() ? *v : 0;
}
double FlagSet::GetDurationSeconds(const std::string& name) const {
  auto v = ParseGoDuration(Get(name).value);
  return v.ok() ? *v : 0;
}
FlagSource FlagSet::Source(const std::string& name) const { return Get(name).source; }
bool FlagSet::Has(const std::string& name) const {
  auto alias = aliases_.find(name);
  return flags_.count(alias == aliases_.end() ? name : alias->second) > 0;
}

absl::StatusOr<double> FlagSet::ParseGoDuration(const std::string& text) {
  if (text == "0") return 0.0;
  static const std::vector<std::pair<std::string, double>> kUnits = {
      {"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600}};
  double total = 0;
  size_t i = 0;
  if (text.empty()) return absl::InvalidArgumentError("empty duration");
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (start == i) return absl::InvalidArgumentError("invalid duration " + text);
    double number = 0;
    if (!absl::SimpleAtod(text.substr(start, i - start), &number))
      return absl::InvalidArgumentError("invalid duration " + text);
    size_t ustart = i;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.')
      ++i;
    std::string unit = text.substr(ustart, i - ustart);
    bool found = false;
    for (const auto& [u, scale] : kUnits) {
      if (u == unit) {
        total += number * scale;
        found = true;
      }
    }
    if (!found) return absl::InvalidArgumentError("missing or unknown unit in duration " + text);
  }
  return total;
}

std::vector<std::pair<std::string, std::string>> FlagSet::NonDefaultValues() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, e] : flags_) {
    if (e.value == e.spec.default_value) continue;
    out.emplace_back(name, e.spec.secret ? "***" : e.value);
  }
  return out;
}

std::string FlagSet::Usage() const {
  std::ostringstream out;
  for (const auto& [name, e] : flags_) {
    out << "  -" << name;
    if (e.spec.kind != FlagKind::kBool) out << " value";
    out << "\n      " << e.spec.help;
    if (!e.spec.default_value.empty()) out << " (default " << e.spec.default_value << ")";
    out << "\n";
  }
  return out.str();
}

}  // namespace baton
