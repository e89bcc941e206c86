#!/usr/bin/env python3
"""Figures for the O-T split (README "Remote transcoders"): the same baton-gateway runs against
(a) one node doing the work itself (-orchestrator -transcoder) and (b) an orchestrator with two
standalone `baton -transcoder` processes, all on this machine over TLS on loopback.

Prints, per set-up, the throughput of a parallel run (segments per second) and the median
latency of a sequential run (one session, one segment at a time), whose difference is what the
split adds per segment (input fetch, NotifySegment, multipart upload). On one machine the
transcoders share its cores with the orchestrator, so (b) cannot be faster than (a): the
figure shows the split's overhead, not the gain of adding machines.

    python3 bench/node/split_bench.py --baton build/bin/baton --gateway build/bin/baton-gateway
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "node"))
from baton_process import BatonProcess, free_port  # noqa: E402

SECRET = "bench-secret"


def gateway(args, node, sessions, seconds):
    r = subprocess.run([args.gateway, "-orchAddr", f"127.0.0.1:{node.port}", "-testPattern",
                        "-duration", str(seconds), "-testPatternSize", args.size,
                        "-transcodingOptions", args.ladder, "-sessions", str(sessions), "-json"],
                       capture_output=True, text=True, timeout=900)
    lines = r.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise RuntimeError(r.stdout[-2000:] + r.stderr[-2000:])
    # A loaded machine may miss the gateway's deadline now and then: counted, not fatal.
    return json.loads(lines[-1])


def transcoder(args, node):
    cli = free_port()
    d = tempfile.mkdtemp(prefix="baton-bench-t-")
    p = subprocess.Popen([args.baton, "-transcoder", "-orchAddr", f"127.0.0.1:{node.port}",
                          "-orchSecret", SECRET, "-maxSessions", "10",
                          f"-cliAddr=127.0.0.1:{cli}", f"-dataDir={d}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{cli}/status", timeout=2) as r:
                if json.loads(r.read())["Registered"]:
                    return p
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("transcoder did not register")


def measure(args, node):
    gateway(args, node, 1, 4)  # warm-up
    seq = gateway(args, node, 1, args.seconds)
    par = gateway(args, node, args.sessions, args.seconds)
    return {"segments_per_s": par["ok"] / par["wall_s"],
            "parallel_p50_s": par["latency_p50_s"],
            "sequential_p50_s": seq["latency_p50_s"],
            "failed": par["failed"] + seq["failed"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baton", required=True)
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=16)
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--ladder", default="P240p30fps16x9,P360p30fps16x9")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    results = {"alone": [], "split": []}
    for _ in range(args.rounds):  # interleaved, so background load hits both alike
        with BatonProcess(args.baton, ["-maxSessions", "20"]) as node:
            results["alone"].append(measure(args, node))
        with BatonProcess(args.baton, ["-orchSecret", SECRET, "-maxSessions", "20"],
                          transcoder=False) as node:
            ts = [transcoder(args, node), transcoder(args, node)]
            try:
                results["split"].append(measure(args, node))
            finally:
                for t in ts:
                    t.terminate()
                    t.wait()
    for name, runs in results.items():
        avg = {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}
        print(f"{name:6s} " + "  ".join(f"{k}={v:.3f}" for k, v in avg.items()) +
              f"  (runs: {json.dumps(runs)})")
    a = results["alone"]
    s = results["split"]
    added = (sum(r["sequential_p50_s"] for r in s) / len(s) -
             sum(r["sequential_p50_s"] for r in a) / len(a))
    print(f"added latency per segment (sequential p50, split - alone): {added * 1000:.0f} ms")
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
