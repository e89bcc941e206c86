#include "node/transcoder_role.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "common/metrics.h"
#include "net/server.h"
#include "node/standalone_role.h"
#include "node/version.h"
#include "operator/access_guard.h"
#include "operator/form_params.h"
#include "orchestrator/capabilities.h"
#include "transcode/calibration.h"
#include "transcode/capabilities.h"
#include "transcode/ffmpeg_log.h"
#include "worker/capacity_model.h"
#include "worker/local_transcoder.h"
#include "worker/transcoder_client.h"

namespace baton::node {
namespace {

std::string Hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// -maxSessions auto on a standalone transcoder: the orchestrator learns the capacity once, at
// registration, so it is measured before registering (a few seconds of transcoding the default
// ladder, one session per core); go-livepeer's default if the calibration fails.
int MeasuredCapacity() {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  worker::CapacityModel::Options options;
  options.cores = cores;
  worker::CapacityModel model(options);
  auto result = transcode::Calibrate(transcode::CalibrationClip(), cores);
  if (!result.ok()) {
    spdlog::warn("transcoder calibration failed ({}); registering with capacity {}",
                 std::string(result.status().message()), options.provisional);
    return options.provisional;
  }
  model.SetCalibration({result->cpu_per_content_s, result->cores, result->realtime_ratio});
  const auto measured = model.Current();
  spdlog::info("session capacity {} ({}: {})", measured.sessions, measured.reason, measured.detail);
  return std::max(1, measured.sessions);
}

}  // namespace

absl::Status RunStandaloneTranscoder(const NodeConfig& config, const sigset_t& stop_signals) {
  transcode::RouteFfmpegLogs(config.verbosity);
  if (!config.nvidia.empty()) {
    if (auto s = transcode::ProbeNvidia(config.nvidia); !s.ok())
      return absl::FailedPreconditionError("-nvidia " + config.nvidia + ": " +
                                           std::string(s.message()));
  }
  std::set<int> caps = orchestrator::OrchestratorFeatureCapabilities();
  for (int c : transcode::SoftwareCapabilities()) caps.insert(c);
  int capacity = config.max_sessions;
  if (config.max_sessions_auto) capacity = MeasuredCapacity();

  Metrics metrics(Hostname(), "trcr");
  metrics.DefineGauge("livepeer_versions", "Versions used by the node");
  metrics.DefineCounter("livepeer_segment_source_uploaded_total",
                        "Results uploaded to the orchestrator");
  metrics.DefineHistogram("livepeer_upload_time_seconds", "Time to upload results",
                          {.1, .25, .5, .75, 1, 2, 3, 5, 10});
  metrics.Set(
      "livepeer_versions", 1,
      {{"livepeerversion", kVersion}, {"compiler", "gcc"}, {"goos", "linux"}, {"goversion", ""}});

  worker::LocalTranscoder local;
  worker::TranscoderClientOptions options;
  options.orch_addr = config.orch_addr.ToString();
  options.secret = config.orch_secret;
  options.capacity = capacity;
  options.capabilities = orchestrator::MakeCapabilities(caps, kCapabilityVersion);
  options.transcoder = &local;
  options.metrics = config.monitor ? &metrics : nullptr;
  worker::TranscoderClient client(options);

  http::ServerOptions cli_options = StandaloneOperatorOptions(config);
  cli_options.max_body_bytes = ops::kMaxFormBodyBytes;
  http::Server cli(cli_options);
  // /status names the orchestrator this transcoder works for.
  auto access = InstallStandaloneAccess(config, cli.router());
  if (!access.ok()) return access.status();
  const std::string orch_addr = options.orch_addr;
  cli.router().Handle(
      "/status", {"GET"}, [&client, orch_addr, capacity](http::HttpRequest, auto response) {
        auto s = client.snapshot();
        const auto since =
            std::chrono::duration_cast<std::chrono::seconds>(s.registered_since.time_since_epoch())
                .count();
        std::string body = "{\"Version\":" + JsonString(kVersion) +
                           ",\"Role\":\"transcoder\",\"OrchAddr\":" + JsonString(orch_addr) +
                           ",\"Registered\":" + (s.registered ? "true" : "false") +
                           ",\"RegisteredSince\":" + std::to_string(since) +
                           ",\"Registrations\":" + std::to_string(s.registrations) +
                           ",\"Capacity\":" + std::to_string(capacity) +
                           ",\"InFlight\":" + std::to_string(s.in_flight) +
                           ",\"SegmentsDone\":" + std::to_string(s.segments_done) +
                           ",\"SegmentsFailed\":" + std::to_string(s.segments_failed) +
                           ",\"LastError\":" + JsonString(s.last_error) + "}";
        response->Respond(200, "application/json", body);
      });
  if (config.monitor) {
    cli.router().Handle("/metrics", {"GET"}, [&metrics](http::HttpRequest, auto response) {
      response->Respond(200, "text/plain; version=0.0.4; charset=utf-8", metrics.Render());
    });
  }
  if (auto s = StartOperatorPort(cli, *access, cli_options.bind_address); !s.ok()) return s;
  spdlog::info("Standalone transcoder for {} (capacity {}); operator API on http://{}", orch_addr,
               capacity, cli_options.bind_address);

  absl::Status result = RunUntilStopSignal(
      stop_signals, [&client] { return client.Run(); }, [&client] { client.Stop(); });
  cli.Stop();
  access->cookie.reset();  // removes the operator token's file
  return result;
}

}  // namespace baton::node
