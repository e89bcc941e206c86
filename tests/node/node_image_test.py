"""The node's container image (scripts/node-image), built from this machine's own files and run
with podman (runc, cgroupfs: doc of the host's podman set-up in scripts/node-image): it starts
with go-livepeer's flags, answers GET /status on its operator port, and transcodes a stream a
real baton-gateway sends it (FFmpeg's libraries made it into the image)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from baton_process import free_port, http_get, parse_args, poll  # noqa: E402
from podman_service import containers_conf_env  # noqa: E402

ARGS = None


class NodeImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="baton-node-image-")
        cls.env = containers_conf_env(cls.tmp)
        cls.tag = f"localhost/baton-test:{os.getpid()}"
        cls.name = f"baton-test-{os.getpid()}"
        started = time.monotonic()
        r = subprocess.run([os.path.join(ARGS.source, "scripts/node-image"), "--binary",
                            ARGS.baton, "--tag", cls.tag], capture_output=True, text=True,
                           timeout=600, env=cls.env)
        if r.returncode != 0:
            raise RuntimeError("scripts/node-image failed:\n" + r.stdout + r.stderr)
        cls.build_s = time.monotonic() - started
        cls.build_out = r.stdout

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["podman", "rm", "-f", cls.name], capture_output=True, env=cls.env)
        subprocess.run(["podman", "rmi", "-f", cls.tag], capture_output=True, env=cls.env)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def podman(self, *args, **kw):
        return subprocess.run(["podman", "--runtime", "runc", *args], capture_output=True,
                              text=True, env=self.env, **kw)

    def test_image_runs_the_node(self):
        port, cli_port = free_port(), free_port()
        r = self.podman("run", "-d", "--name", self.name, "--network=host", self.tag,
                        "-orchestrator", "-transcoder", "-network", "offchain",
                        f"-serviceAddr=127.0.0.1:{port}", f"-cliAddr=127.0.0.1:{cli_port}",
                        timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        status = poll(lambda: json.loads(http_get(f"http://127.0.0.1:{cli_port}/status", 2)[1]),
                      60, interval=0.2, ignore=OSError)
        logs = self.podman("logs", self.name).stderr
        self.assertIsNotNone(status, "no /status from the container:\n" + logs)
        self.assertEqual(status["Network"], "offchain")
        self.assertTrue(status["LocalTranscoding"])
        g = subprocess.run([ARGS.gateway, "-orchAddr", f"127.0.0.1:{port}", "-testPattern",
                            "-duration", "4", "-testPatternSize", "426x240",
                            "-transcodingOptions", "P144p30fps16x9", "-json"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(g.returncode, 0, g.stdout[-2000:] + g.stderr[-2000:] + logs)
        summary = json.loads(g.stdout.strip().splitlines()[-1])
        self.assertEqual(summary["ok"], summary["segments"])
        size = self.podman("image", "inspect", "--format", "{{.Size}}", self.tag).stdout.strip()
        print(f"node image: built in {self.build_s:.1f} s, {int(size) // 2**20} MiB; "
              f"{summary['ok']} segments transcoded in the container", file=sys.stderr)
        r = self.podman("stop", "-t", "10", self.name, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway", "source")
    unittest.main(argv=argv)
