"""Start and stop a real `baton` process for end-to-end tests (free ports, temp data dir)."""
import os
import random
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    """A port that is free now, chosen below the kernel's ephemeral range (32768 and up).

    A port from bind(0) comes from that range, where any outgoing connection (to anvil, to
    another test's node) may take it before the node binds it; CI saw exactly that.
    """
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found in 20000-32767")


class BatonProcess:
    def __init__(self, binary, extra_args=(), service_host="localhost", cleartext=False,
                 transcoder=True):
        self.binary = binary
        self.port = free_port()
        self.cli_port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="baton-test-")
        self.service_host = service_host
        args = [binary, "-orchestrator"] + (["-transcoder"] if transcoder else []) + [
                f"-serviceAddr={service_host}:{self.port}",
                f"-cliAddr=127.0.0.1:{self.cli_port}", f"-dataDir={self.data_dir}"]
        if cleartext:
            args.append(f"-httpAddr=http://127.0.0.1:{self.port}")
        else:
            args.append(f"-httpAddr=127.0.0.1:{self.port}")
        # A test that is not about capacity pins it: the measured default (-maxSessions auto)
        # depends on how busy the machine is, and a loaded CI box may measure 1 session.
        if not any(a.startswith("-maxSessions") for a in extra_args):
            args.append("-maxSessions=10")
        self.args = args + list(extra_args)
        self.log_path = os.path.join(self.data_dir, "baton.log")
        self.proc = None

    def start(self, timeout=20):
        self.log = open(self.log_path, "w")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"baton exited with {self.proc.returncode}:\n{self.read_log()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.cli_port}/status", timeout=1).read()
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                self.ready_after = time.monotonic() - self.started_at
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("baton did not start in time:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def server_cert(self):
        """The certificate the node presents, fetched without verifying it (as gateways do)."""
        return ssl.get_server_certificate(("127.0.0.1", self.port)).encode()

    def cli_get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.cli_port}{path}", timeout=5) as r:
            return r.status, r.read().decode()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.proc:
            self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
