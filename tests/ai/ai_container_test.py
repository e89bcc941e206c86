#!/usr/bin/env python3
"""AI runner containers the node manages, end to end (doc/ai.md 4), on a real container engine.

podman's Docker-compatible API service (tests/support/podman_service.py) runs baton-runner's
image, built by scripts/runner-image from this machine's files. A node with an account serves
text-to-speech with espeak-ng as a cold managed model (no url), and a gateway-style client
(tests/ai/ai_test.py's Gateway: GetOrchestrator, tickets, signed SegData) pays each request.

Checked, in order: no container before the first request; the first request starts one and
answers a real WAV; the next request reuses that container; a container killed behind the
node's back is replaced and the request that found it dead still succeeds; shutdown removes
every container the node started.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "node"))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
import ai_test  # noqa: E402  (the gateway-style client)
import payment_test  # noqa: E402
from baton_process import BatonProcess, parse_args  # noqa: E402
from podman_service import PodmanService  # noqa: E402

ARGS = None
IMAGE = "localhost/baton-runner:test"


class ManagedRunnerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ai_test.use_gateway_helpers(cls)
        cls.engine = PodmanService().start()
        out = subprocess.run([os.path.join(ARGS.source, "scripts", "runner-image"), "--binary",
                              ARGS.runner, "--tag", IMAGE], capture_output=True, text=True,
                             env=cls.engine.env)
        if out.returncode != 0:
            cls.engine.stop()
            raise RuntimeError("runner-image: " + out.stdout[-2000:] + out.stderr[-2000:])
        cls.tmp = tempfile.mkdtemp(prefix="baton-ai-containers-")
        models = os.path.join(cls.tmp, "models.json")
        with open(models, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "espeak-ng",
                        "price_per_unit": 1, "pixels_per_unit": 1000}], f)
        os.environ["DOCKER_HOST"] = cls.engine.docker_host
        cls.node = BatonProcess(ARGS.baton, [
            "-ethPassword=test-password", "-pricePerUnit=1000", "-autoAdjustPrice=false",
            "-aiWorker", f"-aiModels={models}", "-aiRequestTimeout=60s",
            "-aiRunnerImageOverrides=" + json.dumps({"batch": {"text-to-speech": IMAGE}})])
        cls.node.start()
        cls.gw = ai_test.Gateway(cls, cls.node)

    @classmethod
    def tearDownClass(cls):
        if cls.node.proc and cls.node.proc.poll() is None:
            cls.node.stop()
        for c in cls.containers():
            cls.engine.request("DELETE", f"/v1.41/containers/{c['Id']}?force=1")
        cls.engine.stop()
        os.environ.pop("DOCKER_HOST", None)

    @classmethod
    def containers(cls):
        """This node's runner containers, running or not, as the engine lists them."""
        filters = urllib.parse.quote(json.dumps({"label": ["creator=baton"]}))
        code, body = cls.engine.request("GET", f"/v1.41/containers/json?all=1&filters={filters}")
        assert code == 200, body
        uri = f"https://localhost:{cls.node.port}"
        return [c for c in json.loads(body) if c.get("Labels", {}).get("creator_id") == uri]

    def speak(self, text):
        headers, _ = self.gw.headers("text-to-speech", "espeak-ng")
        body = json.dumps({"model_id": "espeak-ng", "text": text}).encode()
        started = time.monotonic()
        code, data = ai_test.post(self.node.port, "/text-to-speech", body, "application/json",
                                  headers, timeout=90)
        elapsed = time.monotonic() - started
        self.assertEqual(code, 200, data[:500].decode(errors="replace") + "\n" +
                         self.node.read_log()[-3000:])
        url = json.loads(data)["audio"]["url"]
        status, ctype, wav = ai_test.get(url)
        self.assertEqual(status, 200)
        self.assertEqual(wav[:4], b"RIFF")
        self.assertEqual(wav[8:12], b"WAVE")
        self.assertGreater(len(wav), 10000)  # a second of speech or more
        return elapsed

    def running(self):
        return [c for c in self.containers() if c["State"] == "running"]

    def test_managed_runner_lifecycle(self):
        # Cold: nothing runs before the first request.
        self.assertEqual(self.containers(), [])
        cold = self.speak("The first request starts the runner container.")
        first = self.running()
        self.assertEqual(len(first), 1, first)
        warm = self.speak("The second request reuses it.")
        self.assertEqual([c["Id"] for c in self.running()], [first[0]["Id"]])
        print(f"text-to-speech through a managed container: cold {cold:.2f} s, warm {warm:.3f} s",
              file=sys.stderr)

        # Killed behind the node's back: the next request still succeeds, on a new container.
        code, body = self.engine.request("POST", f"/v1.41/containers/{first[0]['Id']}/kill")
        self.assertIn(code, (204, 200), body)
        self.speak("A killed runner is replaced.")
        now = self.running()
        self.assertEqual(len(now), 1, now)
        self.assertNotEqual(now[0]["Id"], first[0]["Id"])

        # Shutdown removes every container the node started.
        self.node.stop()
        self.assertEqual(self.containers(), [])


def main():
    global ARGS
    if shutil.which("podman") is None or os.geteuid() != 0:
        print("podman or root missing: skipped")
        sys.exit(77)
    ARGS, argv = parse_args("baton", "runner", "pydir", "source")
    ai_test.ARGS = payment_test.ARGS = ARGS
    unittest.main(argv=argv, verbosity=2)


if __name__ == "__main__":
    main()
