"""scripts/runner-image builds a container image of baton-runner from this machine's files, and
the image runs under a real container engine (podman with runc, as ../shared ENVIRONMENT notes
describe: cgroupfs, no default ulimits) like the AI Runner image: PIPELINE and PORT in the
container's environment, /health answers, text-to-speech returns a WAV. The image gets a tag of
its own and is removed afterwards. Prints the image's size. Skipped (77) without podman or root.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "node"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from baton_process import free_port, parse_args, poll  # noqa: E402
from podman_service import containers_conf_env  # noqa: E402
from runner_process import data_url_bytes, health, post_json  # noqa: E402

ARGS = None


class RunnerImage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="runner-image-")
        cls.env = containers_conf_env(cls.tmp)
        cls.tag = f"localhost/baton-runner:test-{os.getpid()}"

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["podman", "rmi", "-f", cls.tag], env=cls.env, capture_output=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def podman(self, *args, check=True):
        return subprocess.run(["podman", "--runtime", "runc", *args], env=self.env, check=check,
                              capture_output=True, text=True, timeout=120)

    def test_image_builds_and_serves_text_to_speech(self):
        started = time.monotonic()
        build = subprocess.run([os.path.join(ARGS.source, "scripts", "runner-image"), "--binary",
                                ARGS.runner, "--tag", self.tag], env=self.env,
                               capture_output=True, text=True, timeout=600)
        self.assertEqual(build.returncode, 0, build.stdout + build.stderr)
        print(build.stdout.strip().splitlines()[-1],
              f"in {time.monotonic() - started:.1f} s")
        port = free_port()
        name = f"baton-runner-test-{os.getpid()}"
        self.podman("run", "-d", "--rm", "--name", name, "--network=host", "-e",
                    "PIPELINE=text-to-speech", "-e", "MODEL_ID=espeak-ng", "-e", f"PORT={port}",
                    self.tag)
        try:
            url = f"http://127.0.0.1:{port}"
            answer = poll(lambda: health(url), 30, interval=0.2, ignore=OSError)
            if answer is None:
                self.fail("no /health from the container: " +
                          self.podman("logs", name, check=False).stdout)
            self.assertEqual(answer, {"status": "OK"})
            status, body, _ = post_json(url + "/text-to-speech", {"text": "Hello from podman."})
            self.assertEqual(status, 200, body)
            self.assertEqual(data_url_bytes(body["audio"]["url"], "audio/wav")[:4], b"RIFF")
        finally:
            self.podman("stop", "-t", "5", name, check=False)


if __name__ == "__main__":
    ARGS, argv = parse_args("runner", "source")
    if shutil.which("podman") is None or os.geteuid() != 0:
        print("podman or root missing: skipped")
        sys.exit(77)
    unittest.main(argv=argv, verbosity=2)
