// Command-line flags with go-livepeer's syntax and precedence: the one flag parser of every
// Baton program (baton, baton-gateway, baton-runner, baton-cli and its actions' options).
//
// A FlagSet holds the declared flags (name, kind, default, help). Parse() reads, in
// go-livepeer's order of precedence (ff v3): the command line, then `LP_<NAME>` environment
// variables for flags the command line did not set, then the `-config FILE` file (one
// `name value` per line) for flags still unset. Syntax follows Go's flag package:
// `-name=value`, `-name value`, `--name` works too; booleans are `-x`, `-x=true`, `-x=false`
// (`-x false` is not a boolean assignment). Unknown flags and bad values are errors that name
// the flag. A FlagSet is not thread-safe; parse it once at start-up, then read it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace baton {

enum class FlagKind { kBool, kString, kInt, kDuration };

struct FlagSpec {
  std::string name;
  FlagKind kind = FlagKind::kString;
  std::string default_value;
  std::string help;
  bool secret = false;  // printed as *** in the start-up table
};

// Where a flag's value came from; tri-state flags ("unset unless some source set them") ask this.
enum class FlagSource { kDefault, kConfigFile, kEnvironment, kCommandLine };

class FlagSet {
 public:
  void Define(FlagSpec spec);
  // Alias `alias` for an already defined flag (e.g. -datadir for -dataDir).
  void DefineAlias(const std::string& alias, const std::string& target);

  // args excludes argv[0]. env maps variable names to values (pass the process environment).
  absl::Status Parse(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env);
  // For a command line that mixes these flags with words and another parser's flags (baton-cli:
  // global flags anywhere around an action and its options): sets the declared flags wherever
  // they stand, from the command line only, and returns every other argument in order. An
  // undeclared flag is returned as it is; a value after it is returned as the next word.
  absl::StatusOr<std::vector<std::string>> ParseInterleaved(const std::vector<std::string>& args);

  std::string GetString(const std::string& name) const;
  bool GetBool(const std::string& name) const;
  int64_t GetInt(const std::string& name) const;
  double GetDurationSeconds(const std::string& name) const;
  FlagSource Source(const std::string& name) const;
  // Whether `name` is declared (as a flag or an alias).
  bool Has(const std::string& name) const;
  bool IsSet(const std::string& name) const { return Source(name) != FlagSource::kDefault; }

  // Flags whose value differs from the default, secrets masked: for the start-up log.
  std::vector<std::pair<std::string, std::string>> NonDefaultValues() const;
  std::string Usage() const;

  // Environment variable for a flag: LP_ + upper-cased name, '-', '.', '/' replaced by '_'.
  static std::string EnvName(const std::string& flag);
  // Parses Go durations such as "5m", "1h30m", "500ms", "30s".
  static absl::StatusOr<double> ParseGoDuration(const std::string& text);

 private:
  struct Entry {
    FlagSpec spec;
    std::string value;
    FlagSource source = FlagSource::kDefault;
  };
  absl::Status Set(const std::string& name, const std::string& value, FlagSource source);
  // `others` null: every argument must be a declared flag (or its value).
  absl::Status ParseCommandLine(const std::vector<std::string>& args,
                                std::vector<std::string>* others);
  absl::Status ApplyEnvironment(const std::map<std::string, std::string>& env);
  absl::Status ApplyConfigFile(const std::string& path);
  Entry* Find(const std::string& name);
  const Entry& Get(const std::string& name) const;

  std::map<std::string, Entry> flags_;
  std::map<std::string, std::string> aliases_;
};

}  // namespace baton
