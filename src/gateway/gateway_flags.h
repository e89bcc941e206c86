// GatewayOptions: baton-gateway's command line, parsed by the flag parser every binary shares
// (common/flags.h: `-name value`, `-name=value`, booleans as `-json` or `-verify=false`), then
// checked and converted here.
//
// Flags: -orchAddr, -in | -testPattern [-testPatternSize WxH], -duration, -segmentDuration,
// -transcodingOptions, -concurrency, -sessions, -ethKeyHex, -verify, -out, -json,
// -maxPricePerUnit, -realtime, -sessionInterval, -v. Parsing is pure; the result is a plain value.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pm/rational.h"

namespace baton::gateway {

struct GatewayOptions {
  std::string orch_addr;
  std::string input_file;
  bool test_pattern = false;
  int pattern_width = 1280;
  int pattern_height = 720;
  double duration_s = 0;
  double segment_duration_s = 2;
  std::string transcoding_options = "P240p30fps16x9,P360p30fps16x9";
  int concurrency = 1;      // segments in flight per session
  int sessions = 1;         // independent sessions, each streaming the whole input
  std::string eth_key_hex;  // empty: a fresh key
  bool verify = true;
  std::string out_dir;
  bool json = false;
  std::optional<pm::Rat> max_price_per_unit;  // wei per pixel; unset = any price
  bool realtime = false;                      // pace segments as a live source would
  double session_interval_s = 0;              // start session i after i x this
  int verbosity = 3;
  bool help = false;
};

// Parses argv[1..]. Errors name the flag: `invalid value "0" for flag -concurrency: expected a
// positive integer`.
absl::StatusOr<GatewayOptions> ParseGatewayFlags(const std::vector<std::string>& args);

// The usage text for -help.
std::string GatewayUsage();

}  // namespace baton::gateway
