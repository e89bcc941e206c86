#include "gateway/gateway_flags.h"

#include <cstdio>
#include <cstdlib>

#include "common/flags.h"

namespace baton::gateway {
namespace {

absl::Status BadValue(const std::string& flag, const std::string& value, const char* what) {
  return absl::InvalidArgumentError("invalid value \"" + value + "\" for flag -" + flag +
                                    ": expected " + what);
}

absl::Status PositiveInt(const FlagSet& f, const std::string& flag, int& out) {
  int64_t value = f.GetInt(flag);  // the parser checked it is an integer
  if (value < 1 || value > 1'000'000)
    return BadValue(flag, f.GetString(flag), "a positive integer");
  out = static_cast<int>(value);
  return absl::OkStatus();
}

absl::Status NonNegativeSeconds(const FlagSet& f, const std::string& flag, double& out) {
  const std::string v = f.GetString(flag);
  char* end = nullptr;
  double value = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(value >= 0)) return BadValue(flag, v, "a number of seconds");
  out = value;
  return absl::OkStatus();
}

absl::Status SetPatternSize(GatewayOptions& o, const std::string& v) {
  int w = 0, h = 0;
  char x = 0;
  if (std::sscanf(v.c_str(), "%d%c%d", &w, &x, &h) != 3 || x != 'x' || w < 16 || h < 16 || w % 2 ||
      h % 2) {
    return BadValue("testPatternSize", v, "an even WxH size such as 1280x720");
  }
  o.pattern_width = w;
  o.pattern_height = h;
  return absl::OkStatus();
}

absl::Status SetMaxPrice(GatewayOptions& o, const std::string& v) {
  absl::StatusOr<pm::Rat> price = pm::ParseDecimal(v);
  if (!price.ok()) return BadValue("maxPricePerUnit", v, "a decimal number of wei per pixel");
  if (*price > 0) o.max_price_per_unit = *price;  // 0 = no limit, as in go-livepeer
  return absl::OkStatus();
}

void DefineGatewayFlags(FlagSet& f) {
  using K = FlagKind;
  GatewayOptions d;  // the defaults
  f.Define({"orchAddr", K::kString, "", "orchestrator host:port or URL"});
  f.Define({"in", K::kString, "", "media file to cut into segments"});
  f.Define({"testPattern", K::kBool, "false", "generate a test pattern instead of -in"});
  f.Define({"testPatternSize", K::kString, "1280x720", "test pattern size"});
  f.Define({"duration", K::kString, "0", "seconds of input"});
  f.Define({"segmentDuration", K::kString, "2", "segment length in seconds"});
  f.Define({"transcodingOptions", K::kString, d.transcoding_options, "comma list of presets"});
  f.Define({"concurrency", K::kInt, "1", "segments in flight per session"});
  f.Define({"sessions", K::kInt, "1", "independent sessions"});
  f.Define({"ethKeyHex", K::kString, "", "gateway key", /*secret=*/true});
  f.Define({"verify", K::kBool, "true", "check signatures and recount pixels"});
  f.Define({"out", K::kString, "", "keep the renditions here"});
  f.Define({"json", K::kBool, "false", "also print the summary as JSON"});
  f.Define({"maxPricePerUnit", K::kString, "0", "max wei per pixel"});
  f.Define({"realtime", K::kBool, "false", "post segments at the pace of a live source"});
  f.Define({"sessionInterval", K::kString, "0", "seconds between session starts"});
  f.Define({"v", K::kInt, "3", "log verbosity 0..6"});
  f.Define({"help", K::kBool, "false", "print the usage"});
  f.DefineAlias("h", "help");
}

absl::Status CheckCombination(const GatewayOptions& o) {
  if (o.help) return absl::OkStatus();
  if (o.orch_addr.empty()) return absl::InvalidArgumentError("-orchAddr is required");
  if (o.input_file.empty() == !o.test_pattern) {
    return absl::InvalidArgumentError("give exactly one of -in FILE and -testPattern");
  }
  if (o.test_pattern && o.duration_s <= 0) {
    return absl::InvalidArgumentError("-testPattern needs -duration SECONDS");
  }
  if (o.segment_duration_s <= 0) {
    return absl::InvalidArgumentError("-segmentDuration must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GatewayOptions> ParseGatewayFlags(const std::vector<std::string>& args) {
  FlagSet f;
  DefineGatewayFlags(f);
  // The command line only: the LP_ environment variables and -config belong to the node.
  if (absl::Status s = f.Parse(args, {}); !s.ok()) return s;
  GatewayOptions o;
  o.orch_addr = f.GetString("orchAddr");
  o.input_file = f.GetString("in");
  o.test_pattern = f.GetBool("testPattern");
  o.transcoding_options = f.GetString("transcodingOptions");
  o.eth_key_hex = f.GetString("ethKeyHex");
  o.verify = f.GetBool("verify");
  o.out_dir = f.GetString("out");
  o.json = f.GetBool("json");
  o.help = f.GetBool("help");
  o.realtime = f.GetBool("realtime");
  for (absl::Status s :
       {SetPatternSize(o, f.GetString("testPatternSize")),
        NonNegativeSeconds(f, "duration", o.duration_s),
        NonNegativeSeconds(f, "segmentDuration", o.segment_duration_s),
        NonNegativeSeconds(f, "sessionInterval", o.session_interval_s),
        PositiveInt(f, "concurrency", o.concurrency), PositiveInt(f, "sessions", o.sessions),
        SetMaxPrice(o, f.GetString("maxPricePerUnit"))}) {
    if (!s.ok()) return s;
  }
  int64_t v = f.GetInt("v");
  if (v < 0 || v > 6) return BadValue("v", f.GetString("v"), "a level 0..6");
  o.verbosity = static_cast<int>(v);
  if (absl::Status s = CheckCombination(o); !s.ok()) return s;
  return o;
}

std::string GatewayUsage() {
  return R"(baton-gateway: stream a video through a Livepeer orchestrator and verify the results.

usage: baton-gateway -orchAddr HOST:PORT (-in FILE | -testPattern -duration SECONDS) [flags]

  -orchAddr             orchestrator: host:port or https://host:port (TLS), http://host:port (h2c)
  -in FILE              media file to cut into segments (stream copy, H.264 expected)
  -testPattern          generate a test pattern (testsrc2 + sine, H.264/AAC) instead of -in
  -testPatternSize WxH  test pattern size (default 1280x720, 30 fps)
  -duration SECONDS     test pattern length; with -in, how much of the file (default all)
  -segmentDuration S    segment length in seconds (default 2)
  -transcodingOptions   comma list of presets (default P240p30fps16x9,P360p30fps16x9)
  -concurrency N        segments in flight per session, posted in seq order (default 1;
                        the node queues at most 4 per session)
  -sessions N           independent sessions, each streaming the whole input (default 1)
  -ethKeyHex HEX        gateway key (signs segments and tickets); default: a fresh key
  -verify=BOOL          check result signatures and recount pixels (default true)
  -out DIR              keep the renditions in DIR/<session>/<profile>/<seq>.ts
  -json                 also print the summary as one JSON line
  -maxPricePerUnit WEI  refuse orchestrators asking more wei per pixel (default: any)
  -realtime             post each segment when a live source would have it (segment n at
                        n x segment duration after the session starts), not as fast as possible
  -sessionInterval S    start session i after i x S seconds (default 0: all at once)
  -v LEVEL              log verbosity 0..6 (default 3)

Exit status: 0 when every segment came back and verified, 1 otherwise, 2 for bad flags.
)";
}

}  // namespace baton::gateway
