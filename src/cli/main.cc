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

namespace {

using namespace baton::cli;

bool IsFlag(const std::string& arg, std::initializer_list<const char*> names, std::string* value,
            const std::vector<std::string>& args, size_t* i, bool takes_value) {
  std::string a = arg;
  if (a.rfind("--", 0) == 0)
    a = a.substr(2);
  else if (a.rfind("-", 0) == 0)
    a = a.substr(1);
  else
    return false;
  std::string v;
  bool inline_value = false;
  if (auto eq = a.find('='); eq != std::string::npos) {
    v = a.substr(eq + 1);
    a = a.substr(0, eq);
    inline_value = true;
  }
  for (const char* n : names) {
    if (a != n) continue;
    if (takes_value && !inline_value) {
      if (*i + 1 >= args.size()) {
        std::cerr << "baton-cli: " << arg << " needs a value\n";
        std::exit(kExitUsage);
      }
      v = args[++*i];
    }
    *value = v;
    return true;
  }
  return false;
}

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
  std::vector<std::string> args(argv + 1, argv + argc);
  OperatorEndpoint endpoint;
  std::string data_dir, token;
  bool json = false, yes = false, token_given = false;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string v;
    if (IsFlag(args[i], {"cli-addr", "cliAddr"}, &v, args, &i, true)) {
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
    } else if (IsFlag(args[i], {"host"}, &v, args, &i, true)) {
      endpoint.host = v;
    } else if (IsFlag(args[i], {"http"}, &v, args, &i, true)) {
      if (!absl::SimpleAtoi(v, &endpoint.port)) {
        std::cerr << "baton-cli: -http wants a port number, got '" << v << "'\n";
        return kExitUsage;
      }
    } else if (IsFlag(args[i], {"datadir", "dataDir"}, &v, args, &i, true)) {
      data_dir = v;
    } else if (IsFlag(args[i], {"token"}, &v, args, &i, true)) {
      token = v;
      token_given = true;
    } else if (IsFlag(args[i], {"json"}, &v, args, &i, false)) {
      json = true;
    } else if (IsFlag(args[i], {"yes", "y"}, &v, args, &i, false)) {
      yes = true;
    } else if (IsFlag(args[i], {"h", "help"}, &v, args, &i, false)) {
      rest.insert(rest.begin(), "help");
    } else {
      rest.push_back(args[i]);
    }
  }
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
