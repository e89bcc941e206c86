"""Hygiene of the real node (issue 8, item 6): what it creates is private to its user whatever
the umask it was started with, and the version it advertises lets a go-livepeer gateway that
asks for the current go-livepeer release (-orchMinLivepeerVersion) select it, while -version
and /status still name Baton's own version.

The version check is done the way go-livepeer's gateway does it (Masterminds semver with the
pre-release dropped; core/capabilities.go LivepeerVersionCompatibleWith), re-implemented here
in a few lines of Python; GetOrchestrator goes over python3-grpcio.
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, parse_args  # noqa: E402

ARGS = None
CURRENT_GO_LIVEPEER_RELEASE = "0.9.2"

SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def gateway_accepts(orch_version, min_version):
    """go-livepeer's LivepeerVersionCompatibleWith: unparsable orch version fails; pre-release
    and build metadata are ignored."""
    if orch_version in ("", "undefined"):
        return False
    have, want = SEMVER.match(orch_version), SEMVER.match(min_version)
    if want is None:
        return True
    if have is None:
        return False
    return tuple(map(int, have.groups()[:3])) >= tuple(map(int, want.groups()[:3]))


class HygieneTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, ARGS.pydir)
        import lp_rpc_pb2
        cls.pb = lp_rpc_pb2
        cls.parent = tempfile.mkdtemp(prefix="baton-hygiene-")
        os.chmod(cls.parent, 0o755)
        cls.node = BatonProcess(ARGS.baton)
        # A data dir the node must create itself, under the most permissive umask.
        cls.data_dir = os.path.join(cls.parent, "lpData")
        cls.node.args = [a for a in cls.node.args if not a.startswith("-dataDir=")]
        cls.node.args.append(f"-dataDir={cls.data_dir}")
        old = os.umask(0)
        try:
            cls.node.start()
        finally:
            os.umask(old)
        cls.channel = cls.node.grpc_channel()

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.node.stop()
        shutil.rmtree(cls.parent, ignore_errors=True)

    def test_files_the_node_creates_are_private(self):
        self.assertEqual(stat.S_IMODE(os.stat(self.data_dir).st_mode), 0o700)
        for name in ("cert.pem", "key.pem"):
            st = os.lstat(os.path.join(self.data_dir, name))
            self.assertTrue(stat.S_ISREG(st.st_mode), name)
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600, name)
        # Everything else it made there, too (databases, their journals, folders).
        for root, dirs, files in os.walk(self.data_dir):
            for d in dirs:
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode), 0o700, d)
            for f in files:
                self.assertEqual(stat.S_IMODE(os.lstat(os.path.join(root, f)).st_mode) & 0o077,
                                 0, f)

    def test_advertised_version_passes_a_gateway_asking_for_the_current_release(self):
        get = self.channel.unary_unary("/net.Orchestrator/GetOrchestrator",
                                       request_serializer=lambda m: m.SerializeToString(),
                                       response_deserializer=self.pb.OrchestratorInfo.FromString)
        info = get(self.pb.OrchestratorRequest(address=b"\x01" * 20), timeout=10)
        version = info.capabilities.version
        _, status = self.node.cli_get("/status")
        baton_version = json.loads(status)["Version"]
        self.assertEqual(version, f"{CURRENT_GO_LIVEPEER_RELEASE}+baton.{baton_version}")
        for wanted in (CURRENT_GO_LIVEPEER_RELEASE, "v" + CURRENT_GO_LIVEPEER_RELEASE,
                       "0.9.2-ai.1", "0.8.10"):
            self.assertTrue(gateway_accepts(version, wanted), wanted)
        self.assertFalse(gateway_accepts(version, "0.9.3"))
        # Baton's own version is not what the gateway filters on: it would be refused.
        self.assertFalse(gateway_accepts(baton_version, CURRENT_GO_LIVEPEER_RELEASE))

    def test_status_and_version_flag_name_batons_own_version(self):
        _, status = self.node.cli_get("/status")
        status = json.loads(status)
        self.assertEqual(status["LivepeerCompatibleVersion"], CURRENT_GO_LIVEPEER_RELEASE)
        out = subprocess.run([ARGS.baton, "-version"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertTrue(out.stdout.startswith(f"Baton version {status['Version']} "), out.stdout)
        self.assertIn(f"go-livepeer {CURRENT_GO_LIVEPEER_RELEASE} compatible", out.stdout)


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "pydir", source=None)
    unittest.main(argv=argv, verbosity=2)
