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
  std::string port_text = Env("PORT", "8000");
  std::string host = Env("HOST");
  std::string verbosity_text = "3";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) arg.erase(0, 1);
    std::string value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    } else if (i + 1 < argc && (arg == "-port" || arg == "-host" || arg == "-v")) {
      value = argv[++i];
    }
    if (arg == "-port") {
      port_text = value;
    } else if (arg == "-host") {
      host = value;
    } else if (arg == "-v") {
      verbosity_text = value;
    } else {
      return Fail("unknown argument " + std::string(argv[i]) +
                  " (configure with PIPELINE, MODEL_ID, AUTH_TOKEN, VERSION, PORT; flags: -port, "
                  "-host, -v)");
    }
  }
  int port = 0, verbosity = 3, threads = 2;
  if (!absl::SimpleAtoi(baton::AsAbsl(port_text), &port) || port < 0 || port > 65535) {
    return Fail("bad port \"" + port_text + "\"");
  }
  if (!absl::SimpleAtoi(baton::AsAbsl(verbosity_text), &verbosity)) {
    return Fail("bad -v \"" + verbosity_text + "\"");
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
