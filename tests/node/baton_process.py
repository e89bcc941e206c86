"""The shared harness of the Python end-to-end tests: real `baton` processes on free ports with a
temp data dir and a log, polling with a deadline, the node's operator port (status, metrics, the
ticket ledger), the devnet, a tmux terminal, and the tests' command line.

Every Python test (tests/node, tests/onchain, tests/ai, tests/runner) imports it from here, so
how a node is started, waited for and stopped is written once. A process object owns its data
dir when it made it (removed at stop) and its log file; nothing here is shared between threads.
"""
import argparse
import glob
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))


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


def poll(predicate, timeout, interval=0.1, between=None, ignore=()):
    """Calls `predicate` until it returns something true, which is returned; None once `timeout`
    seconds have passed. `between` runs after each miss (mine a block, say); an exception of a
    type in `ignore` counts as a miss (a port not listening yet)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
            if value:
                return value
        except ignore:
            pass
        if time.monotonic() >= deadline:
            return None
        if between is not None:
            between()
        time.sleep(interval)


def wait_for(predicate, timeout=20, what="condition", interval=0.1, ignore=()):
    """poll(), failing the test (AssertionError naming `what`) at the deadline."""
    value = poll(predicate, timeout, interval, ignore=ignore)
    if not value:
        raise AssertionError("timed out waiting for " + what)
    return value


def http_get(url, timeout=5):
    """(status, body text) of a GET; an HTTP error status raises urllib.error.HTTPError."""
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode()


def parse_args(*required, **optional):
    """The test's own options from sys.argv: each name in `required` a required --NAME, each
    keyword an optional --NAME with that default (a bool is a switch, an int is typed).
    Returns (args, the argv for unittest.main with what was not ours)."""
    parser = argparse.ArgumentParser()
    for name in required:
        parser.add_argument("--" + name, required=True)
    for name, default in optional.items():
        if isinstance(default, bool):
            parser.add_argument("--" + name, action="store_true", default=default)
        else:
            parser.add_argument("--" + name, default=default,
                                type=type(default) if default is not None else None)
    args, rest = parser.parse_known_args()
    return args, [sys.argv[0]] + rest


def unary(channel, method, response_type):
    """A unary gRPC method of `channel` taking any protobuf message."""
    return channel.unary_unary(method, request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_type.FromString)


class LoggedProcess:
    """A process writing to a log file in a data dir: the dir is a new temp one (removed at
    stop) unless `data_dir` is given (the caller's, kept). Subclasses set self.args."""

    def __init__(self, data_dir=None, prefix="baton-test-", log_path=None, log_name="baton.log"):
        self.owns_data_dir = data_dir is None
        self.data_dir = tempfile.mkdtemp(prefix=prefix) if data_dir is None else data_dir
        self.log_path = log_path or os.path.join(self.data_dir, log_name)
        self.args = []
        self.env = None
        self.proc = None
        self.log = None

    def launch(self):
        """Starts the process without waiting for anything. The log is appended to, so what a
        restarted process wrote before stays readable."""
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.log = open(self.log_path, "a")  # noqa: SIM115 (closed at stop)
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env)
        return self

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def log_tail(self, chars=3000):
        try:
            return self.read_log()[-chars:]
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=10, must_exit=False):
        """Sends `sig` and waits; a process still running after `timeout` is killed, and with
        `must_exit` that is an AssertionError (a node that does not shut down is a failure)."""
        hung = False
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                hung = True
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
        if self.owns_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        if hung and must_exit:
            raise AssertionError(f"{self.args[0]} did not exit within {timeout} s of {sig!r}")

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, *exc):
        # The log is in the data dir that stop() removes: show it while it is there.
        if exc_type is not None:
            print(f"--- {self.log_path} (tail) ---\n{self.log_tail()}", file=sys.stderr)
        self.stop()


class BatonProcess(LoggedProcess):
    """A `baton -orchestrator [-transcoder]` on free service and operator ports."""

    def __init__(self, binary, extra_args=(), service_host="localhost", cleartext=False,
                 transcoder=True, data_dir=None, log_path=None):
        super().__init__(data_dir=data_dir, log_path=log_path)
        self.binary = binary
        self.port = free_port()
        self.cli_port = free_port()
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

    def ready(self):
        """Raises OSError until the node serves: its operator port answers /status and its
        service port accepts connections. A subclass may check otherwise."""
        urllib.request.urlopen(f"http://127.0.0.1:{self.cli_port}/status", timeout=1).read()
        with socket.create_connection(("127.0.0.1", self.port), timeout=1):
            pass

    def start(self, timeout=20):
        """Launches the node and waits until ready(). If it exits or is not ready in time, it
        is stopped and the error carries its log."""
        self.launch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.failed_start(f"baton exited with {self.proc.returncode}")
            try:
                self.ready()
                self.ready_after = time.monotonic() - self.started_at
                return self
            except OSError:
                time.sleep(0.05)
        self.failed_start("baton did not start in time")

    def failed_start(self, why):
        log = self.read_log()
        self.stop()
        raise RuntimeError(f"{why}:\n{log}")

    def wait_cookie(self, timeout=30):
        """The path of the operator token file, once the node has written it (with -cliAuth the
        operator port needs it, so start() cannot wait for /status: use launch() and this)."""
        cookie = os.path.join(self.data_dir, "operator.cookie")
        wait_for(lambda: os.path.exists(cookie), timeout, what=cookie)
        return cookie

    def server_cert(self):
        """The certificate the node presents, fetched without verifying it (as gateways do)."""
        return ssl.get_server_certificate(("127.0.0.1", self.port)).encode()

    def grpc_channel(self):
        """A gRPC channel to the service port that trusts the node's own certificate."""
        import grpc
        creds = grpc.ssl_channel_credentials(root_certificates=self.server_cert())
        return grpc.secure_channel(f"localhost:{self.port}", creds)

    def cli_get(self, path, timeout=30):
        """(status, body text) of a GET on the operator port."""
        return http_get(f"http://127.0.0.1:{self.cli_port}{path}", timeout)

    def cli_json(self, path, timeout=30):
        return json.loads(self.cli_get(path, timeout)[1])

    def status(self):
        return self.cli_json("/status")

    def tickets(self):
        """The ticket ledger as the operator port lists it (counts, face values, tickets)."""
        return self.cli_json("/tickets")

    def ledger_path(self):
        """The ledger's SQLite file in the data dir."""
        return glob.glob(os.path.join(self.data_dir, "**", "lpdb.sqlite3"), recursive=True)[0]

    def metric(self, name):
        """The sum of the samples of series `name` in /metrics (0.0 when it has none)."""
        return metric_sum(self.cli_get("/metrics")[1], name)


def metric_sum(text, name):
    """The sum of the samples of series `name` in Prometheus text `text`."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
    return total


class Devnet:
    """A devnet (anvil + our Livepeer-compatible contracts, scripts/devnet) in `tmp`/devnet,
    on a port anvil picks itself so parallel devnets cannot collide. The chain is read and
    driven with scripts/devnet-lib/chain.js (ethers), never with Baton's code."""

    def __init__(self, source, tmp):
        self.source = source
        self.env = dict(os.environ, NODE_PATH=os.path.join(source, "tools", "node_modules"))
        self.dir = os.path.join(tmp, "devnet")

    def start(self, round_length=200):
        out = subprocess.run([os.path.join(self.source, "scripts", "devnet"), "start", "--port",
                              "0", "--state-dir", self.dir, "--round-length", str(round_length)],
                             capture_output=True, text=True, env=self.env, timeout=120)
        if out.returncode != 0:
            raise RuntimeError("devnet: " + out.stderr)
        self.controller = out.stdout.strip().splitlines()[-1]
        with open(os.path.join(self.dir, "devnet.json")) as f:
            self.rpc_url = json.load(f)["rpcUrl"]
        return self

    def stop(self):
        subprocess.run([os.path.join(self.source, "scripts", "devnet"), "stop", "--state-dir",
                        self.dir], capture_output=True, env=self.env)

    def chain(self, *args):
        """chain.js's answer: parsed JSON, or its text."""
        out = subprocess.run(["node", os.path.join(self.source, "scripts/devnet-lib/chain.js"),
                              "--state-dir", self.dir, *args],
                             capture_output=True, text=True, env=self.env, check=True)
        return json.loads(out.stdout) if out.stdout.strip().startswith(("{", "[")) else out.stdout

    def write_keystore(self, key, node_dir, password="pw"):
        """`key` as an encrypted keystore in node_dir/keystore; returns the node's flags for
        this devnet with that account."""
        keystore = os.path.join(node_dir, "keystore")
        subprocess.run(["node", os.path.join(self.source, "scripts/devnet-lib/keystore.js"), key,
                        password, keystore], check=True, env=self.env, capture_output=True)
        return ["-network", "devnet", "-ethUrl", self.rpc_url, "-ethController",
                self.controller, "-ethKeystorePath", keystore, "-ethPassword", password]


def start_devnet(test_cls, source, prefix):
    """A devnet for a test class: test_cls.tmp (a new temp dir holding it), test_cls.devnet
    (started) and test_cls.env (the environment the devnet's node tools need)."""
    test_cls.tmp = tempfile.mkdtemp(prefix=prefix)
    test_cls.devnet = Devnet(source, test_cls.tmp).start()
    test_cls.env = test_cls.devnet.env
    return test_cls.devnet


def stop_devnet(test_cls, *stops):
    """Calls each of `stops` (a node's stop, say), then stops the class's devnet and removes its
    temp dir. Each runs even when one before it raises; the first failure is raised after."""
    error = None
    for stop in stops:
        try:
            stop()
        except Exception as e:  # noqa: BLE001 (raised below, once everything is stopped)
            error = error or e
    test_cls.devnet.stop()
    shutil.rmtree(test_cls.tmp, ignore_errors=True)
    if error is not None:
        raise error


class Tmux:
    """A command in a detached tmux terminal that a test reads and types into, as a person."""

    def __init__(self, name, command):
        self.name = name
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "200", "-y", "60",
                        command], check=True)

    def screen(self):
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name, "-S", "-3000"],
                              capture_output=True, text=True).stdout

    def type(self, keys):
        subprocess.run(["tmux", "send-keys", "-t", self.name, keys, "Enter"], check=True)

    def wait_for(self, *texts, count=1, timeout=30, interval=0.1):
        """The first of `texts` on the screen `count` times or more, and the screen."""
        def found():
            s = self.screen()
            return next(((t, s) for t in texts if s.count(t) >= count), None)
        got = poll(found, timeout, interval)
        if got is None:
            raise AssertionError(f"none of {texts} (x{count}) appeared; screen:\n"
                                 f"{self.screen()[-3000:]}")
        return got

    def kill(self):
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
