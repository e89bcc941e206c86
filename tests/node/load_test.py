"""A node under more live sessions than it can transcode (issue 13), driven by baton-gateway as
a go-livepeer gateway would: segments posted at a live source's pace (-realtime), sessions
arriving one per second, results not re-decoded (-verify=false) so the gateway leaves the CPU
to the node.

- overload: twice the node's measured capacity in 360p -> 240p sessions. Every session the node
  accepts stays within the gateway's deadlines (each segment back, its early 200 within
  max(2 s, half the segment) = 2 s); every other session is refused at GetOrchestrator with
  OrchestratorCapped or OrchestratorBusy, never later.
- memory: once the last session has ended, resident memory comes back within 32 MB of the
  idle figure within a minute.
- --long (CTest label "long", `make test-long`): the overload for a minute, then a 10-minute
  soak at the capacity: no error, and resident memory flat after the first minute.

The machine may be shared and busy (CI, other builds): the capacity is whatever the node
measures now, and the assertions are about the node's promises, not absolute speeds.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
import unittest

ARGS = None
HEADER_LIMIT_S = 2.0  # go-livepeer: max(2 s, segment duration / 2) for 2 s segments


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


class RssSampler(threading.Thread):
    def __init__(self, pid, period=0.5):
        super().__init__(daemon=True)
        self.pid, self.period, self.samples, self.done = pid, period, [], False

    def run(self):
        start = time.monotonic()
        while not self.done:
            try:
                self.samples.append((time.monotonic() - start, rss_mb(self.pid)))
            except (OSError, RuntimeError):
                return
            time.sleep(self.period)


class LoadTest(unittest.TestCase):
    def gateway(self, node, sessions, duration, interval=1):
        cmd = [ARGS.gateway, "-orchAddr", f"127.0.0.1:{node.port}", "-testPattern",
               "-testPatternSize", "640x360", "-duration", str(duration),
               "-transcodingOptions", "P240p30fps16x9", "-sessions", str(sessions),
               "-sessionInterval", str(interval), "-realtime", "-verify=false", "-json",
               "-v", "1"]
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=duration * 4 + sessions * interval + 300)
        lines = r.stdout.strip().splitlines()
        self.assertTrue(lines and lines[-1].startswith("{"), r.stdout[-2000:] + r.stderr[-2000:])
        return json.loads(lines[-1])

    def status(self, node):
        return json.loads(node.cli_get("/status")[1])

    def wait_calibrated(self, node):
        deadline = time.monotonic() + 180
        s = self.status(node)
        while s["Capacity"]["Reason"] == "provisional" and time.monotonic() < deadline:
            time.sleep(0.5)
            s = self.status(node)
        self.assertNotEqual(s["Capacity"]["Reason"], "provisional", s)
        return s

    def check_overload(self, node, duration):
        # One session first: the node measures what a 360p -> 240p session costs here.
        warm = self.gateway(node, 1, 8)
        self.assertEqual(warm["failed"], 0, warm["failures"])
        time.sleep(5)  # the warm-up session lapses (two segment durations)
        capacity = self.status(node)["MaxSessions"]
        sessions = 2 * capacity
        print(f"\ncapacity {capacity} ({self.status(node)['Capacity']['Detail']}); "
              f"asking {sessions} sessions; load {os.getloadavg()}", file=sys.stderr)
        result = self.gateway(node, sessions, duration)
        accepted = [s for s in result["per_session"] if not s["refused"]]
        refused = [s for s in result["per_session"] if s["refused"]]
        print(f"accepted {len(accepted)}, refused {len(refused)}, early answer p50 "
              f"{result['headers_p50_s'] * 1000:.1f} ms p99 {result['headers_p99_s'] * 1000:.1f} "
              f"ms max {result['headers_max_s'] * 1000:.1f} ms; capacity now "
              f"{self.status(node)['Capacity']}", file=sys.stderr)
        self.assertGreaterEqual(len(accepted), 1)
        for s in accepted:
            self.assertEqual(s["failed"], 0, (s, result["failures"]))
            self.assertLessEqual(s["headers_max_s"], HEADER_LIMIT_S, s)
        if refused:
            example = result["failures"]["session"]["example"]
            self.assertRegex(example, "GetOrchestrator.*Orchestrator(Capped|Busy)")
        # Only refusals at GetOrchestrator: no segment of an accepted session failed.
        self.assertEqual(set(result["failures"]) - {"session"}, set(), result["failures"])
        return len(accepted)

    def wait_memory_back(self, node, idle):
        end = time.monotonic()
        current = rss_mb(node.proc.pid)
        while time.monotonic() - end < 60 and current > idle + 32:
            time.sleep(1)
            current = rss_mb(node.proc.pid)
        print(f"resident memory: idle {idle:.1f} MB, {time.monotonic() - end:.1f} s after the "
              f"last session {current:.1f} MB", file=sys.stderr)
        self.assertLessEqual(current, idle + 32)

    def test_overload_then_memory_returns(self):
        sys.path.insert(0, os.path.dirname(__file__))
        from baton_process import BatonProcess
        with BatonProcess(ARGS.baton, ["-maxSessions=auto"], service_host="127.0.0.1") as node:
            self.wait_calibrated(node)
            idle = rss_mb(node.proc.pid)
            self.check_overload(node, 60 if ARGS.long else 16)
            self.wait_memory_back(node, idle)
            if not ARGS.long:
                return
            # Soak: the capacity's number of sessions for 10 minutes.
            time.sleep(5)
            capacity = self.status(node)["MaxSessions"]
            sampler = RssSampler(node.proc.pid)
            sampler.start()
            soak = self.gateway(node, capacity, 600)
            sampler.done = True
            sampler.join()
            # The capacity is re-measured as the sessions start: one may meet a lower figure
            # and be refused at GetOrchestrator; every session that started has no error.
            accepted = [s for s in soak["per_session"] if not s["refused"]]
            print(f"soak: {len(accepted)} of {capacity} sessions accepted", file=sys.stderr)
            self.assertGreaterEqual(len(accepted), 1)
            self.assertEqual(set(soak["failures"]) - {"session"}, set(), soak["failures"])
            # Flat: resident memory swings with each segment (and drops when the heap is
            # trimmed between them), so compare envelopes: the last 3 minutes' peak against
            # the second minute's.
            start = 60 + capacity
            second_minute = [rss for t, rss in sampler.samples if start <= t < start + 60]
            last_minutes = [rss for t, rss in sampler.samples if t >= sampler.samples[-1][0] - 180]
            print(f"soak: {capacity} sessions, rss peak in the second minute "
                  f"{max(second_minute):.1f} MB, in the last 3 minutes {max(last_minutes):.1f} MB",
                  file=sys.stderr)
            self.assertLessEqual(max(last_minutes), max(second_minute) + 32)
            self.wait_memory_back(node, idle)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--long", action="store_true")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
