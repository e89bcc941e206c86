#include "gateway/gateway_flags.h"

#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>

namespace baton::gateway {
namespace {

using Setter = std::function<absl::Status(GatewayOptions&, const std::string&)>;

absl::Status BadValue(const std::string& flag, const std::string& value, const char* what) {
  return absl::InvalidArgumentError("flag -" + flag + ": \"" + value + "\" is not " + what);
}

Setter Text(std::string GatewayOptions::*field) {
  return [field](GatewayOptions& o, const std::string& v) {
    o.*field = v;
    return absl::OkStatus();
  };
}

Setter PositiveInt(const std::string& flag, int GatewayOptions::*field) {
  return [flag, field](GatewayOptions& o, const std::string& v) {
    int value = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (ec != std::errc() || end != v.data() + v.size() || value < 1) {
      return BadValue(flag, v, "a positive integer");
    }
    o.*field = value;
    return absl::OkStatus();
  };
}

Setter NonNegativeSeconds(const std::string& flag, double GatewayOptions::*field) {
  return [flag, field](GatewayOptions& o, const std::string& v) {
    char* end = nullptr;
    double value = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || value < 0) return BadValue(flag, v, "a number of seconds");
    o.*field = value;
    return absl::OkStatus();
  };
}

Setter Bool(const std::string& flag, bool GatewayOptions::*field) {
  return [flag, field](GatewayOptions& o, const std::string& v) {
    if (v == "true" || v == "1") {
      o.*field = true;
    } else if (v == "false" || v == "0") {
      o.*field = false;
    } else {
      return BadValue(flag, v, "true or false");
    }
    return absl::OkStatus();
  };
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

absl::Status SetVerbosity(GatewayOptions& o, const std::string& v) {
  if (v.size() != 1 || v[0] < '0' || v[0] > '6') return BadValue("v", v, "a level 0..6");
  o.verbosity = v[0] - '0';
  return absl::OkStatus();
}

const std::map<std::string, Setter>& ValueFlags() {
  static const auto* flags = new std::map<std::string, Setter>{
      {"orchAddr", Text(&GatewayOptions::orch_addr)},
      {"in", Text(&GatewayOptions::input_file)},
      {"testPatternSize", SetPatternSize},
      {"duration", NonNegativeSeconds("duration", &GatewayOptions::duration_s)},
      {"segmentDuration",
       NonNegativeSeconds("segmentDuration", &GatewayOptions::segment_duration_s)},
      {"transcodingOptions", Text(&GatewayOptions::transcoding_options)},
      {"concurrency", PositiveInt("concurrency", &GatewayOptions::concurrency)},
      {"sessions", PositiveInt("sessions", &GatewayOptions::sessions)},
      {"ethKeyHex", Text(&GatewayOptions::eth_key_hex)},
      {"out", Text(&GatewayOptions::out_dir)},
      {"maxPricePerUnit", SetMaxPrice},
      {"v", SetVerbosity},
  };
  return *flags;
}

const std::map<std::string, Setter>& BoolFlags() {
  static const auto* flags = new std::map<std::string, Setter>{
      {"testPattern", Bool("testPattern", &GatewayOptions::test_pattern)},
      {"verify", Bool("verify", &GatewayOptions::verify)},
      {"json", Bool("json", &GatewayOptions::json)},
      {"help", Bool("help", &GatewayOptions::help)},
      {"h", Bool("h", &GatewayOptions::help)},
  };
  return *flags;
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
  GatewayOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      return absl::InvalidArgumentError("unexpected argument \"" + arg + "\"");
    }
    arg = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    if (auto it = BoolFlags().find(arg); it != BoolFlags().end()) {
      if (absl::Status s = it->second(options, value.value_or("true")); !s.ok()) return s;
      continue;
    }
    auto it = ValueFlags().find(arg);
    if (it == ValueFlags().end()) {
      return absl::InvalidArgumentError("unknown flag -" + arg + " (see -help)");
    }
    if (!value) {
      if (i + 1 >= args.size())
        return absl::InvalidArgumentError("flag -" + arg + " needs a value");
      value = args[++i];
    }
    if (absl::Status s = it->second(options, *value); !s.ok()) return s;
  }
  if (absl::Status s = CheckCombination(options); !s.ok()) return s;
  return options;
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
  -v LEVEL              log verbosity 0..6 (default 3)

Exit status: 0 when every segment came back and verified, 1 otherwise, 2 for bad flags.
)";
}

}  // namespace baton::gateway
