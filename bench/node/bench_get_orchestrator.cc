// GetOrchestrator under load, against a real `baton` process: calls per second and p50/p99
// latency when every call opens a new TLS connection (what go-livepeer gateways do) and when
// one connection is reused; plus the node's time from exec to serving and its idle RSS.
//
// Usage: bench_get_orchestrator [path/to/baton] [calls per mode] [client threads]
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "lp_rpc.pb.h"
#include "net/grpc_client.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

long RssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::string Request() {
  net::OrchestratorRequest req;
  req.set_address(std::string(20, '\x42'));
  return req.SerializeAsString();
}

struct Result {
  double calls_per_second;
  double p50_ms, p99_ms;
  int failures;
};

Result Run(const std::string& target, bool reuse, int calls, int threads) {
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<int> failures{0};
  std::string request = Request();
  auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      baton::http::GrpcClient client({target, true, reuse});
      for (int i = 0; i < calls / threads; ++i) {
        auto t0 = Clock::now();
        auto reply = client.Call("/net.Orchestrator/GetOrchestrator", request,
                                 std::chrono::milliseconds(5000));
        latencies[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!reply.ok()) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[static_cast<size_t>(p * (all.size() - 1))]; };
  return {all.size() / seconds, pct(0.5), pct(0.99), failures.load()};
}

}  // namespace

int main(int argc, char** argv) {
  std::string baton = argc > 1 ? argv[1] : "build/bin/baton";
  int calls = argc > 2 ? std::stoi(argv[2]) : 2000;
  int threads = argc > 3 ? std::stoi(argv[3]) : 2;
  int port = FreePort(), cli = FreePort();
  char dir_template[] = "/tmp/baton-bench-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::vector<std::string> args = {baton, "-orchestrator", "-transcoder",
                                   "-serviceAddr=127.0.0.1:" + std::to_string(port),
                                   "-httpAddr=127.0.0.1:" + std::to_string(port),
                                   "-cliAddr=127.0.0.1:" + std::to_string(cli),
                                   "-dataDir=" + dir, "-v=1"};
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  pid_t pid;
  auto t0 = Clock::now();
  if (posix_spawn(&pid, baton.c_str(), nullptr, nullptr, argp.data(), environ) != 0) {
    std::perror("spawn baton");
    return 1;
  }
  std::string target = "127.0.0.1:" + std::to_string(port);
  double ready_ms = -1;
  for (int i = 0; i < 2000; ++i) {
    baton::http::GrpcClient probe({target, true, false, std::chrono::milliseconds(200)});
    if (probe.Call("/net.Orchestrator/GetOrchestrator", Request(), std::chrono::milliseconds(500))
            .ok()) {
      ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (ready_ms < 0) {
    std::fprintf(stderr, "baton did not start serving\n");
    kill(pid, SIGKILL);
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::printf("baton: start to first GetOrchestrator answered: %.0f ms; idle RSS %ld KiB\n",
              ready_ms, RssKiB(pid));
  for (bool reuse : {false, true}) {
    Result r = Run(target, reuse, calls, threads);
    std::printf("GetOrchestrator, %s, %d client threads: %.0f calls/s, p50 %.2f ms, p99 %.2f ms, "
                "%d failures\n",
                reuse ? "one reused TLS connection per thread" : "new TLS connection per call",
                threads, r.calls_per_second, r.p50_ms, r.p99_ms, r.failures);
  }
  std::printf("baton RSS after the runs: %ld KiB\n", RssKiB(pid));
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::system(("rm -rf " + dir).c_str());
  return 0;
}
