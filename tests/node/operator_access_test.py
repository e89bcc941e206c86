"""The operator port's access rules, against the real node binary (operator/access_guard.h).

A browser page must not be able to drive the operator API: a foreign Origin, a Host that is not
the API's address (DNS rebinding) or a cross-site Sec-Fetch-Site is refused with 403 before the
body is read, and nothing is done. POST parameters come from the urlencoded body, as livepeer_cli
sends them. A non-loopback bind (or -cliAuth) needs the token from <dataDir>/operator.cookie:
401 without it, 200 with it; the file is 0600, the log names it without the token, and it is
replaced at each start and removed at stop.
"""
import base64
import http.client
import json
import os
import socket
import stat
import subprocess
import sys
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, free_port, parse_args, poll  # noqa: E402

ARGS = None
FORM = "application/x-www-form-urlencoded"


def non_loopback_address():
    """One of this machine's non-loopback IPv4 addresses, or 0.0.0.0 (every interface)."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
        for addr in out.split():
            if "." in addr and not addr.startswith("127."):
                return addr
    except OSError:
        pass
    return "0.0.0.0"


def request(port, method, path, body=None, headers=None, connect="127.0.0.1"):
    """One request with exactly these headers (http.client adds Host only when not given)."""
    conn = http.client.HTTPConnection(connect, port, timeout=10)
    headers = dict(headers or {})
    skip_host = "Host" in headers
    conn.putrequest(method, path, skip_host=skip_host, skip_accept_encoding=True)
    if skip_host:
        conn.putheader("Host", headers.pop("Host"))
    if body is not None:
        headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders(body.encode() if body is not None else None)
    resp = conn.getresponse()
    status, text = resp.status, resp.read().decode()
    conn.close()
    return status, text


def wait_for(path):
    """The node writes its cookie just after its operator port listens (so that a failed
    second start on the same dataDir never replaces a running node's cookie)."""
    poll(lambda: os.path.exists(path), 5, interval=0.05)


class Node(BatonProcess):
    """Ready once the operator port answers at all (a 401 counts: it needs a token)."""

    def ready(self):
        request(self.cli_port, "GET", "/status",
                headers={"Host": f"{self.cli_host}:{self.cli_port}"}, connect=self.connect)


def make_node(cli_host=None, extra=()):
    node = Node(ARGS.baton, extra_args=list(extra), cleartext=True)
    node.cli_host = cli_host or "127.0.0.1"
    node.connect = "127.0.0.1" if node.cli_host == "0.0.0.0" else node.cli_host
    node.args = [a for a in node.args if not a.startswith("-cliAddr=")]
    node.args.append(f"-cliAddr={node.cli_host}:{node.cli_port}")
    return node


class LoopbackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.node = make_node().start()
        cls.host = f"127.0.0.1:{cls.node.cli_port}"

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()

    def call(self, method, path, body=None, **headers):
        headers.setdefault("Host", self.host)
        if body is not None:
            headers.setdefault("Content-Type", FORM)
        return request(self.node.cli_port, method, path, body, headers)

    def max_sessions(self):
        status, text = self.call("GET", "/status")
        self.assertEqual(status, 200, text)
        return json.loads(text)["MaxSessions"]

    def test_tools_without_origin_pass_and_no_cookie_is_written(self):
        # livepeer_cli's Host is localhost:7935; urllib and curl send the address they dialled.
        for host in (self.host, f"localhost:{self.node.cli_port}", f"[::1]:{self.node.cli_port}"):
            self.assertEqual(self.call("GET", "/status", Host=host)[0], 200, host)
        self.assertEqual(self.node.cli_get("/status")[0], 200)
        self.assertFalse(os.path.exists(os.path.join(self.node.data_dir, "operator.cookie")))

    def test_form_body_sets_max_sessions_and_query_does_not(self):
        before = self.max_sessions()
        status, text = self.call("POST", "/setMaxSessions", "maxSessions=7")
        self.assertEqual((status, text), (200, "Max sessions set to 7\n"))
        self.assertEqual(self.max_sessions(), 7)
        # As livepeer_cli sends it: urllib's default form content type.
        data = urllib.parse.urlencode({"maxSessions": 9}).encode()
        with urllib.request.urlopen(f"http://{self.host}/setMaxSessions", data=data) as r:
            self.assertEqual(r.read().decode(), "Max sessions set to 9\n")
        self.assertEqual(self.max_sessions(), 9)
        # A POST's query string is not read.
        status, text = self.call("POST", "/setMaxSessions?maxSessions=3", "")
        self.assertEqual(status, 400, text)
        self.assertIn("missing form param: maxSessions", text)
        self.assertEqual(self.max_sessions(), 9)
        self.call("POST", "/setMaxSessions", f"maxSessions={before}")

    def test_foreign_origin_is_refused_and_nothing_done(self):
        before = self.max_sessions()
        for origin in ("http://evil.example", "null", f"http://localhost:{self.node.cli_port + 1}"):
            status, text = self.call("POST", "/setMaxSessions", "maxSessions=3", Origin=origin)
            self.assertEqual(status, 403, origin)
            self.assertIn("cross-origin", text)
        self.assertEqual(self.max_sessions(), before)
        # The API's own origin (a page it served) is fine.
        status, _ = self.call("POST", "/setMaxSessions", f"maxSessions={before}",
                              Origin=f"http://{self.host}")
        self.assertEqual(status, 200)

    def test_refused_at_header_time_without_the_body(self):
        # A form POST announcing a large body: the 403 comes without the body being sent.
        with socket.create_connection(("127.0.0.1", self.node.cli_port), timeout=5) as s:
            s.sendall((f"POST /setMaxSessions HTTP/1.1\r\nHost: {self.host}\r\n"
                       f"Origin: http://evil.example\r\nContent-Type: {FORM}\r\n"
                       "Content-Length: 1000000\r\n\r\n").encode())
            answer = s.recv(4096).decode()
        self.assertTrue(answer.startswith("HTTP/1.1 403"), answer)

    def test_rebound_host_is_refused(self):
        before = self.max_sessions()
        for host in (f"evil.example:{self.node.cli_port}", "127.0.0.1", f"127.0.0.1:{self.node.cli_port + 1}"):
            status, text = self.call("POST", "/setMaxSessions", "maxSessions=3", Host=host)
            self.assertEqual(status, 403, host)
            self.assertIn("is not this API's address", text)
            self.assertEqual(self.call("GET", "/status", Host=host)[0], 403)
        self.assertEqual(self.max_sessions(), before)

    def test_a_form_body_is_bounded_at_header_time(self):
        # Forms are small: a large declared body is refused before it is sent, even to a route
        # that takes a form; a GET-only route takes no body at all.
        for path, length in (("/setMaxSessions", 1_000_000), ("/", 10)):
            with socket.create_connection(("127.0.0.1", self.node.cli_port), timeout=5) as s:
                s.sendall((f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                           f"Content-Type: {FORM}\r\nContent-Length: {length}\r\n\r\n").encode())
                answer = s.recv(4096).decode()
            self.assertTrue(answer.startswith("HTTP/1.1 413" if path != "/" else "HTTP/1.1 405"),
                            f"{path}: {answer}")

    def test_cross_site_fetch_is_refused(self):
        for site in ("cross-site", "same-site"):
            status, text = self.call("GET", "/status", **{"Sec-Fetch-Site": site})
            self.assertEqual(status, 403, text)
        self.assertEqual(self.call("GET", "/status", **{"Sec-Fetch-Site": "none"})[0], 200)


class TokenTest(unittest.TestCase):
    def check_token_node(self, cli_host, extra=()):
        node = make_node(cli_host, extra)
        try:
            node.start()
            host = f"{cli_host}:{node.cli_port}" if cli_host != "0.0.0.0" else \
                f"127.0.0.1:{node.cli_port}"
            cookie = os.path.join(node.data_dir, "operator.cookie")
            wait_for(cookie)
            mode = stat.S_IMODE(os.stat(cookie).st_mode)
            self.assertEqual(mode, 0o600, oct(mode))
            with open(cookie) as f:
                token = f.read().strip()
            self.assertEqual(len(token), 64)
            log = node.read_log()
            self.assertIn(cookie, log)
            self.assertNotIn(token, log)

            def call(method, path, body=None, **headers):
                headers.setdefault("Host", host)
                if body is not None:
                    headers.setdefault("Content-Type", FORM)
                return request(node.cli_port, method, path, body, headers, connect=node.connect)

            status, text = call("GET", "/status")
            self.assertEqual(status, 401, text)
            self.assertIn("operator.cookie", text)
            self.assertEqual(call("GET", "/status", Authorization="Bearer " + "0" * 64)[0], 401)
            self.assertEqual(call("POST", "/setMaxSessions", "maxSessions=5")[0], 401)
            status, text = call("GET", "/status", Authorization="Bearer " + token)
            self.assertEqual(status, 200, text)
            self.assertNotEqual(json.loads(text)["MaxSessions"], 5)
            basic = base64.b64encode(b"operator:" + token.encode()).decode()
            self.assertEqual(call("POST", "/setMaxSessions", "maxSessions=5",
                                  Authorization="Basic " + basic), (200, "Max sessions set to 5\n"))
            # The browser rules still hold with the token.
            self.assertEqual(call("GET", "/status", Authorization="Bearer " + token,
                                  Origin="http://evil.example")[0], 403)
            return node, cookie, token
        except BaseException:
            node.stop()
            raise

    def test_non_loopback_bind_needs_the_cookie(self):
        addr = non_loopback_address()
        node, cookie, token = self.check_token_node(addr)
        try:
            # Replaced at each start, removed at stop.
            node.proc.terminate()
            node.proc.wait(timeout=10)
            self.assertFalse(os.path.exists(cookie))
            node.log.close()
            node.start()
            wait_for(cookie)
            with open(cookie) as f:
                self.assertNotEqual(f.read().strip(), token)
        finally:
            node.stop()

    def test_cli_auth_asks_for_it_on_loopback(self):
        node, _, _ = self.check_token_node("127.0.0.1", ["-cliAuth"])
        node.stop()


class StandaloneTranscoderTest(unittest.TestCase):
    """`baton -transcoder -orchAddr` has its own operator port (/status, /metrics): the same
    rules. Its orchestrator need not exist: the port serves while the client retries."""

    def start(self, cli_host, extra=()):
        import tempfile
        data_dir = tempfile.mkdtemp(prefix="baton-test-")
        port = free_port()
        args = [ARGS.baton, "-transcoder", f"-orchAddr=127.0.0.1:{free_port()}",
                "-orchSecret=s3cret", "-maxSessions=1", f"-cliAddr={cli_host}:{port}",
                f"-dataDir={data_dir}", "-monitor"] + list(extra)
        log = open(os.path.join(data_dir, "baton.log"), "w")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(log.close)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        connect = "127.0.0.1" if cli_host == "0.0.0.0" else cli_host
        host = f"{connect}:{port}"
        def serving():
            self.assertIsNone(proc.poll(), "the transcoder exited")
            request(port, "GET", "/status", headers={"Host": host}, connect=connect)
            return True
        self.assertTrue(poll(serving, 20, interval=0.05, ignore=(OSError,)),
                        "the transcoder's operator port never answered")
        return proc, data_dir, port, host, connect

    def test_browser_rules_on_loopback(self):
        proc, data_dir, port, host, _ = self.start("127.0.0.1")
        status, text = request(port, "GET", "/status", headers={"Host": host})
        self.assertEqual(status, 200, text)
        self.assertEqual(json.loads(text)["Role"], "transcoder")
        self.assertFalse(os.path.exists(os.path.join(data_dir, "operator.cookie")))
        for headers in ({"Host": host, "Origin": "http://evil.example"},
                        {"Host": f"evil.example:{port}"},
                        {"Host": host, "Sec-Fetch-Site": "cross-site"}):
            self.assertEqual(request(port, "GET", "/status", headers=headers)[0], 403, headers)
            self.assertEqual(request(port, "GET", "/metrics", headers=headers)[0], 403, headers)
        self.assertEqual(request(port, "GET", "/metrics", headers={"Host": host})[0], 200)

    def test_non_loopback_bind_needs_the_cookie(self):
        proc, data_dir, port, host, connect = self.start(non_loopback_address())
        cookie = os.path.join(data_dir, "operator.cookie")
        wait_for(cookie)
        self.assertEqual(stat.S_IMODE(os.stat(cookie).st_mode), 0o600)
        with open(cookie) as f:
            token = f.read().strip()
        status, text = request(port, "GET", "/status", headers={"Host": host}, connect=connect)
        self.assertEqual(status, 401, text)
        status, text = request(port, "GET", "/status", connect=connect,
                               headers={"Host": host, "Authorization": "Bearer " + token})
        self.assertEqual(status, 200, text)
        proc.terminate()
        proc.wait(timeout=10)
        self.assertFalse(os.path.exists(cookie), "the cookie outlived the transcoder")


if __name__ == "__main__":
    ARGS, argv = parse_args("baton")
    unittest.main(argv=argv)
