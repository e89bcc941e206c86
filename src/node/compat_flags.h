// go-livepeer's flags that Baton does not implement, each with what Baton does when an
// operator's existing configuration (command line, LP_ environment, -config file) holds it
// (doc/ops.md 1, issue 12 item 5):
//   - kIgnored: accepted, with one start-up warning naming the flag and why ignoring it changes
//     nothing about money, security or what gateways are told (gateway-only flags, logging and
//     metrics details);
//   - kRefused: the node does not start, and the message says why Baton cannot honour it
//     safely (-authWebhookUrl, -redeemerAddr, ...). A refused flag set to its inert value
//     (false, "", its go-livepeer default) is accepted: it asks for nothing;
//   - kIgnoredWhenOrchestrator: a role flag that go-livepeer's precedence makes moot next to
//     -orchestrator (warning there), refused on its own.
// Every go-livepeer flag is either declared by DefineNodeFlags or listed here; the test feeds
// all of go-livepeer's names (GoLivepeerFlagNames) to check it. Plain constant data;
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/flags.h"

namespace baton::node {

enum class CompatDisposition { kIgnored, kRefused, kIgnoredWhenOrchestrator };

struct CompatFlag {
  std::string name;
  bool boolean = false;    // a Go bool flag (-x alone means true)
  std::string inert = "";  // go-livepeer's default: this value asks for nothing
  CompatDisposition disposition = CompatDisposition::kIgnored;
  std::string why;      // ends the warning or the refusal
  bool secret = false;  // masked in the start-up table
};

// The table, in go-livepeer's flags.go order.
const std::vector<CompatFlag>& CompatFlags();

// Every flag name go-livepeer 0.9.1's `livepeer` binary accepts (cmd/livepeer/livepeer.go and
// starter/flags.go), for the completeness test.
const std::vector<std::string>& GoLivepeerFlagNames();

// Declares each table flag that `flags` does not declare yet, and returns their names. Call
// after DefineNodeFlags.
std::vector<std::string> DefineCompatFlags(FlagSet& flags);

// After parsing: the warnings to log (one per ignored flag that was set), or the refusal of
// the first refused flag set to a value that asks for something. `declared` is what
// DefineCompatFlags returned: the other table entries are implemented by the node.
absl::StatusOr<std::vector<std::string>> CheckCompatFlags(const FlagSet& flags,
                                                          const std::vector<std::string>& declared);

}  // namespace baton::node
