#!/usr/bin/env python3
"""The orchestrator's AI routes end to end (doc/ai.md 2, 3, 5), driven like a gateway drives them.

A real baton node (with an account, so tickets are verified and balances kept) serves
-aiModels entries whose runners are STAND-IN runners (tests/ai/stand_in_runner.py, no models:
they only say they are stand-ins) at external URLs. A gateway-style client here asks
GetOrchestrator for the model (its price and ticket parameters), signs SegData and tickets
(ethers, through tests/node/payment_test.py's helpers), and posts runner-API bodies.

Checked: each pipeline's billable units (the node's debit log line), an unpaid request at a
priced node refused, the balance really debited, a model nobody serves, a runner that hangs
(timed out), 503 "insufficient capacity", a runner error passed on, data URLs vs /stream URLs,
SSE streaming for /llm, capabilities and capabilities_prices, metrics, and a dual workload
(video segments and AI requests at once on one node).
"""
import base64
import concurrent.futures
import http.client
import json
import os
import re
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "node"))
import payment_test  # noqa: E402  (the gateway-side ticket helpers)
import segment_test  # noqa: E402  (segments and their client)
from baton_process import BatonProcess, free_port, parse_args, poll, unary  # noqa: E402

ARGS = None
MARKER = "Livepeer-AI-Worker-1.0"
CAPS = {"text-to-image": 27, "image-to-image": 28, "image-to-video": 29, "upscale": 30,
        "audio-to-text": 31, "segment-anything-2": 32, "llm": 33, "image-to-text": 34,
        "text-to-speech": 36}


def png(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def wav(seconds, rate=16000):
    data = b"\x00\x00" * int(rate * seconds)
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
            struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" +
            struct.pack("<I", len(data)) + data)


def multipart(fields):
    """A multipart/form-data body; bytes values are file uploads."""
    boundary = "stand-in-test-boundary-7d1c"
    out = b""
    for name, value in fields.items():
        if isinstance(value, bytes):
            out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                    f"filename=\"{name}.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
            out += value + b"\r\n"
        else:
            out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                    f"{value}\r\n").encode()
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def mp4_frames(data):
    """The video frames ffprobe counts in `data`."""
    with tempfile.NamedTemporaryFile(suffix=".mp4") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                              "-show_entries", "stream=nb_read_frames,codec_name", "-of", "json",
                              f.name], capture_output=True, text=True, check=True)
    s = json.loads(out.stdout)["streams"][0]
    assert s["codec_name"] == "h264", s
    return int(s["nb_read_frames"])


def start_stand_in(port, *extra):
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "stand_in_runner.py"),
                             "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    assert "stand-in runner" in line, line
    return proc


def use_gateway_helpers(cls):
    """Gives a test class what Gateway needs of it: lp_rpc_pb2 (cls.pb), payment_test's ticket
    helpers (cls.pt) and a PaymentTest to build payments with (cls.pt_case)."""
    sys.path.insert(0, ARGS.pydir)
    import lp_rpc_pb2
    cls.pb = lp_rpc_pb2
    cls.pt = payment_test
    cls.pt_case = payment_test.PaymentTest()
    cls.pt_case.pb = lp_rpc_pb2


class Gateway:
    """What a gateway does per AI request: discovery with the model, tickets, SegData."""

    def __init__(self, test_cls, node):
        self.t = test_cls
        self.node = node
        creds = grpc.ssl_channel_credentials(root_certificates=node.server_cert())
        self.channel = grpc.secure_channel(f"localhost:{node.port}", creds)
        self.pt = test_cls.pt

    def caps(self, pipeline, model, constrain=True):
        cap = CAPS[pipeline]
        caps = self.t.pb.Capabilities(bitstring=[1 << cap])
        if constrain:
            caps.constraints.PerCapability[cap].models[model].warm = False
        return caps

    def get_orchestrator(self, pipeline=None, model=None):
        fn = unary(self.channel, "/net.Orchestrator/GetOrchestrator", self.t.pb.OrchestratorInfo)
        sig = self.pt.personal_sign(self.pt.GATEWAY_KEY, self.pt.GATEWAY_CHECKSUM.encode())[0]
        req = self.t.pb.OrchestratorRequest(address=self.pt.GATEWAY, sig=sig)
        if pipeline:
            req.capabilities.CopyFrom(self.caps(pipeline, model))
        return fn(req, timeout=10)

    def headers(self, pipeline, model, tickets=1, payment=None, marker=True, constrain=True):
        info = self.get_orchestrator(pipeline, model)
        if payment is None:
            payment = self.pt.PaymentTest.payment(self.t.pt_case, info, list(range(1, tickets + 1)))
        elif not isinstance(payment, str):
            payment = base64.b64encode(payment.SerializeToString()).decode()
        manifest = os.urandom(4).hex().encode()
        empty = self.pt.keccak256(b"")
        sig = self.pt.personal_sign(self.pt.GATEWAY_KEY, manifest + self.pt.be32(0) + empty)[0]
        sd = self.t.pb.SegData(manifestId=manifest, seq=0, hash=empty, sig=sig,
                               auth_token=info.auth_token,
                               capabilities=self.caps(pipeline, model, constrain))
        h = {"Livepeer-Payment": payment,
             "Livepeer-Segment": base64.b64encode(sd.SerializeToString()).decode()}
        if marker:
            h["Authorization"] = MARKER
        return h, info


def post(port, path, body, content_type, headers, timeout=30, stream=False):
    conn = http.client.HTTPSConnection("localhost", port, timeout=timeout,
                                       context=ssl._create_unverified_context())
    conn.request("POST", path, body=body, headers=dict(headers, **{"Content-Type": content_type}))
    r = conn.getresponse()
    if stream:
        return r, conn
    data = r.read()
    conn.close()
    return r.status, data


def get(url):
    m = re.match(r"https://localhost:(\d+)(/.*)", url)
    conn = http.client.HTTPSConnection("localhost", int(m.group(1)), timeout=10,
                                       context=ssl._create_unverified_context())
    conn.request("GET", m.group(2))
    r = conn.getresponse()
    out = r.status, r.getheader("Content-Type"), r.read()
    conn.close()
    return out


class AiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        use_gateway_helpers(cls)
        cls.runners = []
        ports = {name: free_port() for name in ("main", "hang", "slow", "fail")}
        cls.runners.append(start_stand_in(ports["main"], "--token", "runner-secret"))
        cls.runners.append(start_stand_in(ports["hang"], "--mode", "hang"))
        cls.runners.append(start_stand_in(ports["slow"], "--delay", "2"))
        cls.runners.append(start_stand_in(ports["fail"], "--mode", "fail"))
        cls.tmp = tempfile.mkdtemp(prefix="baton-ai-")
        url = lambda name: f"http://127.0.0.1:{ports[name]}"
        models = [{"pipeline": p, "model_id": "stand-in", "url": url("main"), "token": "runner-secret",
                   "capacity": 8, "price_per_unit": 3, "pixels_per_unit": 2} for p in CAPS]
        models += [
            {"pipeline": "text-to-speech", "model_id": "hangs", "url": url("hang")},
            {"pipeline": "image-to-text", "model_id": "busy", "url": url("slow"), "capacity": 1},
            {"pipeline": "llm", "model_id": "fails", "url": url("fail")},
            # One character costs 1000 units × 10^7 wei: more than one ticket's EV (8e9 wei).
            {"pipeline": "text-to-speech", "model_id": "pricey", "url": url("main"),
             "token": "runner-secret", "price_per_unit": 10000000},
            {"pipeline": "text-to-speech", "model_id": "free", "url": url("main"),
             "token": "runner-secret", "price_per_unit": 0},
            {"pipeline": "text-to-speech", "model_id": "unpaid", "url": url("main"),
             "token": "runner-secret", "price_per_unit": 5},
        ]
        path = os.path.join(cls.tmp, "models.json")
        with open(path, "w") as f:
            json.dump(models, f)
        cls.node = BatonProcess(ARGS.baton, [
            "-ethPassword=test-password", "-pricePerUnit=1000", "-autoAdjustPrice=false",
            "-aiWorker", f"-aiModels={path}", "-aiRequestTimeout=3s", "-monitor"]).start()
        cls.gw = Gateway(cls, cls.node)

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()
        for r in cls.runners:
            r.kill()
            r.wait()
            r.stdout.close()

    def debit_line(self, pipeline, model="stand-in"):
        pattern = re.compile(rf"AI request \w+ {pipeline} {model}: (\d+) units at (\S+) wei")
        found = poll(lambda: pattern.findall(self.node.read_log()), 5)
        if found:
            return found[-1]
        self.fail(f"no debit logged for {pipeline}:\n{self.node.read_log()[-3000:]}")

    def request(self, pipeline, body, content_type="application/json", model="stand-in",
                marker=True, **kw):
        headers, _ = self.gw.headers(pipeline, model, marker=marker, **kw)
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        return post(self.node.port, "/" + pipeline, body, content_type, headers)

    def test_every_pipeline_debits_its_units(self):
        image = png(8, 4)
        cases = [
            ("text-to-image", {"model_id": "stand-in", "prompt": "a cat", "height": 64,
                               "width": 32, "num_images_per_prompt": 2}, 64 * 32 * 2),
            ("image-to-image", {"model_id": "stand-in", "prompt": "x", "image": image,
                                "num_images_per_prompt": 3}, 8 * 4 * 3),
            ("image-to-video", {"model_id": "stand-in", "image": image, "height": 16,
                                "width": 24}, 16 * 24 * 25),
            ("upscale", {"model_id": "stand-in", "prompt": "x", "image": image}, 32),
            ("audio-to-text", {"model_id": "stand-in", "audio": wav(2.5)}, 2000),
            ("segment-anything-2", {"model_id": "stand-in", "image": image}, 32),
            ("llm", {"model": "stand-in", "messages": [{"role": "user", "content": "hi"}],
                     "max_tokens": 17}, 17),
            ("image-to-text", {"model_id": "stand-in", "image": image}, 32),
            ("text-to-speech", {"model_id": "stand-in", "text": "héllo"}, 5000),
        ]
        for pipeline, fields, units in cases:
            with self.subTest(pipeline=pipeline):
                if CAPS[pipeline] in (27, 33, 36):
                    code, body = self.request(pipeline, fields)
                else:
                    data, ctype = multipart(fields)
                    code, body = self.request(pipeline, data, ctype)
                self.assertEqual(code, 200, body)
                answer = json.loads(body)
                self.assertEqual(self.debit_line(pipeline), (str(units), "3/2"))
                # Media answers come back as downloads from the node (doc/ai.md 2.4).
                urls = [m["url"] for m in answer.get("images", [])]
                urls += [m["url"] for batch in answer.get("frames", []) for m in batch]
                if "audio" in answer:
                    urls.append(answer["audio"]["url"])
                for u in urls:
                    self.assertRegex(u, rf"^https://localhost:{self.node.port}/stream/[0-9a-f]{{8}}/")
                    status, ctype, data = get(u)
                    self.assertEqual(status, 200)
                    if pipeline == "image-to-video":  # the frames, encoded into one MP4
                        self.assertEqual(ctype, "video/mp4")
                        self.assertEqual(data[4:8], b"ftyp")
                        self.assertEqual(mp4_frames(data), 2)
                    else:
                        self.assertTrue(data[:4] in (b"\x89PNG", b"RIFF"), data[:8])
                if pipeline in ("image-to-text", "audio-to-text"):
                    self.assertIn("stand-in runner", answer["text"])
        # Model prices in capabilities_prices, models as capability constraints.
        info = self.gw.get_orchestrator()
        prices = {(p.capability, p.constraint): (p.pricePerUnit, p.pixelsPerUnit)
                  for p in info.capabilities_prices}
        self.assertEqual(prices[(36, "stand-in")], (3, 2))
        self.assertEqual(prices[(36, "pricey")], (10000000, 1))
        models = info.capabilities.constraints.PerCapability[36].models
        self.assertEqual(models["stand-in"].capacity, 8)
        self.assertEqual(models["stand-in"].runnerVersion, "0.0.0-stand-in")
        self.assertTrue(info.capabilities.bitstring[0] >> 36 & 1)
        # A gateway asking for the model is quoted its price.
        info = self.gw.get_orchestrator("text-to-speech", "pricey")
        self.assertEqual((info.price_info.pricePerUnit, info.price_info.pixelsPerUnit), (10000000, 1))
        status, text = self.node.cli_get("/metrics")
        self.assertRegex(text, r'livepeer_ai_models_requested\{[^}]*model_name="stand-in"[^}]*'
                               r'pipeline="text-to-speech"')
        self.assertIn("livepeer_ai_request_latency_seconds_bucket", text)
        self.assertRegex(text, r'livepeer_ai_container_idle\{[^}]*model_name="busy"[^}]*\} 1')

    def test_unpaid_request_at_a_priced_node_is_refused(self):
        tts = {"model_id": "unpaid", "text": "hello"}
        code, body = self.request("text-to-speech", tts, model="unpaid",
                                  payment=self.pb.Payment(sender=self.pt.GATEWAY))
        self.assertEqual((code, body.decode().strip()), (400, "Insufficient balance"))
        code, body = self.request("text-to-speech", tts, payment="!!!not base64")
        self.assertEqual(code, 402, body)
        headers, _ = self.gw.headers("text-to-speech", "stand-in")
        headers["Livepeer-Segment"] = headers["Livepeer-Segment"][:-8] + "AAAAAAA="
        code, body = post(self.node.port, "/text-to-speech", json.dumps(tts).encode(),
                          "application/json", headers)
        self.assertEqual(code, 403, body)

    def test_debit_spends_the_models_balance(self):
        # "pricey": one ticket (EV 8e9 wei) pays one request whose fee (1e10) exceeds it, so a
        # ticketless follow-up is refused; "free" (price 0) needs no ticket at all.
        code, body = self.request("text-to-speech", {"model_id": "pricey", "text": "a"}, model="pricey")
        self.assertEqual(code, 200, body)
        self.assertEqual(self.debit_line("text-to-speech", "pricey"), ("1000", "10000000/1"))
        _, info = self.gw.headers("text-to-speech", "pricey")
        ticketless = self.pb.Payment(sender=self.pt.GATEWAY, expected_price=info.price_info)
        code, body = self.request("text-to-speech", {"model_id": "pricey", "text": "a"},
                                  model="pricey", payment=ticketless)
        self.assertEqual((code, body.decode().strip()), (400, "Insufficient balance"))
        _, info = self.gw.headers("text-to-speech", "free")
        ticketless = self.pb.Payment(sender=self.pt.GATEWAY, expected_price=info.price_info)
        code, body = self.request("text-to-speech", {"model_id": "free", "text": "a"},
                                  model="free", payment=ticketless)
        self.assertEqual(code, 200, body)

    def test_a_model_nobody_serves_gets_a_clear_error(self):
        # A gateway that names the model in its capabilities is refused at the credentials.
        code, body = self.request("text-to-speech", {"model_id": "nobody", "text": "x"}, model="nobody")
        self.assertEqual((code, body.decode().strip()), (403, "incompatible capabilities"))
        code, body = self.request("text-to-speech", {"model_id": "nobody", "text": "x"},
                                  model="nobody", constrain=False)
        self.assertEqual(code, 503)
        self.assertEqual(body.decode().strip(),
                         'insufficient capacity: no runner serves text-to-speech model "nobody" here')
        code, body = self.request("text-to-speech", {"text": "x"})
        self.assertEqual((code, body.decode().strip()), (400, "model_id is required"))
        code, body = self.request("llm", {"model": "stand-in", "messages": []})
        self.assertEqual((code, body.decode().strip()), (400, "MaxTokens not specified"))

    def test_a_hanging_runner_is_timed_out(self):
        start = time.monotonic()
        code, body = self.request("text-to-speech", {"model_id": "hangs", "text": "x"}, model="hangs")
        took = time.monotonic() - start
        self.assertEqual(code, 500, body)
        self.assertIn("did not answer within the request's deadline (3 s)", body.decode())
        self.assertLess(took, 8)

    def test_insufficient_capacity(self):
        image = png(8, 4)

        def one(_):
            data, ctype = multipart({"model_id": "busy", "image": image})
            return self.request("image-to-text", data, ctype, model="busy")
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            results = list(pool.map(one, range(3)))
        codes = sorted(c for c, _ in results)
        self.assertEqual(codes.count(200), 1, results)
        self.assertEqual(codes.count(503), 2, results)
        self.assertIn(b"insufficient capacity\n", [b for c, b in results if c == 503])

    def test_runner_error_is_passed_on(self):
        code, body = self.request("llm", {"model": "fails", "max_tokens": 5,
                                          "messages": [{"role": "user", "content": "x"}]}, model="fails")
        self.assertEqual((code, body.decode().strip()),
                         (500, "llm container returned 400: stand-in runner was told to fail"))

    def test_data_urls_for_gateways_without_the_marker(self):
        t2i = {"model_id": "stand-in", "prompt": "x", "height": 8, "width": 8}
        code, body = self.request("text-to-image", t2i, marker=False)
        self.assertEqual(code, 200, body)
        self.assertTrue(json.loads(body)["images"][0]["url"].startswith("data:image/png;base64,"))
        code, body = self.request("text-to-image", t2i, marker=True)
        self.assertTrue(json.loads(body)["images"][0]["url"].startswith("https://"))
        # Only image answers stay inline; audio is a download either way.
        code, body = self.request("text-to-speech", {"model_id": "stand-in", "text": "x"}, marker=False)
        self.assertTrue(json.loads(body)["audio"]["url"].startswith("https://"))

    def test_llm_streams_server_sent_events(self):
        headers, _ = self.gw.headers("llm", "stand-in")
        body = json.dumps({"model": "stand-in", "max_tokens": 9, "stream": True,
                           "messages": [{"role": "user", "content": "hi"}]}).encode()
        r, conn = post(self.node.port, "/llm", body, "application/json", headers, stream=True)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Type"), "text/event-stream")
        first = r.readline()  # arrives before the runner finished (it pauses between words)
        self.assertTrue(first.startswith(b"data: "), first)
        rest = r.read()
        conn.close()
        events = [json.loads(l[6:]) for l in (first + rest).split(b"\n")
                  if l.startswith(b"data: {")]
        text = "".join(e["choices"][0]["delta"].get("content", "") for e in events)
        self.assertEqual(text.split(), ["stand-in", "runner", "says", "hello"])
        self.assertEqual(events[-1]["choices"][0]["finish_reason"], "stop")
        self.assertEqual(self.debit_line("llm")[0], "9")


class DualWorkloadTest(segment_test.NodeClient, unittest.TestCase):
    """Video segments and AI requests at the same time on one node (offchain, no payment)."""

    @classmethod
    def setUpClass(cls):
        port = free_port()
        cls.runner = start_stand_in(port, "--delay", "0.3")
        cls.models = tempfile.mktemp(prefix="baton-ai-models-", suffix=".json")
        with open(cls.models, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "stand-in", "capacity": 16,
                        "url": f"http://127.0.0.1:{port}"}], f)
        cls.NODE_FLAGS = ["-aiWorker", f"-aiModels={cls.models}", "-maxSessions=20"]
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.runner.kill()
        cls.runner.wait()
        cls.runner.stdout.close()
        os.unlink(cls.models)

    def ai_request(self, i):
        info = self.get_orchestrator()
        caps = self.pb.Capabilities(bitstring=[1 << 36])
        caps.constraints.PerCapability[36].models["stand-in"].warm = False
        sd = self.pb.SegData(manifestId=b"ai-%d" % i, auth_token=info.auth_token, capabilities=caps)
        headers = {"Livepeer-Payment": "", "Authorization": MARKER,
                   "Livepeer-Segment": base64.b64encode(sd.SerializeToString()).decode()}
        body = json.dumps({"model_id": "stand-in", "text": f"request {i}"}).encode()
        code, data = post(self.node.port, "/text-to-speech", body, "application/json", headers)
        return "ai", code, data

    def video_request(self, i):
        info = self.get_orchestrator()
        code, body = self.post(self.seg_data(info, self.segment, seq=i), self.segment)
        ok = code == 200 and self.pb.TranscodeResult.FromString(body).WhichOneof("result") == "data"
        return "video", code if ok else -code, body[:200]

    def test_video_and_ai_at_once(self):
        jobs = [("v", i) for i in range(6)] + [("a", i) for i in range(16)]
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            results = list(pool.map(
                lambda j: self.video_request(j[1]) if j[0] == "v" else self.ai_request(j[1]), jobs))
        for kind, code, body in results:
            self.assertEqual(code, 200, (kind, body))
        self.assertEqual(sum(1 for r in results if r[0] == "video"), 6)


def main():
    global ARGS
    ARGS, argv = parse_args("baton", "pydir", "source")
    payment_test.ARGS = segment_test.ARGS = ARGS
    unittest.main(argv=argv, verbosity=2)


if __name__ == "__main__":
    main()
