#!/usr/bin/env python3
"""The AI worker split end to end (doc/wire.md 5.2, README "Remote AI workers"): real processes on
loopback over TLS. A Baton orchestrator with -orchSecret (no runners of its own) and a standalone
`baton -aiWorker` whose -aiModels names external runners served by baton-runner (eSpeak NG
text-to-speech and the Lanczos upscaler, real CPU models). A gateway-style client (tests/ai/
ai_test.py's: GetOrchestrator, signed tickets, SegData) sends paid requests to the orchestrator,
which hands them to the worker over the registration stream; the worker posts its results back
to /aiResults, and the gateway downloads the files.

The same worker against an independent stand-in orchestrator: ai_worker_standin_test.py.

Checked: a paid text-to-speech request answered with a WAV (RIFF header, duration > 0); an
upscale, whose image the worker downloads from the orchestrator's input_url (4x the size back);
the worker's /status and /metrics; a wrong secret ends the worker with exit code 2 and a message
naming -orchSecret; zero models or no secret refused at start; killing the worker takes the
model's capacity away from GetOrchestrator, and a restarted worker serves again.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "ai"))
import ai_test  # noqa: E402  (the gateway-style AI client)
import payment_test  # noqa: E402
import segment_test  # noqa: E402
from baton_process import BatonProcess, free_port  # noqa: E402

ARGS = None
SECRET = "ai-worker-test-secret"
TTS, UPSCALE = 36, 30


def start_runner(pipeline, model):
    """baton-runner serving `pipeline` with `model` on a free port; (process, url)."""
    port = free_port()
    env = dict(os.environ, PIPELINE=pipeline, MODEL_ID=model)
    proc = subprocess.Popen([ARGS.runner, "-port", str(port), "-host", "127.0.0.1"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"baton-runner {pipeline} did not start")


class AiWorkerProcess:
    """A standalone `baton -aiWorker` registered with `orch_port`."""

    def __init__(self, orch_port, models_path, secret=SECRET, extra=()):
        self.cli_port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="baton-aiw-")
        self.log_path = os.path.join(self.data_dir, "w.log")
        self.args = [ARGS.baton, "-aiWorker", "-orchAddr", f"127.0.0.1:{orch_port}",
                     "-orchSecret", secret, "-aiModels", models_path, "-monitor",
                     f"-cliAddr=127.0.0.1:{self.cli_port}", f"-dataDir={self.data_dir}", *extra]
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.cli_port}{path}", timeout=5) as r:
            return r.read().decode()

    def status(self):
        return json.loads(self.get("/status"))

    def wait_registered(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"AI worker exited {self.proc.returncode}:\n{self.read_log()}")
            try:
                if self.status()["Registered"]:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("AI worker did not register:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, kill=False):
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and not self.log.closed:
            self.log.close()

    def remove(self):
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def wav_seconds(data):
    """The duration of a PCM WAV file, read from its header."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", data[:16]
    pos, byte_rate = 12, None
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if kind == b"fmt ":
            byte_rate = struct.unpack("<I", data[pos + 16:pos + 20])[0]
        if kind == b"data":
            return size / byte_rate
        pos += 8 + size + (size & 1)
    raise AssertionError("no data chunk")


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    return struct.unpack(">II", data[16:24])


def run_worker_alone(args, timeout=20):
    """Runs a worker expected to stop by itself: (exit code, output)."""
    out = subprocess.run([ARGS.baton, *args], capture_output=True, text=True, timeout=timeout)
    return out.returncode, out.stdout + out.stderr


def run_with_wrong_secret(orch_port, models, tmp):
    """The worker alone against the orchestrator at 127.0.0.1:orch_port with a wrong secret:
    (exit code, output)."""
    return run_worker_alone(
        ["-aiWorker", "-orchAddr", f"127.0.0.1:{orch_port}", "-orchSecret", "wrong",
         "-aiModels", models, f"-cliAddr=127.0.0.1:{free_port()}", f"-dataDir={tmp}/wrong"])


class AiWorkerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, ARGS.pydir)
        import lp_rpc_pb2
        cls.pb = lp_rpc_pb2
        cls.pt = payment_test
        cls.pt_case = payment_test.PaymentTest()
        cls.pt_case.pb = lp_rpc_pb2
        cls.tmp = tempfile.mkdtemp(prefix="baton-aiw-test-")
        cls.runners = []
        tts, tts_url = start_runner("text-to-speech", "espeak-ng")
        up, up_url = start_runner("upscale", "lanczos")
        cls.runners += [tts, up]
        cls.models = os.path.join(cls.tmp, "models.json")
        with open(cls.models, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "espeak-ng", "url": tts_url,
                        "capacity": 2},
                       {"pipeline": "upscale", "model_id": "lanczos", "url": up_url}], f)
        # The orchestrator: an account (tickets verified), remote AI workers by secret, and the
        # models' prices (its -aiModels without -aiWorker: prices only, no runners).
        prices = os.path.join(cls.tmp, "prices.json")
        with open(prices, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "espeak-ng",
                        "price_per_unit": 1, "pixels_per_unit": 1000},
                       {"pipeline": "upscale", "model_id": "lanczos", "price_per_unit": 1,
                        "pixels_per_unit": 100}], f)
        cls.node = BatonProcess(ARGS.baton, [
            "-ethPassword=test-password", "-pricePerUnit=1000", "-autoAdjustPrice=false",
            "-orchSecret", SECRET, "-aiModels", prices, "-monitor"], transcoder=False).start()
        cls.gw = ai_test.Gateway(cls, cls.node)
        cls.worker = AiWorkerProcess(cls.node.port, cls.models).start()
        cls.worker.wait_registered()

    @classmethod
    def tearDownClass(cls):
        cls.worker.remove()
        cls.node.stop()
        for r in cls.runners:
            r.kill()
            r.wait()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def model_capacity(self, cap, model):
        """The free capacity GetOrchestrator advertises for `model` to a gateway asking for it;
        None when not listed or refused (this orchestrator has no transcoders, so it answers
        only discovery that names AI capabilities)."""
        pipeline = {TTS: "text-to-speech", UPSCALE: "upscale"}[cap]
        try:
            info = self.gw.get_orchestrator(pipeline, model)
        except grpc.RpcError:
            return None
        per_cap = info.capabilities.constraints.PerCapability
        if cap not in per_cap or model not in per_cap[cap].models:
            return None
        return per_cap[cap].models[model].capacity

    def wait_capacity(self, cap, model, predicate, what, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            c = self.model_capacity(cap, model)
            if predicate(c):
                return c
            time.sleep(0.2)
        self.fail(f"{what}: capacity is {self.model_capacity(cap, model)}\n"
                  f"O:\n{self.node.read_log()[-3000:]}\nW:\n{self.worker.read_log()[-3000:]}")

    def speak(self, text):
        headers, _ = self.gw.headers("text-to-speech", "espeak-ng")
        body = json.dumps({"model_id": "espeak-ng", "text": text}).encode()
        start = time.monotonic()
        answer = ai_test.post(self.node.port, "/text-to-speech", body, "application/json",
                              headers, timeout=60)
        self.post_seconds = time.monotonic() - start
        return answer

    def check_speech(self, code, body):
        self.assertEqual(code, 200, body[:500])
        url = json.loads(body)["audio"]["url"]
        self.assertTrue(url.startswith(f"https://localhost:{self.node.port}/stream/"), url)
        status, content_type, wav = ai_test.get(url)
        self.assertEqual(status, 200)
        seconds = wav_seconds(wav)
        self.assertGreater(seconds, 0.5)
        return seconds

    def test_1_capacity_advertised(self):
        self.wait_capacity(TTS, "espeak-ng", lambda c: c == 2, "the worker's TTS capacity")
        self.wait_capacity(UPSCALE, "lanczos", lambda c: c == 1, "the worker's upscale capacity")

    def test_2_paid_text_to_speech(self):
        code, body = self.speak("Hello from a remote AI worker.")
        seconds = self.check_speech(code, body)
        jobs = re.findall(r"AI task \d+ text-to-speech .*", self.worker.read_log())
        print(f"\ntext-to-speech through the worker: POST answered in "
              f"{self.post_seconds * 1000:.0f} ms for {seconds:.2f} s of speech; worker: {jobs}",
              file=sys.stderr)
        s = self.worker.status()
        self.assertGreaterEqual(s["JobsDone"], 1, s)
        self.assertEqual(s["Role"], "aiworker")
        tts = [m for m in s["Models"] if m["Pipeline"] == "text-to-speech"]
        self.assertEqual(len(tts), 1, s)
        self.assertEqual((tts[0]["ModelID"], tts[0]["Capacity"], tts[0]["InUse"]),
                         ("espeak-ng", 2, 0), s)
        self.assertTrue(tts[0]["RunnerVersion"].startswith("baton-runner-"), s)
        metrics = self.worker.get("/metrics")
        self.assertRegex(metrics, r'livepeer_ai_result_uploaded_total\{[^}]*'
                                  r'pipeline="text-to-speech"[^}]*\} [1-9]')
        self.assertIn('node_type="aiwk"', metrics)
        # The operator port has the orchestrator's access rules: a web page is refused.
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{self.worker.cli_port}/status",
                headers={"Origin": "http://evil.example"}), timeout=5)
        self.assertEqual(refused.exception.code, 403)

    def test_3_upscale_downloads_its_input(self):
        image, content_type = ai_test.multipart(
            {"model_id": "lanczos", "prompt": "sharper", "image": ai_test.png(8, 4)})
        headers, _ = self.gw.headers("upscale", "lanczos")
        code, body = ai_test.post(self.node.port, "/upscale", image, content_type, headers,
                                  timeout=60)
        self.assertEqual(code, 200, body[:500])
        url = json.loads(body)["images"][0]["url"]
        status, _, data = ai_test.get(url)
        self.assertEqual(status, 200)
        self.assertEqual(png_size(data), (32, 16))

    def test_4_wrong_secret_exits_2(self):
        code, out = run_with_wrong_secret(self.node.port, self.models, self.tmp)
        self.assertEqual(code, 2, out)
        self.assertIn("invalid secret", out)
        self.assertIn("check -orchSecret", out)

    def test_5_refused_at_start(self):
        empty = os.path.join(self.tmp, "none.json")
        with open(empty, "w") as f:
            f.write("[]")
        code, out = run_worker_alone(
            ["-aiWorker", "-orchAddr", f"127.0.0.1:{self.node.port}", "-orchSecret", SECRET,
             "-aiModels", empty, f"-cliAddr=127.0.0.1:{free_port()}", f"-dataDir={self.tmp}/e"])
        self.assertEqual(code, 2, out)
        self.assertRegex(out, "no models|empty")
        code, out = run_worker_alone(
            ["-aiWorker", "-orchAddr", f"127.0.0.1:{self.node.port}", "-aiModels", self.models,
             f"-dataDir={self.tmp}/n"])
        self.assertEqual(code, 2, out)
        self.assertIn("-orchSecret", out)

    def test_9_killed_worker_loses_capacity_and_a_restarted_one_serves(self):
        self.wait_capacity(TTS, "espeak-ng", lambda c: c == 2, "capacity before the kill")
        self.worker.stop(kill=True)
        start = time.monotonic()
        self.wait_capacity(TTS, "espeak-ng", lambda c: not c, "capacity after the kill")
        print(f"\ncapacity gone {time.monotonic() - start:.2f} s after the kill", file=sys.stderr)
        code, body = self.speak("Nobody is here.")
        self.assertNotEqual(code, 200, body[:500])
        self.__class__.worker.remove()
        self.__class__.worker = AiWorkerProcess(self.node.port, self.models).start()
        self.worker.wait_registered()
        self.wait_capacity(TTS, "espeak-ng", lambda c: c == 2, "capacity after the restart")
        self.check_speech(*self.speak("The worker is back."))


def parse_args(modules):
    """The ctest arguments (--baton, --runner, --pydir, --source), set as ARGS of each test
    module in `modules`; returns them and the rest (unittest's)."""
    p = argparse.ArgumentParser()
    p.add_argument("--baton", required=True)
    p.add_argument("--runner", required=True)
    p.add_argument("--pydir", required=True)
    p.add_argument("--source", required=True)
    args, rest = p.parse_known_args()
    for module in modules:
        module.ARGS = args
    return args, rest


def main():
    global ARGS
    ARGS, rest = parse_args([ai_test, payment_test, segment_test])
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
