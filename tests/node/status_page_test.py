"""The operator's status page (GET / on the operator port) in headless Chromium (Debian's
chromium) against a node that holds winning tickets: the DOM the page's script builds shows the
node's own figures (sessions, tickets by state, earnings per round), and a screenshot is taken
and checked not to be blank. The page stays behind the operator port's guard: a cross-site
request is refused, and with -cliAuth a browser is asked for the token (HTTP Basic)."""
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, parse_args  # noqa: E402
from paid_node import start_paid_node, stream  # noqa: E402

ARGS = None


def chromium(*args):
    profile = tempfile.mkdtemp(prefix="baton-chromium-")
    try:
        # --no-sandbox: tests may run as root, where Chromium's sandbox refuses to start.
        r = subprocess.run([ARGS.chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", f"--user-data-dir={profile}",
                            "--virtual-time-budget=8000", *args],
                           capture_output=True, text=True, timeout=120)
        return r
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_pixels(path):
    """Width, height and the unfiltered RGB(A) rows of an 8-bit non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), f"depth {depth} color {color}"
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


class StatusPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.node = start_paid_node(ARGS.baton)
        stream(ARGS.gateway, cls.node)
        cls.url = f"http://127.0.0.1:{cls.node.cli_port}/"
        cls.tickets = cls.node.tickets()
        cls.status = cls.node.status()

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()

    def test_dom_shows_the_nodes_figures(self):
        r = chromium("--dump-dom", self.url)
        dom = r.stdout
        self.assertIn('id="sessions-max">%d<' % self.status["MaxSessions"], dom, r.stderr[-2000:])
        self.assertIn('id="node-network">network offchain<', dom)
        self.assertIn(self.status["Address"], dom)
        counts = self.tickets["counts"]
        for state in ("queued", "submitted", "redeemed", "failed", "expired"):
            self.assertIn(f'<tr id="tickets-{state}"><td>{state}</td><td class="n">'
                          f'{counts[state]}</td>', dom)
        queued_eth = int(self.tickets["faceValues"]["queued"]) / 1e18
        self.assertIn(f"{queued_eth:.6f}", dom)
        if counts["total"]:
            self.assertIn('class="earnings-round"', dom)
            self.assertIn("<rect", dom)  # the chart's bars
        self.assertIn("local transcoder", dom)
        print(f"status page: {counts['total']} tickets, {queued_eth:.6f} ETH queued in the DOM",
              file=sys.stderr)

    def test_screenshot_is_not_blank(self):
        path = os.path.join(ARGS.out, "status_page.png")
        if os.path.exists(path):
            os.remove(path)
        r = chromium("--window-size=1200,900", f"--screenshot={path}", self.url)
        self.assertTrue(os.path.exists(path), r.stderr[-2000:])
        width, height, bpp, rows = png_pixels(path)
        self.assertEqual((width, height), (1200, 900))
        colors = set()
        for row in rows[::10]:
            for x in range(0, len(row), bpp * 7):
                colors.add(row[x:x + 3])
        distinct_rows = len(set(rows))
        self.assertGreater(len(colors), 20, "screenshot looks blank")
        self.assertGreater(distinct_rows, 100, "screenshot looks blank")
        print(f"status page screenshot {path}: {os.path.getsize(path)} bytes, "
              f"{len(colors)} sampled colors, {distinct_rows} distinct rows", file=sys.stderr)

    def test_page_headers_and_guard(self):
        with urllib.request.urlopen(self.url, timeout=5) as r:
            self.assertEqual(r.headers["Content-Type"], "text/html; charset=utf-8")
            self.assertIn("frame-ancestors 'none'", r.headers["Content-Security-Policy"])
            self.assertIn("connect-src 'self'", r.headers["Content-Security-Policy"])
        req = urllib.request.Request(self.url, headers={"Sec-Fetch-Site": "cross-site"})
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=5)
        self.assertEqual(e.exception.code, 403)


class StatusPageTokenTest(unittest.TestCase):
    def test_browser_is_asked_for_the_token(self):
        node = BatonProcess(ARGS.baton, ["-cliAuth"]).launch()
        try:
            cookie = node.wait_cookie()
            url = f"http://127.0.0.1:{node.cli_port}/status.html"
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(url, timeout=5)
            self.assertEqual(e.exception.code, 401)
            challenges = e.exception.headers.get_all("WWW-Authenticate")
            self.assertTrue(any(c.startswith("Basic ") for c in challenges), challenges)
            with open(cookie) as f:
                token = f.read().strip()
            basic = base64.b64encode(f"operator:{token}".encode()).decode()
            req = urllib.request.Request(url, headers={"Authorization": "Basic " + basic})
            with urllib.request.urlopen(req, timeout=5) as r:
                self.assertIn(b"Baton orchestrator", r.read())
        finally:
            node.stop()


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway", chromium="/usr/bin/chromium",
                            out=tempfile.gettempdir())  # --out: where the screenshot goes
    unittest.main(argv=argv)
