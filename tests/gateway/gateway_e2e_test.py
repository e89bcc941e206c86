"""baton-gateway end to end: a real `baton` node (offchain, TLS) and the gateway binary.

The gateway streams a generated test pattern through a priced node with an account (offchain:
tickets verified, never redeemed; results signed); every segment must come back paid for,
pass the gateway's own checks (result signature, pixel recount) and the renditions it keeps
with -out must have the preset sizes by ffprobe, an independent reader. Two parallel
sessions against an offchain node (no price, unsigned results) must pass too.
A gateway pointed at a closed port must fail every segment and exit non-zero.

    gateway_e2e_test.py --baton B --gateway G [--seconds 10] [--size 640x360] [--only-stream]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "node"))
from baton_process import BatonProcess, free_port  # noqa: E402

# anvil account #1, a well-known dev key.
DEV_KEY = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
PRESET_SIZES = {"P240p30fps16x9": (426, 240), "P360p30fps16x9": (640, 360)}


def run_gateway(*flags, timeout=600):
    started = time.monotonic()
    proc = subprocess.run([ARGS.gateway, "-json", "-ethKeyHex", DEV_KEY, *flags],
                          capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - started
    lines = proc.stdout.strip().splitlines()
    summary = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    return proc, summary, elapsed


def ffprobe_size(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height", "-of", "json", path],
                         capture_output=True, text=True, check=True)
    s = json.loads(out.stdout)["streams"][0]
    return s["width"], s["height"]


PRICE_PER_PIXEL = 1000
PAID_NODE_FLAGS = ["-ethPassword=test-password", f"-pricePerUnit={PRICE_PER_PIXEL}",
                   "-autoAdjustPrice=false"]


class GatewayStreamsThroughPaidNode(unittest.TestCase):
    def setUp(self):
        self.node = BatonProcess(ARGS.baton, PAID_NODE_FLAGS).start()
        self.out = tempfile.mkdtemp(prefix="baton-gw-out-")

    def tearDown(self):
        self.node.stop()
        shutil.rmtree(self.out, ignore_errors=True)

    def test_every_segment_comes_back_verified(self):
        seconds = ARGS.seconds
        expected = -(-seconds // 2)  # 2-second segments
        proc, summary, elapsed = run_gateway(
            "-orchAddr", f"127.0.0.1:{self.node.port}", "-testPattern", "-duration", str(seconds),
            "-testPatternSize", ARGS.size, "-concurrency", str(ARGS.concurrency),
            "-out", self.out)
        report = f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-3000:]}"
        print(proc.stdout, file=sys.stderr)
        print(f"gateway wall time including segmenting: {elapsed:.1f} s", file=sys.stderr)
        self.assertIsNotNone(summary, report)
        self.assertEqual(proc.returncode, 0, report)
        self.assertEqual(summary["segments"], expected, report)
        self.assertEqual(summary["ok"], expected, report)
        self.assertEqual(summary["failed"], 0, report)
        self.assertEqual(summary["pixels_verified"], expected, report)
        self.assertEqual(summary["signatures_verified"], expected, report)
        self.assertEqual(summary["unsigned"], 0, report)
        self.assertGreaterEqual(summary["tickets"], expected, report)
        self.assertGreater(summary["pixels"], 0)
        self.assertEqual(summary["fees_wei"], PRICE_PER_PIXEL * summary["pixels"])
        # The tickets' EV covers the fee (the gateway pays 1.02 × the estimate up front).
        self.assertGreaterEqual(summary["ev_sent_wei"], summary["fees_wei"])
        self.assertGreater(summary["realtime_ratio"], 0)
        for name, size in PRESET_SIZES.items():
            files = sorted(os.listdir(os.path.join(self.out, "0", name)))
            self.assertEqual(len(files), expected, name)
            for f in files:
                self.assertEqual(ffprobe_size(os.path.join(self.out, "0", name, f)), size, f)


class GatewayWithOffchainNode(unittest.TestCase):
    def setUp(self):
        self.node = BatonProcess(ARGS.baton).start()

    def tearDown(self):
        self.node.stop()

    def test_two_sessions_in_parallel(self):
        proc, summary, _ = run_gateway(
            "-orchAddr", f"https://127.0.0.1:{self.node.port}", "-testPattern", "-duration", "4",
            "-testPatternSize", "320x180", "-sessions", "2", "-verify=true")
        report = proc.stdout + proc.stderr[-3000:]
        self.assertEqual(proc.returncode, 0, report)
        self.assertEqual(summary["ok"], 4, report)  # each session streams both segments
        self.assertEqual(summary["unsigned"], 4, report)  # offchain: nothing to verify against
        self.assertEqual(summary["pixels_verified"], 4, report)
        self.assertEqual(summary["tickets"], 0, report)


class GatewayReportsFailures(unittest.TestCase):
    def test_unreachable_orchestrator_fails_every_segment(self):
        proc, summary, _ = run_gateway("-orchAddr", f"127.0.0.1:{free_port()}", "-testPattern",
                                       "-duration", "4", "-testPatternSize", "160x90")
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertEqual(summary["failed"], 2)
        self.assertEqual(summary["failures"]["session"]["count"], 2)

    def test_bad_flags_exit_2(self):
        proc = subprocess.run([ARGS.gateway, "-orchAddr", "h:1", "-testPattern"],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("-duration", proc.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--only-stream", action="store_true")
    ARGS, rest = parser.parse_known_args()
    if ARGS.only_stream:
        rest.append("GatewayStreamsThroughPaidNode")
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
