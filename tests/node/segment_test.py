"""POST /segment end to end: a real `baton` node, requests built here and sent with curl.

Every status code of doc/wire.md 3.4 that an offchain node can give is reached by a request built
to reach it; a good segment comes back as a TranscodeResult whose URLs download over HTTP/1.1
and whose pixel counts equal ffprobe's recount. Keccak comes from pycryptodome, segments from
the ffmpeg CLI, the HTTP/2 client is curl: none of it is Baton's code.
"""
import base64
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import unittest

import grpc
from Cryptodome.Hash import keccak

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, parse_args, unary  # noqa: E402

ARGS = None


def keccak256(data):
    return keccak.new(digest_bits=256, data=data).digest()


def make_segment(path, seconds=2, size="320x180", rate=30):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate={rate}:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", str(rate), "-c:a", "aac",
                    "-f", "mpegts", path], check=True)
    with open(path, "rb") as f:
        return f.read()


def ffprobe_pixels(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                          "-show_entries", "stream=width,height,nb_read_frames", "-of", "json",
                          path], capture_output=True, text=True, check=True)
    s = json.loads(out.stdout)["streams"][0]
    return s["width"] * s["height"] * int(s["nb_read_frames"]), s


class NodeClient:
    """Starts a node for a test class and builds requests for it."""
    NODE_FLAGS = []

    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, ARGS.pydir)
        import lp_rpc_pb2
        cls.pb = lp_rpc_pb2
        cls.tmp = tempfile.mkdtemp(prefix="baton-seg-")
        cls.segment = make_segment(os.path.join(cls.tmp, "in.ts"))
        cls.node = BatonProcess(ARGS.baton, cls.NODE_FLAGS).start()
        cls.channel = cls.node.grpc_channel()

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.node.stop()

    def unary(self, method, response_type):
        return unary(self.channel, method, response_type)

    def get_orchestrator(self, channel=None):
        fn = unary(channel or self.channel, "/net.Orchestrator/GetOrchestrator",
                   self.pb.OrchestratorInfo)
        return fn(self.pb.OrchestratorRequest(address=b"\x01" * 20), timeout=5)

    def seg_data(self, info, data, seq=0, profiles=("P240p30fps16x9",), **overrides):
        sd = self.pb.SegData(manifestId=b"manifest-" + info.auth_token.session_id.encode(),
                             seq=seq, hash=keccak256(data), duration=2000,
                             auth_token=info.auth_token, profiles=b"invalid")
        presets = {"P240p30fps16x9": (426, 240, 600000), "P360p30fps16x9": (640, 360, 1200000)}
        for name in profiles:
            w, h, br = presets[name]
            sd.fullProfiles.add(name=name, width=w, height=h, bitrate=br, fps=30, fpsDen=1)
        caps = sd.capabilities
        caps.bitstring.append((1 << 0) | (1 << 1))  # H.264, MPEGTS
        for k, v in overrides.items():
            if k == "no_token":
                sd.ClearField("auth_token")
            elif k == "caps_word":
                caps.bitstring[0] = v
            else:
                setattr(sd, k, v)
        return base64.b64encode(sd.SerializeToString()).decode()

    def post(self, seg_header, body, payment_header="", http="--http2"):
        body_path = tempfile.mktemp(dir=self.tmp, suffix=".bin")
        with open(body_path, "wb") as f:
            f.write(body)
        out_path = tempfile.mktemp(dir=self.tmp, suffix=".out")
        r = subprocess.run(["curl", "-sk", http, "--max-time", "60", "-o", out_path, "-w",
                            "%{http_code}", "-H", f"Livepeer-Segment: {seg_header}",
                            "-H", f"Livepeer-Payment: {payment_header}",
                            "-H", "Content-Type: video/MP2T", "--data-binary", f"@{body_path}",
                            f"https://localhost:{self.node.port}/segment"],
                           capture_output=True, text=True)
        with open(out_path, "rb") as f:
            content = f.read()
        os.unlink(out_path)
        return int(r.stdout or 0), content


class SegmentTest(NodeClient, unittest.TestCase):
    NODE_FLAGS = ["-maxSessions=50"]

    def test_segment_is_transcoded_and_results_download(self):
        info = self.get_orchestrator()
        code, body = self.post(self.seg_data(info, self.segment, seq=3,
                                             profiles=("P240p30fps16x9", "P360p30fps16x9")),
                               self.segment)
        self.assertEqual(code, 200, body)
        result = self.pb.TranscodeResult.FromString(body)
        self.assertEqual(result.seq, 3)
        self.assertEqual(result.WhichOneof("result"), "data", result.error)
        self.assertEqual(len(result.data.segments), 2)
        self.assertEqual(result.info.auth_token, info.auth_token)  # the session's own token
        self.assertEqual(result.info.transcoder, info.transcoder)
        self.assertEqual(result.data.sig, b"")  # offchain: unsigned
        for seg, expected in zip(result.data.segments, ((426, 240), (640, 360))):
            self.assertRegex(seg.url, rf"^https://localhost:{self.node.port}/stream/"
                                      rf"{info.auth_token.session_id}/P\d+p30fps16x9/3\.ts$")
            path = os.path.join(self.tmp, "r.ts")
            r = subprocess.run(["curl", "-sk", "--http1.1", "-o", path, "-w", "%{http_code}",
                                seg.url], capture_output=True, text=True)
            self.assertEqual(r.stdout, "200")
            pixels, stream = ffprobe_pixels(path)
            self.assertEqual((stream["width"], stream["height"]), expected)
            self.assertEqual(seg.pixels, pixels)
        r = subprocess.run(["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
                            f"https://localhost:{self.node.port}/stream/nope/x/1.ts"],
                           capture_output=True, text=True)
        self.assertEqual(r.stdout, "404")

    def test_http1_client_also_works(self):
        info = self.get_orchestrator()
        code, body = self.post(self.seg_data(info, self.segment), self.segment, http="--http1.1")
        self.assertEqual(code, 200)
        self.assertEqual(self.pb.TranscodeResult.FromString(body).WhichOneof("result"), "data")

    def test_status_codes(self):
        info = self.get_orchestrator()
        good = self.seg_data(info, self.segment)
        cases = [
            ("bad payment base64", good, "!!!", self.segment, 402, None),
            ("bad segment base64", "!!!", "", self.segment, 403, "ErrorSegEncoding"),
            ("segment not protobuf", base64.b64encode(b"\xff\xff").decode(), "", self.segment,
             403, None),
            ("missing auth token", self.seg_data(info, self.segment, no_token=True), "",
             self.segment, 403, "missing auth token"),
            ("incompatible caps", self.seg_data(info, self.segment, caps_word=1 << 60), "",
             self.segment, 403, "incompatible capabilities"),
            ("invalid duration", self.seg_data(info, self.segment, duration=400000), "",
             self.segment, 403, "invalid duration"),
            ("hash mismatch", good, "", self.segment + b"x", 403, "Forbidden"),
        ]
        bad_token = self.pb.SegData.FromString(base64.b64decode(good))
        bad_token.auth_token.token = b"\x00" * 32
        cases.append(("invalid auth token",
                      base64.b64encode(bad_token.SerializeToString()).decode(), "",
                      self.segment, 403, "invalid auth token"))
        for name, seg, pay, body, code, text in cases:
            with self.subTest(name):
                got, content = self.post(seg, body, pay)
                self.assertEqual(got, code, content)
                if text:
                    self.assertEqual(content.decode(), text + "\n")
        # The node still serves after all of that.
        got, _ = self.post(good, self.segment)
        self.assertEqual(got, 200)

    def test_hostile_capability_constraints_are_refused_and_the_node_keeps_serving(self):
        info = self.get_orchestrator()
        good = self.seg_data(info, self.segment)

        def with_constraints(min_version="", runner_version=None):
            sd = self.pb.SegData.FromString(base64.b64decode(good))
            sd.capabilities.constraints.minVersion = min_version
            if runner_version is not None:
                model = sd.capabilities.constraints.PerCapability[27].models["m"]
                model.runnerVersion = runner_version
            return base64.b64encode(sd.SerializeToString()).decode()

        huge = "1.99999999999999999999999"
        cases = [
            # Past a 32-bit int (once an uncaught std::stoi exception), within uint64.
            ("minVersion past int", with_constraints("1.99999999999"),
             "incompatible capabilities"),
            ("minVersion past uint64", with_constraints(huge),
             f'invalid capability constraint: minVersion "{huge}" has a number out of range'),
            ("runnerVersion past uint64", with_constraints("0.0.1", huge),
             f'invalid capability constraint: runnerVersion "{huge}" has a number out of range'),
        ]
        for name, seg, text in cases:
            with self.subTest(name):
                for http in ("--http2", "--http1.1"):
                    got, content = self.post(seg, self.segment, http=http)
                    self.assertEqual(got, 403, content)
                    self.assertEqual(content.decode(), text + "\n")
        self.assertIsNone(self.node.proc.poll())
        got, _ = self.post(good, self.segment)
        self.assertEqual(got, 200)

    def test_bad_media_is_an_error_in_the_body_and_session_survives(self):
        info = self.get_orchestrator()
        junk = b"this is not a video" * 100
        code, body = self.post(self.seg_data(info, junk, seq=0), junk)
        self.assertEqual(code, 200)
        result = self.pb.TranscodeResult.FromString(body)
        self.assertEqual(result.WhichOneof("result"), "error")
        self.assertTrue(result.error)
        code, body = self.post(self.seg_data(info, self.segment, seq=1), self.segment)
        self.assertEqual(self.pb.TranscodeResult.FromString(body).WhichOneof("result"), "data")

    def test_busy_when_the_session_queue_is_full(self):
        info = self.get_orchestrator()
        big = make_segment(os.path.join(self.tmp, "big.ts"), seconds=4, size="1280x720")
        headers = [self.seg_data(info, big, seq=i, profiles=("P360p30fps16x9",)) for i in range(8)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda h: self.post(h, big), headers))
        errors = [self.pb.TranscodeResult.FromString(b).error for c, b in results if c == 200]
        self.assertEqual(len(errors), 8)
        self.assertIn("OrchestratorBusy", errors)  # 1 transcoding + 4 queued, the rest busy
        self.assertGreaterEqual(errors.count(""), 5)


class CapacityTest(NodeClient, unittest.TestCase):
    NODE_FLAGS = ["-maxSessions=1"]

    def test_max_sessions(self):
        first, second = self.get_orchestrator(), self.get_orchestrator()
        code, _ = self.post(self.seg_data(first, self.segment), self.segment)
        self.assertEqual(code, 200)
        # A known session keeps its slot; a new one is refused.
        code, _ = self.post(self.seg_data(first, self.segment, seq=1), self.segment)
        self.assertEqual(code, 200)
        code, body = self.post(self.seg_data(second, self.segment), self.segment)
        self.assertEqual((code, body), (403, b"OrchestratorCapped\n"))
        with self.assertRaises(grpc.RpcError) as err:
            self.get_orchestrator()
        self.assertEqual(err.exception.details(),
                         "Invalid orchestrator request: OrchestratorCapped")
        # Ending the session frees its slot.
        end = self.unary("/net.Orchestrator/EndTranscodingSession",
                         self.pb.EndTranscodingSessionResponse)
        end(self.pb.EndTranscodingSessionRequest(auth_token=first.auth_token), timeout=5)
        code, _ = self.post(self.seg_data(second, self.segment), self.segment)
        self.assertEqual(code, 200)


import socket  # noqa: E402 (used by the early-rejection tests below)
import ssl  # noqa: E402
import time  # noqa: E402


class EarlyRejectionTest(NodeClient, unittest.TestCase):
    """A /segment whose headers fail the payment or credential checks is answered before its
    body is read: the gateway announces 50 MB and sends none of it (HTTP/1.1 over TLS from a raw
    socket), or curl uploads at 1 MB/s and hears the answer at once (HTTP/2, same connection
    then serves /healthz)."""
    NODE_FLAGS = ["-maxSessions=50"]
    ANNOUNCED = 50_000_000

    def h1_headers_only(self, seg_header, payment_header=""):
        """Sends only the headers (Expect: 100-continue) and reads until the server's close."""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_alpn_protocols(["http/1.1"])
        request = (f"POST /segment HTTP/1.1\r\nHost: localhost\r\n"
                   f"Livepeer-Segment: {seg_header}\r\nLivepeer-Payment: {payment_header}\r\n"
                   f"Content-Type: video/MP2T\r\nContent-Length: {self.ANNOUNCED}\r\n"
                   f"Expect: 100-continue\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", self.node.port), timeout=20) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(request)
                data = b""
                while True:  # a clean TLS close (close_notify) ends this; a timeout raises
                    chunk = s.recv(65536)
                    if not chunk:
                        return data.decode()
                    data += chunk

    def test_http1_rejection_comes_before_the_body_and_the_connection_closes(self):
        info = self.get_orchestrator()
        bad_token = self.pb.SegData.FromString(base64.b64decode(self.seg_data(info, b"")))
        bad_token.auth_token.token = b"\x00" * 32
        cases = [
            ("missing auth token", self.seg_data(info, b"", no_token=True), "", 403,
             "missing auth token"),
            ("invalid auth token", base64.b64encode(bad_token.SerializeToString()).decode(), "",
             403, "invalid auth token"),
            ("bad segment base64", "!!!", "", 403, "ErrorSegEncoding"),
            ("bad payment base64", self.seg_data(info, b""), "!!!", 402, None),
        ]
        for name, seg, pay, code, text in cases:
            with self.subTest(name):
                response = self.h1_headers_only(seg, pay)
                self.assertTrue(response.startswith(f"HTTP/1.1 {code} "), response)
                self.assertNotIn("100 Continue", response)
                self.assertIn("\r\nConnection: close\r\n", response)
                if text:
                    self.assertTrue(response.endswith("\r\n\r\n" + text + "\n"), response)

    def test_good_credentials_get_100_continue(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        info = self.get_orchestrator()
        request = (f"POST /segment HTTP/1.1\r\nHost: localhost\r\n"
                   f"Livepeer-Segment: {self.seg_data(info, self.segment)}\r\n"
                   f"Content-Length: {len(self.segment)}\r\nExpect: 100-continue\r\n\r\n")
        with socket.create_connection(("127.0.0.1", self.node.port), timeout=20) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(request.encode())
                self.assertEqual(s.recv(65536), b"HTTP/1.1 100 Continue\r\n\r\n")
                s.sendall(self.segment)
                head = b""
                while b"\r\n\r\n" not in head:
                    head += s.recv(65536)
                self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"), head)

    def test_http2_rejection_comes_before_the_upload_and_the_connection_serves_on(self):
        info = self.get_orchestrator()
        big = os.path.join(self.tmp, "announced.bin")
        with open(big, "wb") as f:
            f.truncate(self.ANNOUNCED)  # sparse: uploading it at 1 MB/s would take 50 s
        url = f"https://localhost:{self.node.port}"
        r = subprocess.run(
            ["curl", "-sk", "--http2", "--max-time", "60", "--limit-rate", "1M",
             "-H", f"Livepeer-Segment: {self.seg_data(info, b'', no_token=True)}",
             "-H", "Livepeer-Payment: ", "-H", "Content-Type: video/MP2T",
             "--data-binary", f"@{big}",
             "-w", "|%{http_code}|%{size_upload}|%{time_total}#", f"{url}/segment",
             "--next", "-sk", "--http2", "-w", "|%{http_code}|%{num_connects}", f"{url}/healthz"],
            capture_output=True, text=True)
        first, second = r.stdout.split("#")
        body, code, uploaded, seconds = first.split("|")
        self.assertEqual((code, body), ("403", "missing auth token\n"))
        self.assertLess(int(uploaded), 8_000_000, "the body was uploaded first")
        self.assertLess(float(seconds), 8.0)
        self.assertEqual(second, "|200|0")  # same connection, another stream
        self.assertIsNotNone(self.get_orchestrator())

if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "pydir", source=None)
    unittest.main(argv=argv, verbosity=2)
