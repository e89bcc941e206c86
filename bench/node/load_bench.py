#!/usr/bin/env python3
"""Load benchmark: a node under more live sessions than it can transcode, as gateways see it.

Starts `baton` (offchain, -monitor), waits for its capacity calibration, then with
baton-gateway (-realtime: segments posted at a live source's pace, -verify=false so the gateway
does not compete for the CPU by decoding):
  1. idle: one session; the early answer's latency (POST /segment -> response headers);
  2. load: SESSIONS sessions started one per second (default: twice the node's capacity), for
     DURATION seconds of content each: which were refused at GetOrchestrator, how many accepted
     sessions stayed within the gateway's deadlines (headers within max(2 s, duration / 2),
     every segment back), the early answer's latency under load;
  3. memory: resident memory idle, at peak, per accepted session, and how long after the last
     session it takes to come back within 32 MB of idle.
Prints one JSON object (and the machine's load average before and after: figures on a busy
machine are noisy).

usage: load_bench.py --baton BIN --gateway BIN [--sessions N] [--duration S]
                     [--size 640x360] [--profiles P240p30fps16x9] [--flags "-maxSessions=40"]
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "node"))
from baton_process import BatonProcess  # noqa: E402


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def status(node):
    return json.loads(node.cli_get("/status")[1])


def wait_calibrated(node, timeout=180):
    deadline = time.monotonic() + timeout
    s = status(node)
    while (s.get("Capacity") or {}).get("Reason") == "provisional" and time.monotonic() < deadline:
        time.sleep(0.5)
        s = status(node)
    return s


class RssSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, False

    def run(self):
        while not self.stop:
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return
            time.sleep(0.2)


def gateway(args, node, sessions, duration, interval):
    cmd = [args.gateway, "-orchAddr", f"127.0.0.1:{node.port}", "-testPattern",
           "-testPatternSize", args.size, "-duration", str(duration),
           "-transcodingOptions", args.profiles, "-sessions", str(sessions),
           "-sessionInterval", str(interval), "-realtime", "-verify=false", "-json", "-v", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration * 4 + sessions * 2 + 300)
    lines = r.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise RuntimeError("baton-gateway: " + r.stdout[-2000:] + r.stderr[-2000:])
    return json.loads(lines[-1])


def accepted_stats(summary, header_limit):
    accepted = [s for s in summary["per_session"] if not s["refused"]]
    in_real_time = [s for s in accepted if s["failed"] == 0 and s["headers_max_s"] <= header_limit]
    return accepted, in_real_time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--baton", required=True)
    p.add_argument("--gateway", required=True)
    p.add_argument("--sessions", type=int, default=0, help="0: twice the node's capacity")
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--size", default="640x360")
    p.add_argument("--profiles", default="P240p30fps16x9")
    p.add_argument("--flags", default="-maxSessions=auto")
    p.add_argument("--idle-seconds", type=float, default=10)
    args = p.parse_args()
    out = {"load_before": os.getloadavg(), "size": args.size, "profiles": args.profiles,
           "flags": args.flags}
    header_limit = max(2.0, 2.0 / 2)  # 2 s segments
    with BatonProcess(args.baton, args.flags.split() + ["-monitor"],
                      service_host="127.0.0.1") as node:
        s = wait_calibrated(node)
        out["capacity_at_start"] = s["MaxSessions"]
        out["capacity_reason_at_start"] = (s.get("Capacity") or {}).get("Detail", "configured")
        time.sleep(1)
        out["rss_idle_mb"] = rss_mb(node.proc.pid)
        idle = gateway(args, node, 1, args.idle_seconds, 0)
        out["idle_headers_p50_ms"] = idle["headers_p50_s"] * 1000
        out["idle_headers_p99_ms"] = idle["headers_p99_s"] * 1000
        out["idle_failed"] = idle["failed"]
        time.sleep(5)  # the idle session lapses (two segment durations) before the load
        out["capacity_after_idle"] = status(node)["MaxSessions"]
        sessions = args.sessions or 2 * max(1, out["capacity_after_idle"])
        out["sessions_asked"] = sessions
        sampler = RssSampler(node.proc.pid)
        sampler.start()
        load = gateway(args, node, sessions, args.duration, 1)
        sampler.stop = True
        sampler.join()
        end = time.monotonic()
        s = status(node)
        out["capacity_at_end"] = s["MaxSessions"]
        out["capacity_detail_at_end"] = (s.get("Capacity") or {}).get("Detail", "configured")
        accepted, in_real_time = accepted_stats(load, header_limit)
        out["sessions_refused"] = len(load["per_session"]) - len(accepted)
        out["refusals"] = {k: v for k, v in load["failures"].items() if k == "session"}
        out["sessions_accepted"] = len(accepted)
        out["sessions_in_real_time"] = len(in_real_time)
        out["load_failures"] = {k: v for k, v in load["failures"].items() if k != "session"}
        out["load_headers_p50_ms"] = load["headers_p50_s"] * 1000
        out["load_headers_p99_ms"] = load["headers_p99_s"] * 1000
        out["load_headers_max_ms"] = load["headers_max_s"] * 1000
        out["load_latency_p50_s"] = load["latency_p50_s"]
        out["load_latency_p99_s"] = load["latency_p99_s"]
        out["rss_peak_mb"] = sampler.peak
        out["rss_per_session_mb"] = (sampler.peak - out["rss_idle_mb"]) / max(1, len(accepted))
        out["rss_after_end_mb"] = rss_mb(node.proc.pid)
        back = None
        while time.monotonic() - end < 75:
            if rss_mb(node.proc.pid) <= out["rss_idle_mb"] + 32:
                back = time.monotonic() - end
                break
            time.sleep(1)
        out["rss_back_within_32mb_after_s"] = back
        out["rss_final_mb"] = rss_mb(node.proc.pid)
    out["load_after"] = os.getloadavg()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
