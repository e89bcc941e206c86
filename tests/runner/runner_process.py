"""Start and stop a real `baton-runner` process for end-to-end tests (free port, env config)."""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "node"))
from baton_process import free_port, http_get, poll  # noqa: E402


def health(url):
    """The runner's /health answer at `url`, parsed; OSError while nothing listens there."""
    return json.loads(http_get(url + "/health", 1)[1])


class RunnerProcess:
    def __init__(self, binary, pipeline, model_id="", auth_token="", extra_env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PIPELINE=pipeline, MODEL_ID=model_id, PORT=str(self.port))
        env.pop("AUTH_TOKEN", None)
        if auth_token:
            env["AUTH_TOKEN"] = auth_token
        env.update(extra_env or {})
        self.proc = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        answer = poll(lambda: self.proc.poll() is not None or health(self.url), 30,
                      ignore=OSError)
        if self.proc.poll() is not None:
            raise RuntimeError(f"baton-runner exited: {self.stop()}")
        if answer is None:
            self.stop()
            raise RuntimeError("baton-runner did not answer /health within 30 s")
        assert answer == {"status": "OK"}, answer

    def stop(self):
        """Stops the runner (SIGTERM) and returns its log."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout.closed:
            return ""
        log = self.proc.stdout.read()
        self.proc.stdout.close()
        return log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def post_json(url, body, headers=None):
    """POST a JSON body; returns (status, parsed JSON body, headers)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw), e.headers
        except ValueError:
            return e.code, raw.decode(errors="replace"), e.headers


def curl_form(url, fields, headers=()):
    """POST multipart/form-data with curl (-F name=value, -F name=@file); returns (status, JSON)."""
    args = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", url]
    for field in fields:
        args += ["-F", field]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(args, check=True, capture_output=True, timeout=300).stdout.decode()
    body, _, status = out.rpartition("\n")
    try:
        return int(status), json.loads(body)
    except ValueError:
        return int(status), body


def data_url_bytes(url, mime):
    import base64
    prefix = f"data:{mime};base64,"
    assert url.startswith(prefix), url[:60]
    return base64.b64decode(url[len(prefix):])
