// baton-cli: the operator's command line for a Baton node. Without an action it runs
// livepeer_cli's interactive menu; with one (`baton-cli status --json`) it does that action and
// exits (cli/commands.h). It talks only to the node's operator API (-cliAddr) and holds no node
// logic, as bitcoin-cli to bitcoind.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "cli/commands.h"
#include "cli/operator_client.h"
#include "common/flags.h"

namespace {

using namespace baton::cli;

// The first ~/.lpData/<network>/operator.cookie found: the node's default -dataDir.
std::string DefaultDataDirWithCookie() {
  const char* home = std::getenv("HOME");
  if (home == nullptr) return "";
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(std::string(home) + "/.lpData", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    if (std::filesystem::exists(it->path() / "operator.cookie", ec)) return it->path().string();
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  // The global flags, wherever they stand; the rest is the action and its options.
  baton::FlagSet flags;
  flags.Define({"cli-addr", baton::FlagKind::kString, "", "the node's -cliAddr, HOST:PORT"});
  flags.DefineAlias("cliAddr", "cli-addr");
  flags.Define({"host", baton::FlagKind::kString, "", "the node's operator host"});
  flags.Define({"http", baton::FlagKind::kString, "", "the node's operator port"});
  flags.Define({"datadir", baton::FlagKind::kString, "", "the node's -dataDir (its cookie)"});
  flags.DefineAlias("dataDir", "datadir");
  flags.Define({"token", baton::FlagKind::kString, "", "the operator token", true});
  flags.Define({"json", baton::FlagKind::kBool, "false", "one JSON object per action"});
  flags.Define({"yes", baton::FlagKind::kBool, "false", "no confirmation questions"});
  flags.DefineAlias("y", "yes");
  flags.Define({"help", baton::FlagKind::kBool, "false", "the actions"});
  flags.DefineAlias("h", "help");
  auto others = flags.ParseInterleaved({argv + 1, argv + argc});
  if (!others.ok()) {
    std::cerr << "baton-cli: " << others.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> rest = *std::move(others);
  OperatorEndpoint endpoint;
  if (flags.IsSet("cli-addr")) {
    const std::string v = flags.GetString("cli-addr");
    auto colon = v.rfind(':');
    int port = 0;
    if (colon == std::string::npos || !absl::SimpleAtoi(v.substr(colon + 1), &port)) {
      std::cerr << "baton-cli: --cli-addr wants HOST:PORT, got '" << v << "'\n";
      return kExitUsage;
    }
    endpoint.host = v.substr(0, colon);
    if (endpoint.host.size() > 1 && endpoint.host.front() == '[')
      endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
    endpoint.port = port;
  }
  if (flags.IsSet("host")) endpoint.host = flags.GetString("host");
  if (flags.IsSet("http") && !absl::SimpleAtoi(flags.GetString("http"), &endpoint.port)) {
    std::cerr << "baton-cli: -http wants a port number, got '" << flags.GetString("http") << "'\n";
    return kExitUsage;
  }
  std::string data_dir = flags.GetString("datadir");
  const std::string token = flags.GetString("token");
  const bool token_given = flags.IsSet("token");
  const bool json = flags.GetBool("json"), yes = flags.GetBool("yes");
  if (flags.GetBool("help")) rest.insert(rest.begin(), "help");
  if (token_given) {
    endpoint.token = token;
  } else {
    if (data_dir.empty()) data_dir = DefaultDataDirWithCookie();
    if (!data_dir.empty()) {
      endpoint.token = ReadCookie(data_dir);
      if (!endpoint.token.empty()) endpoint.token_file = data_dir + "/operator.cookie";
    }
  }

  if (!rest.empty() && rest[0] == "help") {
    if (rest.size() > 1) {
      if (const Command* c = FindCommand(rest[1])) {
        std::cout << CommandHelp(*c);
        return kExitOk;
      }
      std::cerr << "baton-cli: no action '" << rest[1] << "'\n";
      return kExitUsage;
    }
    std::cout << UsageText();
    return kExitOk;
  }

  OperatorClient client(endpoint);
  Session session(client, std::cin, std::cout, std::cerr, json, yes);
  if (rest.empty()) return RunMenu(session);
  const Command* command = FindCommand(rest[0]);
  if (command == nullptr) {
    std::cerr << "baton-cli: no action '" << rest[0] << "'. `baton-cli help` lists them.\n";
    return kExitUsage;
  }
  Values values;
  if (auto error = ParseOptions(*command, {rest.begin() + 1, rest.end()}, &values)) {
    std::cerr << "baton-cli " << command->name << ": " << *error << "\n\n" << CommandHelp(*command);
    return kExitUsage;
  }
  return RunGuarded(session, *command, values);
}
