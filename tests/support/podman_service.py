#!/usr/bin/env python3
"""A real Docker-compatible container engine for tests: podman's API service in a temp folder.

Configured as ../shared/docs/ENVIRONMENT.md says works on these machines (root, runc, cgroupfs,
no default ulimits: scripts/containers-conf). Use it as a wrapper around a test command:

    podman_service.py [--image NAME --binary PATH] -- COMMAND ARGS...

which starts the service, optionally builds image NAME from one static binary (run as
/runner), runs COMMAND with DOCKER_HOST=unix://<dir>/podman.sock (and BATON_TEST_RUNNER_IMAGE=
NAME), stops the service and exits with COMMAND's status. Or from Python:

    with PodmanService() as engine:
        engine.import_binary_image("/path/to/runner", "localhost/x:test")
        ... engine.docker_host ...

Images live in podman's normal store (/var/lib/containers), so they survive between runs and
are shared with other test runs; containers are the tests' own business (the pool labels and
removes its own).
"""
import argparse
import hashlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")


def containers_conf_env(folder):
    """os.environ with CONTAINERS_CONF naming the containers.conf that scripts/containers-conf
    (the one writer of it, shared with the scripts) writes in `folder`."""
    conf = subprocess.run([os.path.join(SCRIPTS, "containers-conf"),
                           os.path.join(folder, "containers.conf")],
                          check=True, capture_output=True, text=True).stdout.strip()
    return dict(os.environ, CONTAINERS_CONF=conf)


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=5):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class PodmanService:
    def __init__(self):
        self.dir = None
        self.process = None
        self.socket_path = None
        self.env = None

    @property
    def docker_host(self):
        return "unix://" + self.socket_path

    def start(self, timeout=30):
        if shutil.which("podman") is None:
            raise RuntimeError("podman is not installed (scripts/setup installs podman and runc)")
        self.dir = tempfile.mkdtemp(prefix="baton-podman-")
        self.env = containers_conf_env(self.dir)
        self.socket_path = os.path.join(self.dir, "podman.sock")
        self.log = open(os.path.join(self.dir, "service.log"), "w")
        self.process = subprocess.Popen(
            ["podman", "--runtime", "runc", "system", "service", "--time=0",
             "unix://" + self.socket_path],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("podman system service exited: " + self.service_log())
            try:
                status, _ = self.request("GET", "/v1.41/version")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("podman system service did not answer within %d s" % timeout)

    def request(self, method, path, body=None):
        conn = _UnixConnection(self.socket_path)
        try:
            conn.request(method, path, body=body,
                         headers={"Content-Type": "application/json"} if body else {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def service_log(self):
        try:
            with open(os.path.join(self.dir, "service.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def podman(self, *args, check=True):
        return subprocess.run(["podman", "--runtime", "runc", *args], env=self.env, check=check,
                              capture_output=True, text=True)

    def import_binary_image(self, binary, name):
        """Builds image `name` holding only `binary` (static) as /runner, its command. An image
        of that name built from the same binary (its digest is a label) is kept as it is."""
        with open(binary, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        have = self.podman("image", "inspect", "--format", "{{.Labels.baton_binary_sha256}}",
                           name, check=False)
        if have.returncode == 0 and have.stdout.strip() == digest:
            return
        tar_path = os.path.join(self.dir, "rootfs.tar")
        with tarfile.open(tar_path, "w") as tar:
            info = tar.gettarinfo(binary, arcname="runner")
            info.mode = 0o755
            info.uid = info.gid = 0
            with open(binary, "rb") as f:
                tar.addfile(info, f)
            tmp = tarfile.TarInfo("tmp")
            tmp.type = tarfile.DIRTYPE
            tmp.mode = 0o1777
            tar.addfile(tmp)
        self.podman("import", "--change", 'CMD ["/runner"]', "--change",
                    "LABEL baton_binary_sha256=" + digest, tar_path, name)
        os.unlink(tar_path)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self.dir:
            self.log.close()
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--image", help="image name to build from --binary")
    parser.add_argument("--binary", help="a static binary, the image's /runner")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    engine = PodmanService()
    try:
        engine.start()
        env = dict(os.environ, DOCKER_HOST=engine.docker_host)
        if args.image and args.binary:
            engine.import_binary_image(args.binary, args.image)
            env["BATON_TEST_RUNNER_IMAGE"] = args.image
        started = time.monotonic()
        code = subprocess.call(command, env=env)
        print("podman_service: command exited %d after %.1f s" % (code, time.monotonic() -
                                                                 started))
        if code != 0:
            print("podman service log (tail):\n" + engine.service_log())
        return code
    finally:
        engine.stop()


if __name__ == "__main__":
    sys.exit(main())
