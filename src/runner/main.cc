// baton-runner: an AI Runner (doc/ai.md 1) for the pipelines that have real models among
// Debian's packages, on the CPU and offline. Configured like the AI Runner image, through the
// environment:
//   PIPELINE      text-to-speech | audio-to-text | image-to-text | upscale (required)
//   MODEL_ID      espeak-ng | pocketsphinx | tesseract | lanczos ("" = the pipeline's model)
//   AUTH_TOKEN    bearer token required on inference routes ("" = none)
//   VERSION       what /version reports (default "baton-runner-<version>")
//   PORT          listening port (default 8000, the image's); HOST: bind address (default all)
//   RUNNER_THREADS  requests served at once (default 2)
//   ESPEAK_DATA_PATH, POCKETSPHINX_MODEL_DIR, TESSDATA_PREFIX: model data (Debian's paths)
// Flags -port N and -host H override PORT and HOST; -v N sets log verbosity (go-livepeer scale).
// The model loads before the port opens, as the AI Runner's does; SIGINT/SIGTERM stop it.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "common/absl_view.h"
#include "common/flags.h"
#include "common/log.h"
#include "runner/pipeline.h"
#include "runner/runner_server.h"
#include "transcode/ffmpeg_log.h"

namespace {

std::string Env(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "baton-runner: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // The flags go through the parser every Baton binary uses (common/flags.h); the environment
  // is the AI Runner image's (PORT, HOST), not LP_ variables.
  baton::FlagSet flags;
  flags.Define({"port", baton::FlagKind::kString, "", "listening port (overrides PORT)"});
  flags.Define({"host", baton::FlagKind::kString, "", "bind address (overrides HOST)"});
  flags.Define({"v", baton::FlagKind::kInt, "3", "log verbosity, go-livepeer's scale"});
  if (absl::Status parsed = flags.Parse({argv + 1, argv + argc}, {}); !parsed.ok()) {
    return Fail(std::string(parsed.message()) +
                " (configure with PIPELINE, MODEL_ID, AUTH_TOKEN, VERSION, PORT; flags: -port, "
                "-host, -v)");
  }
  std::string port_text = Env("PORT", "8000");
  if (flags.IsSet("port")) port_text = flags.GetString("port");
  std::string host = flags.IsSet("host") ? flags.GetString("host") : Env("HOST");
  const int verbosity = static_cast<int>(flags.GetInt("v"));
  int port = 0, threads = 2;
  if (!absl::SimpleAtoi(baton::AsAbsl(port_text), &port) || port < 0 || port > 65535) {
    return Fail("bad port \"" + port_text + "\"");
  }
  std::string threads_text = Env("RUNNER_THREADS", "2");
  if (!absl::SimpleAtoi(baton::AsAbsl(threads_text), &threads) || threads < 1 || threads > 256) {
    return Fail("bad RUNNER_THREADS \"" + threads_text + "\"");
  }
  baton::InitLogging(verbosity);
  baton::transcode::RouteFfmpegLogs(verbosity);

  // Block the stop signals before any thread starts, then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string pipeline_name = Env("PIPELINE");
  const std::string model_id = Env("MODEL_ID");
  if (pipeline_name.empty()) return Fail("PIPELINE is not set");
  baton::runner::ModelPaths paths{
      .espeak_data = Env("ESPEAK_DATA_PATH"),
      .pocketsphinx_dir = Env("POCKETSPHINX_MODEL_DIR", "/usr/share/pocketsphinx/model/en-us"),
      .tessdata_dir = Env("TESSDATA_PREFIX", "/usr/share/tesseract-ocr/5/tessdata"),
  };
  auto pipeline = baton::runner::CreatePipeline(pipeline_name, model_id, paths);
  if (!pipeline.ok()) return Fail(std::string(pipeline.status().message()));

  baton::runner::RunnerOptions options;
  options.bind_address =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  options.auth_token = Env("AUTH_TOKEN");
  options.version = Env("VERSION", "baton-runner-" BATON_VERSION);
  options.worker_threads = threads;
  const std::string model = std::string((*pipeline)->model_id());
  baton::runner::RunnerServer server(std::move(*pipeline), options);
  absl::StatusOr<int> bound = server.Start();
  if (!bound.ok()) return Fail(std::string(bound.status().message()));
  spdlog::info("baton-runner {} serving {} with model {} on port {}{}", options.version,
               pipeline_name, model, *bound,
               options.auth_token.empty() ? "" : " (bearer token required)");

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("Received signal {}, stopping", signal);
  server.Stop();
  return 0;
}
