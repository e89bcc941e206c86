// net_bench: throughput of the net layer on this machine. Starts a TLS Server in-process with a
// small HTTP route and a gRPC echo method, then measures
//   1. gRPC unary calls/s through GrpcClient (one kept connection per client thread), and
//   2. HTTP/2 and HTTP/1.1 GET requests/s with h2load (nghttp2-client), if installed.
// Usage: net_bench [client_threads=2] [calls_per_thread=2000]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "net/grpc_client.h"
#include "net/server.h"

using namespace baton::http;
using Clock = std::chrono::steady_clock;

namespace {

std::string Run(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  pclose(pipe);
  return output;
}

void BenchGrpc(int port, int threads, int calls) {
  std::atomic<int> failures{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      GrpcClient client({absl::StrCat("127.0.0.1:", port), /*tls=*/true,
                         /*reuse_connection=*/true});
      for (int i = 0; i < calls; ++i) {
        auto reply = client.Call("/bench.Svc/Echo", "ping", std::chrono::seconds(5));
        if (!reply.ok() && failures++ < 3) {
          std::fprintf(stderr, "call %d failed: %s\n", i, reply.status().ToString().c_str());
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("grpc unary (GrpcClient, TLS, %d threads x %d calls): %.0f calls/s, %d failures\n",
              threads, calls, threads * calls / seconds, failures.load());
}

void BenchH2load(int port, const char* label, const std::string& flags) {
  const std::string output = Run(absl::StrCat("h2load ", flags, " https://127.0.0.1:", port,
                                              "/hello 2>&1 | grep -E 'finished in|requests:'"));
  std::printf("%s (h2load %s):\n%s", label, flags.c_str(),
              output.empty() ? "  h2load not available\n" : output.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const int calls = argc > 2 ? std::atoi(argv[2]) : 2000;
  char dir_template[] = "/tmp/net_bench_XXXXXX";
  ServerOptions options;
  options.bind_address = "127.0.0.1:0";
  options.cert_dir = mkdtemp(dir_template);
  Server server(options);
  server.router().Handle("/hello", {"GET"}, [](HttpRequest, auto response) {
    response->Respond(200, "text/plain", "hello");
  });
  server.grpc().AddUnary("/bench.Svc/Echo", [](std::string request, const GrpcCallContext&) {
    return GrpcResult::Ok(std::move(request));
  });
  auto port = server.Start();
  if (!port.ok()) {
    std::fprintf(stderr, "%s\n", port.status().ToString().c_str());
    return 1;
  }
  std::printf("cores: %u\n", std::thread::hardware_concurrency());
  BenchGrpc(*port, threads, calls);
  BenchH2load(*port, "HTTP/2 GET", "-n 50000 -c 20 -m 10");
  BenchH2load(*port, "HTTP/1.1 GET", "-n 20000 -c 20 --h1");
  server.Stop();
  std::system(absl::StrCat("rm -rf ", options.cert_dir).c_str());
  return 0;
}
