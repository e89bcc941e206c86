"""End to end: a real `baton` node queried by independent clients.

python3-grpcio (Google's C-core gRPC, not our code) calls GetOrchestrator, Ping and
EndTranscodingSession over TLS, trusting whatever certificate the node presents (gateways
skip certificate checks); curl speaks HTTP/2 and HTTP/1.1 to the same port; raw sockets send
bad input. After each bad input a normal call must still succeed.
"""
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import unittest

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, parse_args, unary  # noqa: E402

ARGS = None
GATEWAY_A = bytes.fromhex("70997970c51812dc3a010c7d01b50e0d17dc79c8")
GATEWAY_PRICED = bytes.fromhex("3c44cdddb6a900fa2b585dd299e03d12fa4293bc")


def pb():
    sys.path.insert(0, ARGS.pydir)
    import lp_rpc_pb2
    return lp_rpc_pb2


class NodeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        price_per_gateway = json.dumps({"gateways": [
            {"ethaddress": "0x" + GATEWAY_PRICED.hex(), "priceperunit": 5, "pixelsperunit": 2}]})
        cls.node = BatonProcess(ARGS.baton, [
            "-pricePerUnit=1000", "-pixelsPerUnit=3", f"-pricePerGateway={price_per_gateway}",
            "-maxSessions=4", "-monitor", "-nodes=https://a.example:8935,https://b.example:8935"])
        cls.node.start()
        cls.pb = pb()
        cls.channel = cls.node.grpc_channel()
        grpc.channel_ready_future(cls.channel).result(timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.node.stop()

    def call(self, method, request, response_type, timeout=5):
        fn = self.channel.unary_unary(
            method, request_serializer=lambda m: m if isinstance(m, bytes) else m.SerializeToString(),
            response_deserializer=response_type.FromString)
        return fn(request, timeout=timeout)

    def get_orchestrator(self, address=GATEWAY_A):
        req = self.pb.OrchestratorRequest(address=address, sig=b"\x01" * 65)
        return self.call("/net.Orchestrator/GetOrchestrator", req, self.pb.OrchestratorInfo)

    def assert_still_serving(self):
        info = self.get_orchestrator()
        self.assertEqual(info.transcoder, f"https://localhost:{self.node.port}")

    def test_get_orchestrator_fills_every_field(self):
        before = int(time.time())
        info = self.get_orchestrator()
        self.assertEqual(info.transcoder, f"https://localhost:{self.node.port}")
        # -autoAdjustPrice (on by default) truncates to 1/1000 wei per pixel: 1000/3 → 333.333.
        self.assertEqual(info.price_info.pricePerUnit, 333333)
        self.assertEqual(info.price_info.pixelsPerUnit, 1000)
        self.assertEqual(info.address, b"\x00" * 20)  # offchain
        self.assertFalse(info.HasField("ticket_params"))  # offchain: no tickets
        caps = info.capabilities
        self.assertEqual(len(caps.bitstring), 1)
        word = caps.bitstring[0]
        for bit in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 26):  # H.264, MPEGTS, MP4, ..., auth token
            self.assertTrue(word >> bit & 1, f"capability {bit} missing from {word:#x}")
        self.assertEqual(len(caps.mandatories), 0)
        self.assertEqual(sorted(caps.capacities.keys()),
                         [b for b in range(64) if word >> b & 1])
        self.assertTrue(all(v == 1 for v in caps.capacities.values()))
        self.assertRegex(caps.version, r"^\d+\.\d+\.\d+")
        tok = info.auth_token
        self.assertRegex(tok.session_id, r"^[0-9a-f]{8}$")
        self.assertEqual(len(tok.token), 32)
        self.assertAlmostEqual(tok.expiration, before + 1800, delta=5)
        self.assertEqual(list(info.nodes), ["https://a.example:8935", "https://b.example:8935"])
        self.assertEqual(len(info.hardware), 0)
        self.assertNotEqual(self.get_orchestrator().auth_token.session_id, tok.session_id)

    def test_per_gateway_price(self):
        info = self.get_orchestrator(GATEWAY_PRICED)
        self.assertEqual((info.price_info.pricePerUnit, info.price_info.pixelsPerUnit), (5, 2))
        # Go's BytesToAddress keeps the right-most 20 bytes of a longer address field.
        info = self.get_orchestrator(b"\xff" * 12 + GATEWAY_PRICED)
        self.assertEqual((info.price_info.pricePerUnit, info.price_info.pixelsPerUnit), (5, 2))

    def test_ping_offchain_returns_empty_signature(self):
        reply = self.call("/net.Orchestrator/Ping", self.pb.PingPong(value=b"hello"),
                          self.pb.PingPong)
        self.assertEqual(reply.value, b"")

    def test_end_transcoding_session(self):
        tok = self.get_orchestrator().auth_token
        req = self.pb.EndTranscodingSessionRequest(auth_token=tok)
        self.call("/net.Orchestrator/EndTranscodingSession", req,
                  self.pb.EndTranscodingSessionResponse)
        tok.token = b"\x00" * 32
        with self.assertRaises(grpc.RpcError) as err:
            self.call("/net.Orchestrator/EndTranscodingSession",
                      self.pb.EndTranscodingSessionRequest(auth_token=tok),
                      self.pb.EndTranscodingSessionResponse)
        self.assertEqual(err.exception.code(), grpc.StatusCode.UNKNOWN)
        self.assertEqual(err.exception.details(), "Invalid auth token")

    def test_malformed_protobuf_is_a_grpc_error(self):
        with self.assertRaises(grpc.RpcError) as err:
            self.call("/net.Orchestrator/GetOrchestrator", b"\xff\xff\xff", self.pb.OrchestratorInfo)
        self.assertIn(err.exception.code(), (grpc.StatusCode.INTERNAL, grpc.StatusCode.INVALID_ARGUMENT))
        self.assertIn("OrchestratorRequest", err.exception.details())
        self.assert_still_serving()

    def test_invalid_utf8_strings_do_not_flood_the_log(self):
        # Capabilities.version (field 4) holding bytes that are not UTF-8, inside
        # OrchestratorRequest.capabilities (field 3): libprotobuf reports each such field on its
        # own log; a client repeating it must not fill the node's log.
        caps = b"\x22\x02\xff\xfe"
        raw = (b"\x0a\x14" + GATEWAY_A + b"\x12\x41" + b"\x01" * 65 +
               b"\x1a" + bytes([len(caps)]) + caps)
        for _ in range(20):
            try:
                self.call("/net.Orchestrator/GetOrchestrator", raw, self.pb.OrchestratorInfo)
            except grpc.RpcError:
                pass  # refused or answered, either is fine; the log is what matters
        self.assert_still_serving()
        self.assertNotIn("invalid UTF-8", self.node.read_log())

    def test_unknown_method_is_unimplemented(self):
        with self.assertRaises(grpc.RpcError) as err:
            self.call("/net.Orchestrator/NoSuchMethod", b"", self.pb.PingPong)
        self.assertEqual(err.exception.code(), grpc.StatusCode.UNIMPLEMENTED)
        self.assert_still_serving()

    def curl(self, *args):
        out = subprocess.run(["curl", "-sk", "--max-time", "5", *args], capture_output=True,
                             text=True)
        return out.returncode, out.stdout

    def test_http2_and_http1_on_the_same_port(self):
        url = f"https://localhost:{self.node.port}/healthz"
        for flag, version in (("--http2", "2"), ("--http1.1", "1.1")):
            rc, out = self.curl(flag, "-o", "/dev/null", "-w", "%{http_code} %{http_version}", url)
            self.assertEqual(rc, 0)
            self.assertEqual(out, f"200 {version}")

    def test_plaintext_to_tls_port(self):
        with socket.create_connection(("127.0.0.1", self.node.port), timeout=5) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                data = s.recv(1024)
            except (ConnectionResetError, socket.timeout):
                data = b""
            self.assertFalse(data.startswith(b"HTTP/1.1 200"))
        self.assert_still_serving()

    def test_truncated_http2_frame(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_alpn_protocols(["h2"])
        with socket.create_connection(("127.0.0.1", self.node.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                self.assertEqual(s.selected_alpn_protocol(), "h2")
                preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                # A SETTINGS frame header announcing 60 bytes, then only 3 of them.
                s.sendall(preface + b"\x00\x00\x3c\x04\x00\x00\x00\x00\x00" + b"\x00\x01\x00")
                s.shutdown(socket.SHUT_WR)
                try:
                    while s.recv(4096):
                        pass
                except (ConnectionResetError, ssl.SSLError, socket.timeout):
                    pass
        self.assert_still_serving()

    def test_large_and_oversized_headers(self):
        url = f"https://localhost:{self.node.port}/healthz"
        big = "x" * (64 * 1024)
        rc, out = self.curl("--http1.1", "-o", "/dev/null", "-w", "%{http_code}",
                            "-H", f"Livepeer-Payment: {big}", url)
        self.assertEqual(out, "200", "64 KiB header over HTTP/1.1")
        # Over HTTP/2 through grpcio (curl cannot send a header block this large over h2).
        fn = self.channel.unary_unary("/net.Orchestrator/GetOrchestrator",
                                      request_serializer=lambda m: m.SerializeToString(),
                                      response_deserializer=self.pb.OrchestratorInfo.FromString)
        info = fn(self.pb.OrchestratorRequest(address=GATEWAY_A), timeout=5,
                  metadata=(("livepeer-payment", big),))
        self.assertTrue(info.transcoder)
        header_file = os.path.join(self.node.data_dir, "huge-header.txt")
        with open(header_file, "w") as f:
            f.write("Livepeer-Payment: " + "x" * (2 * 1024 * 1024) + "\n")
        rc, out = self.curl("--http1.1", "-o", "/dev/null", "-w", "%{http_code}",
                            "-H", f"@{header_file}", url)
        self.assertNotEqual(out, "200")
        self.assert_still_serving()

    def test_status_and_metrics_on_operator_port(self):
        code, body = self.node.cli_get("/status")
        self.assertEqual(code, 200)
        status = json.loads(body)
        self.assertEqual(status["Role"], "orchestrator+transcoder")
        self.assertEqual(status["Network"], "offchain")
        self.assertEqual(status["ServiceURI"], f"https://localhost:{self.node.port}")
        self.assertEqual(status["MaxSessions"], 4)
        self.assertEqual(status["SessionsInUse"], 0)
        self.assertIn("H.264", status["Capabilities"])
        self.assertRegex(status["Version"], r"^\d+\.\d+\.\d+")
        code, metrics = self.node.cli_get("/metrics")
        self.assertEqual(code, 200)
        self.assertRegex(metrics, r'livepeer_max_sessions_total\{[^}]*node_type="orch"[^}]*\} 4')
        self.assertRegex(metrics, r"livepeer_current_sessions_total\{[^}]*\} 0")
        self.assertRegex(metrics, r'livepeer_versions\{[^}]*livepeerversion="[^"]+"[^}]*\} 1')
        self.assertIn("process_resident_memory_bytes", metrics)


class CommandLineTest(unittest.TestCase):
    def run_baton(self, *args):
        return subprocess.run([ARGS.baton, *args], capture_output=True, text=True, timeout=10)

    def test_unknown_flag_and_bad_value_name_the_flag(self):
        out = self.run_baton("-orchestrator", "-noSuchFlag=1")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("-noSuchFlag", out.stderr)
        out = self.run_baton("-orchestrator", "-maxSessions=lots")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("-maxSessions", out.stderr)

    def test_version(self):
        out = self.run_baton("-version")
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"\d+\.\d+\.\d+")

    def test_no_role_is_an_error(self):
        out = self.run_baton()
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("No services enabled", out.stderr)

    def test_port_in_use_is_a_clear_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            out = self.run_baton("-orchestrator", "-transcoder", f"-httpAddr=127.0.0.1:{port}",
                                 f"-serviceAddr=localhost:{port}", "-cliAddr=127.0.0.1:0",
                                 "-dataDir=" + os.path.join("/tmp", f"baton-port-{port}"))
        self.assertNotEqual(out.returncode, 0)
        self.assertIn(str(port), out.stderr + out.stdout)


class WorkerCapacityTest(unittest.TestCase):
    """-transcoder attaches the in-process transcoder; -maxSessions auto is its capacity."""

    def get_orchestrator(self, node):
        lp = pb()
        with node.grpc_channel() as ch:
            fn = unary(ch, "/net.Orchestrator/GetOrchestrator", lp.OrchestratorInfo)
            return fn(lp.OrchestratorRequest(address=GATEWAY_A), timeout=5)

    def test_without_transcoder_no_capacity_and_it_says_so(self):
        with BatonProcess(ARGS.baton, transcoder=False) as node:
            status = json.loads(node.cli_get("/status")[1])
            self.assertEqual(status["Role"], "orchestrator")
            self.assertEqual(status["MaxSessions"], 0)
            self.assertFalse(status["LocalTranscoding"])
            self.assertIn("No transcoder attached", node.read_log())
            with self.assertRaises(grpc.RpcError) as err:
                self.get_orchestrator(node)
            self.assertIn("OrchestratorCapped", err.exception.details())

    def test_max_sessions_auto_is_the_local_transcoders_capacity(self):
        with BatonProcess(ARGS.baton, ["-maxSessions=auto"]) as node:
            # Provisional (go-livepeer's 10) until the start-up calibration ends, then measured.
            status = json.loads(node.cli_get("/status")[1])
            self.assertIn(status["Capacity"]["Reason"], ("provisional", "calibrated"))
            self.assertGreaterEqual(status["MaxSessions"], 1)
            self.assertEqual(status["MaxSessions"], status["Capacity"]["Sessions"])
            self.assertTrue(status["LocalTranscoding"])
            self.assertTrue(self.get_orchestrator(node).transcoder)
            deadline = time.monotonic() + 120
            while status["Capacity"]["Reason"] == "provisional" and time.monotonic() < deadline:
                time.sleep(0.5)
                status = json.loads(node.cli_get("/status")[1])
            self.assertEqual(status["Capacity"]["Reason"], "calibrated")
            self.assertGreater(status["Capacity"]["CalibratedCpuPerContentSecond"], 0)
            self.assertIn("core-s per content-s", status["Capacity"]["Detail"])
            self.assertIn("transcoder calibration", node.read_log())


class CleartextTest(unittest.TestCase):
    def test_h2c_grpc_and_http1(self):
        lp = pb()
        with BatonProcess(ARGS.baton, ["-pricePerUnit=1000", "-pixelsPerUnit=3",
                                       "-autoAdjustPrice=false"], cleartext=True) as node:
            with grpc.insecure_channel(f"127.0.0.1:{node.port}") as ch:
                fn = ch.unary_unary("/net.Orchestrator/GetOrchestrator",
                                    request_serializer=lambda m: m.SerializeToString(),
                                    response_deserializer=lp.OrchestratorInfo.FromString)
                info = fn(lp.OrchestratorRequest(address=GATEWAY_A), timeout=5)
                self.assertEqual(info.transcoder, f"http://localhost:{node.port}")
                self.assertEqual((info.price_info.pricePerUnit, info.price_info.pixelsPerUnit),
                                 (1000, 3))
            out = subprocess.run(["curl", "-s", "--http1.1", "-o", "/dev/null", "-w", "%{http_code}",
                                  f"http://127.0.0.1:{node.port}/healthz"], capture_output=True, text=True)
            self.assertEqual(out.stdout, "200")


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "pydir", source=None)
    unittest.main(argv=argv, verbosity=2)
