// baton-gateway: Baton's own gateway tool. It streams a file or a test pattern through an
// orchestrator the way go-livepeer's broadcaster does (GetOrchestrator, signed segments,
// tickets, POST /segment), verifies what comes back, and prints a summary. See
// `baton-gateway -help` (gateway_flags.cc) for the flags.
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "common/hex.h"
#include "common/log.h"

extern "C" {
#include <libavutil/log.h>
}
#include "crypto/secp256k1.h"
#include "gateway/gateway_flags.h"
#include "gateway/orchestrator_client.h"
#include "gateway/rendition_ladder.h"
#include "gateway/run_summary.h"
#include "gateway/source_segments.h"
#include "gateway/stream_session.h"
#include "pm/sender.h"
#include "spdlog/spdlog.h"

namespace {

using namespace baton;
using namespace baton::gateway;

int Usage(const absl::Status& status) {
  std::fprintf(stderr, "baton-gateway: %s\n", std::string(status.message()).c_str());
  return 2;
}

absl::StatusOr<crypto::PrivateKey> GatewayKey(const std::string& hex) {
  if (hex.empty()) return crypto::PrivateKey::Generate();
  absl::StatusOr<std::string> bytes = HexDecode(hex);
  if (!bytes.ok()) return absl::InvalidArgumentError("-ethKeyHex is not hex");
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::FromBytes(*bytes);
  if (!key.ok())
    return absl::InvalidArgumentError("-ethKeyHex: " + std::string(key.status().message()));
  return key;
}

absl::StatusOr<std::vector<SourceSegment>> LoadSource(const GatewayOptions& o,
                                                      const std::string& work_dir) {
  SourceOptions source;
  source.input_file = o.input_file;
  source.duration_s = o.duration_s;
  source.segment_duration_s = o.segment_duration_s;
  source.pattern_width = o.pattern_width;
  source.pattern_height = o.pattern_height;
  return CutSegments(source, work_dir);
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<GatewayOptions> options =
      ParseGatewayFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!options.ok()) return Usage(options.status());
  if (options->help) {
    std::fputs(GatewayUsage().c_str(), stdout);
    return 0;
  }
  InitLogging(options->verbosity);
  av_log_set_level(options->verbosity >= 5 ? AV_LOG_INFO : AV_LOG_FATAL);

  absl::StatusOr<crypto::PrivateKey> key = GatewayKey(options->eth_key_hex);
  if (!key.ok()) return Usage(key.status());
  absl::StatusOr<std::vector<::net::VideoProfile>> profiles =
      ParseTranscodingOptions(options->transcoding_options);
  if (!profiles.ok()) return Usage(profiles.status());
  absl::StatusOr<std::string> base_url = OrchestratorBaseUrl(options->orch_addr);
  if (!base_url.ok()) return Usage(base_url.status());

  absl::StatusOr<ScratchDir> scratch = ScratchDir::Create("baton-gateway-");
  if (!scratch.ok()) return Usage(scratch.status());
  absl::StatusOr<std::vector<SourceSegment>> segments = LoadSource(*options, scratch->path());
  if (!segments.ok()) {
    std::fprintf(stderr, "baton-gateway: %s\n", std::string(segments.status().message()).c_str());
    return 1;
  }
  spdlog::info("gateway {}: {} segments, {} session(s) x concurrency {}, orchestrator {}",
               key->address().ChecksumHex(), segments->size(), options->sessions,
               options->concurrency, *base_url);

  pm::Sender sender(*key);
  RunSummary summary;
  SessionConfig config{*base_url,        *profiles,        options->concurrency,
                       options->verify,  options->out_dir, options->max_price_per_unit,
                       options->realtime};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<StreamSession>> sessions;
  std::vector<std::thread> threads;
  for (int i = 0; i < options->sessions; ++i) {
    sessions.push_back(std::make_unique<StreamSession>(i, config, *key, sender, summary));
    const auto delay = std::chrono::duration<double>(i * options->session_interval_s);
    threads.emplace_back([&session = *sessions.back(), &segments, delay] {
      std::this_thread::sleep_for(delay);
      if (absl::Status s = session.Run(*segments); !s.ok())
        spdlog::error("{}", std::string(s.message()));
    });
  }
  for (std::thread& thread : threads) thread.join();
  summary.SetWallSeconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

  std::fputs(summary.ToText().c_str(), stdout);
  if (options->json) std::printf("%s\n", summary.ToJson().c_str());
  return summary.failed_count() == 0 ? 0 : 1;
}
