#!/usr/bin/env python3
"""A standalone AI worker whose runner is a container it manages (doc/ai.md 4, doc/wire.md 5.2),
on a real container engine: podman's Docker-compatible API service (tests/support/
podman_service.py) runs baton-runner's image, built by scripts/runner-image from this machine's
files. A Baton orchestrator with -orchSecret (prices only) takes the worker; a gateway-style client
(tests/ai/ai_test.py's) pays a text-to-speech request, which the worker runs on a cold container
it starts for it.

Checked: no container before the first job; the paid request answered with a real WAV from a
container labelled with the worker's own id (not the orchestrator's); the worker's stop removes
it.
"""
import argparse
import json
import os
import shutil
import sys
import subprocess
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "ai"))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
import ai_test  # noqa: E402  (the gateway-style client)
import ai_worker_test  # noqa: E402  (the worker process)
import payment_test  # noqa: E402
import segment_test  # noqa: E402
from baton_process import BatonProcess  # noqa: E402
from podman_service import PodmanService  # noqa: E402

ARGS = None
SECRET = "ai-worker-containers-secret"
IMAGE = "localhost/baton-runner:test"


class AiWorkerContainersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, ARGS.pydir)
        import lp_rpc_pb2
        cls.pb = lp_rpc_pb2
        cls.pt = payment_test
        cls.pt_case = payment_test.PaymentTest()
        cls.pt_case.pb = lp_rpc_pb2
        cls.engine = PodmanService().start()
        out = subprocess.run([os.path.join(ARGS.source, "scripts", "runner-image"), "--binary",
                              ARGS.runner, "--tag", IMAGE], capture_output=True, text=True,
                             env=dict(os.environ, CONTAINERS_CONF=cls.engine.env["CONTAINERS_CONF"]))
        if out.returncode != 0:
            cls.engine.stop()
            raise RuntimeError("runner-image: " + out.stdout[-2000:] + out.stderr[-2000:])
        cls.tmp = tempfile.mkdtemp(prefix="baton-aiw-containers-")
        prices = os.path.join(cls.tmp, "prices.json")
        with open(prices, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "espeak-ng",
                        "price_per_unit": 1, "pixels_per_unit": 1000}], f)
        cls.node = BatonProcess(ARGS.baton, [
            "-ethPassword=test-password", "-autoAdjustPrice=false", "-orchSecret", SECRET,
            f"-aiModels={prices}", "-aiRequestTimeout=90s"], transcoder=False).start()
        cls.gw = ai_test.Gateway(cls, cls.node)
        models = os.path.join(cls.tmp, "models.json")
        with open(models, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "espeak-ng"}], f)
        os.environ["DOCKER_HOST"] = cls.engine.docker_host
        cls.worker = ai_worker_test.AiWorkerProcess(cls.node.port, models, secret=SECRET, extra=(
            "-aiRequestTimeout=90s",
            "-aiRunnerImageOverrides=" + json.dumps({"batch": {"text-to-speech": IMAGE}})))
        cls.worker.start()
        cls.worker.wait_registered(timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.worker.remove()
        cls.node.stop()
        for c in cls.containers():
            cls.engine.request("DELETE", f"/v1.41/containers/{c['Id']}?force=1")
        cls.engine.stop()
        os.environ.pop("DOCKER_HOST", None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def containers(cls):
        """Every baton runner container, running or not, as the engine lists them."""
        filters = urllib.parse.quote(json.dumps({"label": ["creator=baton"]}))
        code, body = cls.engine.request("GET", f"/v1.41/containers/json?all=1&filters={filters}")
        assert code == 200, body
        return json.loads(body)

    def test_the_worker_runs_its_job_on_a_container_it_starts_and_removes(self):
        self.assertEqual(self.containers(), [])
        headers, _ = self.gw.headers("text-to-speech", "espeak-ng")
        body = json.dumps({"model_id": "espeak-ng", "text": "A container of the worker."}).encode()
        start = time.monotonic()
        code, data = ai_test.post(self.node.port, "/text-to-speech", body, "application/json",
                                  headers, timeout=120)
        cold = time.monotonic() - start
        self.assertEqual(code, 200, data[:500].decode(errors="replace") + "\n" +
                         self.worker.read_log()[-3000:])
        status, _, wav = ai_test.get(json.loads(data)["audio"]["url"])
        self.assertEqual(status, 200)
        self.assertGreater(ai_worker_test.wav_seconds(wav), 0.5)
        running = [c for c in self.containers() if c["State"] == "running"]
        self.assertEqual(len(running), 1, running)
        self.assertEqual(running[0]["Labels"].get("creator_id"),
                         f"aiworker-127.0.0.1:{self.worker.cli_port}")
        print(f"\ntext-to-speech on the worker's cold container: {cold:.2f} s", file=sys.stderr)
        self.worker.stop()
        self.assertEqual(self.worker.proc.returncode, 0, self.worker.read_log()[-3000:])
        self.assertEqual(self.containers(), [])


def main():
    global ARGS
    if shutil.which("podman") is None or os.geteuid() != 0:
        print("podman or root missing: skipped")
        sys.exit(77)
    p = argparse.ArgumentParser()
    p.add_argument("--baton", required=True)
    p.add_argument("--runner", required=True)
    p.add_argument("--pydir", required=True)
    p.add_argument("--source", required=True)
    ARGS, rest = p.parse_known_args()
    ai_test.ARGS = payment_test.ARGS = segment_test.ARGS = ai_worker_test.ARGS = ARGS
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
