// baton-cli's actions: each is a subcommand (`baton-cli set-price --per-unit 1000`) and, where
// go-livepeer's livepeer_cli has it, an item of the interactive menu with livepeer_cli's words
// and number (doc/ops.md 3: operators quote item numbers, so the order is part of the
// interface). Baton's own actions (tickets, redeem, earnings) sit under letters after them.
//
// An action sends go-livepeer's request (path, method, parameter names) through
// OperatorClient and prints the answer for a person, or with --json one JSON object for a
// script: {"command", "path", "ok": true, "answer": ...} or {"ok": false, "status", "error"}
// where error says what to do next. Exit codes: 0 done, 1 the node refused or failed,
// 2 a usage error, 3 the node could not be reached.
//
// A Session is used by one thread.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/operator_client.h"

namespace baton::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;

struct CliOption {
  std::string flag;  // --flag on the command line
  std::string help;
  std::string default_value{};  // offered by the menu's prompt; "" none
  bool required = false;
};

using Values = std::map<std::string, std::string>;  // flag -> value

class Session {
 public:
  Session(OperatorClient& client, std::istream& in, std::ostream& out, std::ostream& err, bool json,
          bool assume_yes)
      : client_(client), in_(in), out_(out), err_(err), json_(json), assume_yes_(assume_yes) {}

  OperatorClient& client() { return client_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  bool json() const { return json_; }
  bool assume_yes() const { return assume_yes_; }

  // Prints `prompt` and reads a line; `default_value` when the line is empty; nullopt at the
  // end of input.
  std::optional<std::string> Ask(const std::string& prompt, const std::string& default_value = "");
  // y/n; --yes answers y.
  bool Confirm(const std::string& question);
  bool AtEnd() const { return in_.eof(); }

 private:
  OperatorClient& client_;
  std::istream& in_;
  std::ostream& out_;
  std::ostream& err_;
  bool json_;
  bool assume_yes_;
};

struct Command {
  std::string name;
  std::string menu_label;  // livepeer_cli's words; "" when not in the menu
  std::string help;
  std::vector<CliOption> options;
  std::function<int(Session&, const Values&)> run;
  // The menu's questions; nullopt when the operator gave up. Unset: each option's prompt.
  std::function<std::optional<Values>(Session&)> ask;
};

const std::vector<Command>& Commands();
const Command* FindCommand(const std::string& name);

// The menu: key ("1".."23", or a letter for Baton's own) and command name ("" for Exit and the
// testnet faucet note). `testnet`: livepeer_cli's test LPT/ETH items after item 15.
struct MenuItem {
  std::string key;
  std::string label;
  std::string command;
};
std::vector<MenuItem> Menu(bool testnet);

// Runs `command`; an answer of an unexpected shape is reported (exit 1), never thrown.
int RunGuarded(Session& session, const Command& command, const Values& values);

// The interactive menu until Exit or the end of input.
int RunMenu(Session& session);

// Fills `values` from "--flag value" / "--flag=value" arguments of `command`; a message on error.
std::optional<std::string> ParseOptions(const Command& command,
                                        const std::vector<std::string>& args, Values* values);
std::string CommandHelp(const Command& command);
std::string UsageText();

}  // namespace baton::cli
