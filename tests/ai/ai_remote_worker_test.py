#!/usr/bin/env python3
"""Remote AI workers end to end (doc/wire.md 5.2): a real baton orchestrator with -orchSecret
and -transcoder (no -aiWorker; -aiModels only prices the models) and an AI worker written here from
lp_rpc.proto alone with python3-grpcio, as a go-livepeer worker speaks the protocol. The worker
is a STAND-IN: it runs no model; it answers with a generated WAV, or the input image back.

A gateway-style client (tests/ai/ai_test.py's helpers: GetOrchestrator, tickets, SegData) sends
paid requests. Checked: registration (wrong secret refused), the worker's models and hardware
in GetOrchestrator and /status, the NotifyAIJob's requestData (go-livepeer's field types, the
upload stored at input_url), a text-to-speech and an upscale answer downloaded from the node,
a streamed llm answer,
malformed /aiResults posts (statuses, nothing disturbed), a worker that disconnects mid-job
(a clear error at once, not a hang), one that answers late (the request times out, the worker
keeps the unit until its answer, then serves again), and a
combined node (-aiWorker with a stand-in runner at a URL, plus a remote worker).
"""
import argparse
import base64
import http.client
import json
import os
import re
import ssl
import sys
import tempfile
import threading
import time
import unittest

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "node"))
sys.path.insert(0, HERE)
import ai_test  # noqa: E402  (the gateway-side helpers)
import payment_test  # noqa: E402
import segment_test  # noqa: E402

ARGS = None
SECRET = "ai-remote-secret"
TTS, UPSCALE, LLM = 36, 30, 33


def insecure():
    return ssl._create_unverified_context()


def post_results(node, headers, body):
    conn = http.client.HTTPSConnection("127.0.0.1", node.port, context=insecure(), timeout=10)
    conn.request("POST", "/aiResults", body=body, headers=headers)
    r = conn.getresponse()
    out = (r.status, r.read().decode(errors="replace"))
    conn.close()
    return out


def go_result(files, answer):
    """A /aiResults multipart/mixed body as go-livepeer's worker writes it: each file part with
    Content-Disposition, Content-Length, Content-Type (Go writes header names sorted), then
    the JSON part."""
    boundary = os.urandom(10).hex()
    out = b""
    for name, ctype, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: attachment; filename={name}\r\n"
                f"Content-Length: {len(data)}\r\nContent-Type: {ctype}\r\n\r\n").encode()
        out += data + b"\r\n"
    text = json.dumps(answer).encode()
    out += (f"--{boundary}\r\nContent-Length: {len(text)}\r\nContent-Type: application/json"
            f"\r\n\r\n").encode() + text + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/mixed; boundary={boundary}"


class PythonAiWorker:
    """An AI worker from lp_rpc.proto alone. mode: answer, disconnect (drops its stream when a
    job arrives) or hang (never answers)."""

    WAV = ai_test.wav(0.25)

    def __init__(self, node, secret=SECRET, mode="answer", capacity=1):
        self.node, self.secret, self.mode, self.capacity = node, secret, mode, capacity
        creds = grpc.ssl_channel_credentials(root_certificates=node.server_cert())
        self.channel = grpc.secure_channel(f"localhost:{node.port}", creds)
        self.jobs = []      # (NotifyAIJob, requestData as JSON, input bytes)
        self.posted = []    # (taskId, status, text)
        self.error = None
        self.stream = None
        self.thread = None

    def register(self):
        lp = ai_test.AiTest.pb
        caps = lp.Capabilities(version="0.9.2",
                               bitstring=[(1 << TTS) | (1 << UPSCALE) | (1 << LLM)])
        caps.constraints.PerCapability[TTS].models["remote-tts"].capacity = self.capacity
        caps.constraints.PerCapability[TTS].models["remote-tts"].warm = True
        caps.constraints.PerCapability[UPSCALE].models["remote-up"].capacity = self.capacity
        caps.constraints.PerCapability[LLM].models["remote-llm"].capacity = self.capacity
        hw = lp.HardwareInformation(pipeline="text-to-speech", model_id="remote-tts")
        hw.gpu_info["0"].id = "0"
        hw.gpu_info["0"].name = "stand-in GPU"
        call = self.channel.unary_stream(
            "/net.AIWorker/RegisterAIWorker",
            request_serializer=lp.RegisterAIWorkerRequest.SerializeToString,
            response_deserializer=lp.NotifyAIJob.FromString)
        return call(lp.RegisterAIWorkerRequest(secret=self.secret, capabilities=caps,
                                               hardware=[hw]))

    def start(self):
        self.stream = self.register()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()
        return self

    def serve(self):
        try:
            for notify in self.stream:
                data = json.loads(notify.AIJobData.requestData)
                source = b""
                if data["input_url"]:
                    with urllib_open(data["input_url"]) as r:
                        source = r.read()
                self.jobs.append((notify, data, source))
                if self.mode == "disconnect":
                    self.stream.cancel()
                    return
                if self.mode == "answer":
                    self.answer(notify, data, source)
        except grpc.RpcError as e:
            self.error = e
        except Exception as e:  # noqa: BLE001  (reported by the test that reads .error)
            self.error = e
            raise

    def answer(self, notify, data, source):
        pipeline = notify.AIJobData.pipeline
        if pipeline == "llm":  # streamed: go-livepeer's worker relays data: lines, no [DONE]
            chunks = [{"choices": [{"index": 0, "delta": {"content": w},
                                    "finish_reason": ""}]} for w in ("remote ", "words")]
            chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
            ctype = "text/event-stream"
        elif pipeline == "text-to-speech":
            name = os.urandom(4).hex() + ".wav"
            body, ctype = go_result([(name, "audio/wav", self.WAV)], {"audio": {"url": name}})
        else:  # upscale: the input back, as a stand-in
            name = os.urandom(4).hex() + ".png"
            body, ctype = go_result([(name, "image/png", source)],
                                    {"images": [{"url": name, "seed": 5, "nsfw": False}]})
        status, text = post_results(self.node, {
            "Authorization": "Livepeer-AI-Worker-1.0", "Credentials": self.secret,
            "TaskId": str(notify.taskId), "Pipeline": pipeline, "Content-Type": ctype}, body)
        self.posted.append((notify.taskId, status, text))

    def close(self):
        if self.stream is not None:
            self.stream.cancel()
        self.channel.close()


def urllib_open(url):
    import urllib.request
    return urllib.request.urlopen(url, timeout=5, context=insecure())


def wait_for(predicate, timeout=20, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class AiRemoteWorkerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, ARGS.pydir)
        from baton_process import BatonProcess
        import lp_rpc_pb2
        for c in (cls, ai_test.AiTest):
            c.pb = lp_rpc_pb2
            c.pt = payment_test
            c.pt_case = payment_test.PaymentTest()
            c.pt_case.pb = lp_rpc_pb2
        cls.tmp = tempfile.mkdtemp(prefix="baton-ai-remote-")
        path = os.path.join(cls.tmp, "models.json")
        with open(path, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "remote-tts", "price_per_unit": 3},
                       {"pipeline": "upscale", "model_id": "remote-up", "price_per_unit": 2}], f)
        cls.node = BatonProcess(ARGS.baton, [
            "-ethPassword=test-password", "-pricePerUnit=1000", "-autoAdjustPrice=false",
            "-orchSecret", SECRET, f"-aiModels={path}", "-aiRequestTimeout=6s", "-monitor"],
            transcoder=True).start()
        cls.gw = ai_test.Gateway(cls, cls.node)

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()

    def status(self):
        return json.loads(self.node.cli_get("/status")[1])

    def attached(self, n):
        wait_for(lambda: self.status().get("RegisteredAIWorkersNumber") == n,
                 what=f"{n} AI workers attached")

    def request(self, pipeline, model, body, content_type="application/json"):
        headers, _ = self.gw.headers(pipeline, model)
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        return ai_test.post(self.node.port, "/" + pipeline, body, content_type, headers)

    def test_1_wrong_secret_is_refused(self):
        w = PythonAiWorker(self.node, secret="wrong")
        try:
            with self.assertRaises(grpc.RpcError) as err:
                list(w.register())
            self.assertEqual(err.exception.details(), "invalid secret")
        finally:
            w.close()
        self.assertEqual(self.status()["RegisteredAIWorkersNumber"], 0)

    def test_2_worker_serves_paid_requests(self):
        w = PythonAiWorker(self.node).start()
        try:
            self.attached(1)
            listed = self.status()["RegisteredAIWorkers"][0]
            self.assertEqual({(m["Pipeline"], m["ModelID"], m["Capacity"]) for m in listed["Models"]},
                             {("text-to-speech", "remote-tts", 1), ("upscale", "remote-up", 1),
                              ("llm", "remote-llm", 1)})
            # The worker's models and hardware are the node's.
            info = self.gw.get_orchestrator()
            models = info.capabilities.constraints.PerCapability[TTS].models
            self.assertEqual(models["remote-tts"].capacity, 1)
            self.assertTrue(models["remote-tts"].warm)
            self.assertTrue(info.capabilities.bitstring[0] >> TTS & 1)
            self.assertIn(("text-to-speech", "remote-tts"),
                          [(h.pipeline, h.model_id) for h in info.hardware])
            prices = {(p.capability, p.constraint): p.pricePerUnit for p in info.capabilities_prices}
            self.assertEqual(prices[(TTS, "remote-tts")], 3)

            # text-to-speech: JSON, no input.
            code, body = self.request("text-to-speech", "remote-tts",
                                      {"model_id": "remote-tts", "text": "hello"})
            self.assertEqual(code, 200, body)
            notify, data, _ = w.jobs[-1]
            self.assertEqual(notify.AIJobData.pipeline, "text-to-speech")
            self.assertEqual(data, {"input_url": "",
                                    "request": {"model_id": "remote-tts", "text": "hello"}})
            url = json.loads(body)["audio"]["url"]
            self.assertRegex(url, rf"^https://localhost:{self.node.port}/stream/[0-9a-f]{{8}}/"
                                  r"[0-9a-f]{8}\.wav$")
            status, ctype, audio = ai_test.get(url)
            self.assertEqual((status, audio), (200, PythonAiWorker.WAV))
            self.assertEqual(w.posted[-1][1:], (200, "OK"))
            self.assertIn("AI request", self.node.read_log())

            # upscale: multipart; the image waits at input_url, the fields have Go's types.
            image = ai_test.png(6, 4)
            form, ctype = ai_test.multipart({"model_id": "remote-up", "prompt": "sharper",
                                             "image": image, "seed": "42",
                                             "safety_check": "false"})
            code, body = self.request("upscale", "remote-up", form, ctype)
            self.assertEqual(code, 200, body)
            notify, data, source = w.jobs[-1]
            self.assertRegex(data["input_url"], rf"^https://localhost:{self.node.port}/stream/"
                                                r"[0-9a-f]{8}/[0-9a-f]{8}\.tempfile$")
            self.assertEqual(source, image)
            self.assertEqual(data["request"], {"model_id": "remote-up", "prompt": "sharper",
                                               "image": None, "seed": 42,
                                               "safety_check": False})
            answer = json.loads(body)
            self.assertEqual(answer["images"][0]["seed"], 5)
            status, ctype, data = ai_test.get(answer["images"][0]["url"])
            self.assertEqual((status, data), (200, image))
            # Paid for: the debit lines name the units (1000 per character; 24 pixels).
            log = self.node.read_log()
            self.assertRegex(log, r"AI request \w+ text-to-speech remote-tts: 5000 units")
            self.assertRegex(log, r"AI request \w+ upscale remote-up: 24 units")

            # llm with "stream": the worker's event stream reaches the gateway.
            headers, _ = self.gw.headers("llm", "remote-llm")
            body = json.dumps({"model": "remote-llm", "max_tokens": 4, "stream": True,
                               "temperature": 0.5,
                               "messages": [{"role": "user", "content": "hi"}]}).encode()
            r, conn = ai_test.post(self.node.port, "/llm", body, "application/json", headers,
                                   stream=True)
            self.assertEqual((r.status, r.getheader("Content-Type")), (200, "text/event-stream"))
            events = [json.loads(line[6:]) for line in r.read().split(b"\n")
                      if line.startswith(b"data: {")]
            conn.close()
            self.assertEqual("".join(e["choices"][0]["delta"].get("content", "") for e in events),
                             "remote words")
            self.assertEqual(w.jobs[-1][1]["request"]["stream"], True)
            self.assertEqual(w.jobs[-1][1]["request"]["temperature"], 0.5)
        finally:
            w.close()
        self.attached(0)

    def test_3_malformed_results_get_their_status_and_disturb_nothing(self):
        w = PythonAiWorker(self.node).start()
        try:
            self.attached(1)
            good = {"Authorization": "Livepeer-AI-Worker-1.0", "Credentials": SECRET,
                    "TaskId": "123456", "Pipeline": "text-to-speech"}
            body, ctype = go_result([("0a0b0c0d.wav", "audio/wav", b"RIFF")],
                                    {"audio": {"url": "0a0b0c0d.wav"}})
            good["Content-Type"] = ctype
            cases = [
                ({"Authorization": "Livepeer-Transcoder-1.0"}, body, 401),
                ({"Credentials": "wrong"}, body, 401),
                ({"Content-Type": ""}, body, 415),
                ({"Content-Type": "text/plain"}, body, 415),
                ({"TaskId": "six"}, body, 400),
                ({}, body[:40], 500),                  # truncated multipart
                ({}, body, 200),                       # unknown task: dropped
                ({"Content-Type": "livepeer/ai-worker-error"}, b"oops", 200),
            ]
            for change, payload, expected in cases:
                status, text = post_results(self.node, dict(good, **change), payload)
                self.assertEqual(status, expected, (change, text))
            self.assertIn("Invalid Task ID", post_results(self.node, dict(good, TaskId="x"),
                                                         body)[1])
            # The worker and the node work as before.
            self.assertEqual(self.status()["RegisteredAIWorkersNumber"], 1)
            code, answer = self.request("text-to-speech", "remote-tts",
                                        {"model_id": "remote-tts", "text": "again"})
            self.assertEqual(code, 200, answer)
        finally:
            w.close()
        self.attached(0)

    def test_4_worker_that_disconnects_mid_job_fails_the_request_at_once(self):
        w = PythonAiWorker(self.node, mode="disconnect").start()
        try:
            self.attached(1)
            start = time.monotonic()
            code, body = self.request("text-to-speech", "remote-tts",
                                      {"model_id": "remote-tts", "text": "bye"})
            took = time.monotonic() - start
            self.assertEqual(code, 500, body)
            self.assertIn(b"disconnected", body)
            self.assertLess(took, 5, "the gateway waited for the deadline")
            self.assertEqual(len(w.jobs), 1)
        finally:
            w.close()
        self.attached(0)
        # No worker now: the node no longer has the model (go-livepeer's capability check).
        code, body = self.request("text-to-speech", "remote-tts",
                                  {"model_id": "remote-tts", "text": "anyone?"})
        self.assertEqual((code, body), (403, b"incompatible capabilities\n"))

    def test_5_worker_that_never_answers_keeps_the_unit_until_its_late_answer(self):
        w = PythonAiWorker(self.node, mode="hang").start()
        try:
            self.attached(1)
            code, body = self.request("text-to-speech", "remote-tts",
                                      {"model_id": "remote-tts", "text": "slow"})
            self.assertEqual(code, 500, body)
            self.assertIn(b"deadline", body)
            # The request gave up, not the worker: it stays attached (its other jobs would fail
            # with it), and the job keeps its one unit of capacity while the worker works on it.
            self.attached(1)
            self.assertIsNone(w.error)
            code, body = self.request("text-to-speech", "remote-tts",
                                      {"model_id": "remote-tts", "text": "busy"})
            self.assertEqual(code, 503, body)
            self.assertIn(b"insufficient capacity", body)
            # The late answer is taken (200) and frees the unit: the next request is served.
            notify, data, source = w.jobs[0]
            w.mode = "answer"
            w.answer(notify, data, source)
            self.assertEqual(w.posted[-1][1], 200, w.posted[-1])
            code, body = self.request("text-to-speech", "remote-tts",
                                      {"model_id": "remote-tts", "text": "again"})
            self.assertEqual(code, 200, body)
        finally:
            w.close()


class CombinedNodeTest(unittest.TestCase):
    """-orchestrator -aiWorker -orchSecret: local runners (a stand-in runner at a URL) and
    remote AI workers side by side; a model only a remote worker serves is unpriced (free)."""

    def test_local_runner_and_remote_worker_both_serve(self):
        from baton_process import BatonProcess, free_port
        port = free_port()
        runner = ai_test.start_stand_in(port)
        tmp = tempfile.mkdtemp(prefix="baton-ai-combined-")
        path = os.path.join(tmp, "models.json")
        with open(path, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "stand-in",
                        "url": f"http://127.0.0.1:{port}", "price_per_unit": 0}], f)
        node = BatonProcess(ARGS.baton, [
            "-ethPassword=test-password", "-pricePerUnit=0", "-autoAdjustPrice=false",
            "-orchSecret", SECRET, "-aiWorker", f"-aiModels={path}", "-aiRequestTimeout=6s"],
            transcoder=True).start()
        try:
            gw = ai_test.Gateway(AiRemoteWorkerTest, node)
            w = PythonAiWorker(node).start()
            try:
                wait_for(lambda: json.loads(node.cli_get("/status")[1]).get(
                    "RegisteredAIWorkersNumber") == 1, what="the worker")
                for model, expected in (("stand-in", None), ("remote-tts", PythonAiWorker.WAV)):
                    headers, _ = gw.headers("text-to-speech", model)
                    code, body = ai_test.post(node.port, "/text-to-speech", json.dumps(
                        {"model_id": model, "text": "hi"}).encode(), "application/json", headers)
                    self.assertEqual(code, 200, (model, body))
                    status, _, audio = ai_test.get(json.loads(body)["audio"]["url"])
                    self.assertEqual(status, 200)
                    self.assertEqual(audio[:4], b"RIFF")
                    if expected is not None:
                        self.assertEqual(audio, expected)
                self.assertEqual(len(w.jobs), 1)  # the local model never went to the worker
            finally:
                w.close()
        finally:
            node.stop()
            runner.kill()
            runner.wait()
            runner.stdout.close()


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--baton", required=True)
    p.add_argument("--pydir", required=True)
    p.add_argument("--source", required=True)
    ARGS, rest = p.parse_known_args()
    ai_test.ARGS = payment_test.ARGS = segment_test.ARGS = ARGS
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
