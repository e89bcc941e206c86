// GetOrchestrator while fresh sender keys ask for it: a load generator against a running node.
//
// Every call comes from a new key (a valid signature over its own address, as a gateway sends),
// so on chain each one needs reads the node has not cached (the sender's TicketBroker state and
// reserve share). Calls are scheduled at a fixed rate and their latency is measured from the
// scheduled time (a slow answer delays no later call's clock). Meanwhile one "known" gateway
// asks every 20 ms with the same key: its latency shows whether the fresh keys make the node's
// event loops wait. Prints p50/p99/max of both and the answers' status codes.
//
// Usage: bench_fresh_senders <host:port> [calls per second=1000] [seconds=10] [threads=48]
// Unfunded fresh keys get "insufficient sender reserve" (UNKNOWN), as from go-livepeer: the
// chain reads are the same whether the answer is params or that error.
// (bench/node/fresh_senders.sh starts a devnet and an on-chain node and runs this against it.)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crypto/eth_sign.h"
#include "crypto/secp256k1.h"
#include "lp_rpc.pb.h"
#include "net/grpc_client.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kMethod[] = "/net.Orchestrator/GetOrchestrator";

std::string SignedRequest(const baton::crypto::PrivateKey& key) {
  net::OrchestratorRequest request;
  const baton::crypto::Address address = key.address();
  request.set_address(address.bytes());
  request.set_sig(baton::crypto::Sign(key, address.ChecksumHex()));
  return request.SerializeAsString();
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

struct Outcomes {
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::map<std::string, int> codes;
  std::map<std::string, std::string> example;  // one message per code
  void Add(double ms, const absl::Status& status) {
    std::lock_guard lock(mu);
    latencies_ms.push_back(ms);
    const std::string code = status.ok() ? "OK" : absl::StatusCodeToString(status.code());
    ++codes[code];
    if (!status.ok()) example.emplace(code, std::string(status.message()));
  }
  void Print(const char* what) {
    std::lock_guard lock(mu);
    std::printf("%s: %zu calls, p50 %.1f ms, p99 %.1f ms, max %.1f ms;", what, latencies_ms.size(),
                Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.99),
                Percentile(latencies_ms, 1.0));
    for (const auto& [code, count] : codes) std::printf(" %s %d", code.c_str(), count);
    for (const auto& [code, message] : example) {
      std::printf(" (%s: \"%s\")", code.c_str(), message.c_str());
    }
    std::printf("\n");
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s host:port [calls/s] [seconds] [threads]\n", argv[0]);
    return 2;
  }
  const std::string target = argv[1];
  const int rate = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 10;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 48;
  const int total = rate * seconds;
  if (rate <= 0 || seconds <= 0 || threads <= 0) return 2;

  std::printf("signing %d fresh keys...\n", total);
  std::fflush(stdout);
  std::vector<std::string> requests(total);
  {
    std::vector<std::thread> signers;
    const int n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int t = 0; t < n; ++t) {
      signers.emplace_back([&, t] {
        for (int i = t; i < total; i += n) {
          requests[i] = SignedRequest(baton::crypto::PrivateKey::Generate());
        }
      });
    }
    for (auto& s : signers) s.join();
  }
  const std::string known = SignedRequest(baton::crypto::PrivateKey::Generate());
  {
    // The known gateway asks once first, as a gateway does before it streams.
    baton::http::GrpcClient client({target, true, true});
    (void)client.Call(kMethod, known, std::chrono::milliseconds(10000));
  }

  Outcomes fresh, steady;
  std::atomic<int> next{0};
  std::atomic<bool> done{false};
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(200);
  const auto interval = std::chrono::nanoseconds(1'000'000'000LL / rate);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      baton::http::GrpcClient client({target, true, true});
      for (int i = next++; i < total; i = next++) {
        const Clock::time_point due = start + interval * i;
        std::this_thread::sleep_until(due);
        absl::StatusOr<std::string> reply =
            client.Call(kMethod, requests[i], std::chrono::milliseconds(10000));
        fresh.Add(std::chrono::duration<double, std::milli>(Clock::now() - due).count(),
                  reply.status());
      }
    });
  }
  std::thread known_gateway([&] {
    baton::http::GrpcClient client({target, true, true});
    std::this_thread::sleep_until(start);
    while (!done) {
      const Clock::time_point t0 = Clock::now();
      absl::StatusOr<std::string> reply =
          client.Call(kMethod, known, std::chrono::milliseconds(10000));
      steady.Add(std::chrono::duration<double, std::milli>(Clock::now() - t0).count(),
                 reply.status());
      std::this_thread::sleep_until(t0 + std::chrono::milliseconds(20));
    }
  });
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  known_gateway.join();
  std::printf(
      "GetOrchestrator at %d fresh sender keys/s for %d s (%d client threads, "
      "%.0f calls/s achieved):\n",
      rate, seconds, threads, total / elapsed);
  fresh.Print("  fresh keys (latency from the scheduled time)");
  steady.Print("  one known gateway every 20 ms meanwhile");
  return 0;
}
