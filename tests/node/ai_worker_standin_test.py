#!/usr/bin/env python3
"""The standalone AI worker (`baton -aiWorker`, doc/wire.md 5.2) against a STAND-IN orchestrator
written here from lp_rpc.proto and doc/wire.md 5.2 alone (python3-h2 over ssl, gRPC framing by
hand; it is not an orchestrator, only what a worker sees of one), so the worker's side of the
protocol is checked by an implementation independent of Baton's orchestrator: the registration
message itself, and each /aiResults body read with Python's email parser.

Runners: baton-runner (eSpeak NG text-to-speech, the Lanczos upscaler) and a STAND-IN runner
(tests/ai, no model) for image-to-video frames (one MP4 back, ffprobe counts its frames) and llm
answers (streamed: one text/event-stream body; whole: a lone JSON part). Also: the input fetched
from input_url, the worker's error texts, a wrong secret ending the worker with exit code 2.
"""
import email
import email.policy
import json
import os
import queue
import re
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

import h2.config
import h2.connection
import h2.events

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "ai"))
import ai_test  # noqa: E402  (the stand-in runner and PNG helpers)
import ai_worker_test  # noqa: E402  (the worker process and media checks)
from ai_worker_test import (SECRET, TTS, UPSCALE, AiWorkerProcess, png_size,  # noqa: E402
                            run_with_wrong_secret, start_runner, wav_seconds)
from baton_process import free_port  # noqa: E402

ARGS = None


class StandInOrchestrator:
    """A STAND-IN orchestrator, for the worker's side of doc/wire.md 5.2 only: TLS with ALPN h2
    (python3-h2), RegisterAIWorker (records the request; "invalid secret" for a wrong one; keeps
    the stream open and sends NotifyAIJob messages on demand), POST /aiResults (records each),
    GET /stream/<name> (inputs given to it). One thread per connection; everything a connection
    sends is sent from its own thread (an outbox), as an ssl socket wants."""

    def __init__(self, pb, secret, tmp):
        self.pb, self.secret = pb, secret
        cert, key = os.path.join(tmp, "o-cert.pem"), os.path.join(tmp, "o-key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.ctx.set_alpn_protocols(["h2"])
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.registrations = queue.Queue()
        self.results = queue.Queue()
        self.inputs = {}
        self.worker = None  # (outbox, stream id) of the open registration
        self.closed = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.closed:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(raw,), daemon=True).start()

    def close(self):
        self.closed = True
        self.listener.close()

    def serve(self, raw):
        try:
            tls = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            return
        conn = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=False, header_encoding="utf-8"))
        conn.initiate_connection()
        outbox = queue.Queue()
        requests = {}
        tls.settimeout(0.05)
        try:
            tls.sendall(conn.data_to_send())
            while not self.closed:
                while not outbox.empty():
                    outbox.get()(conn)
                try:
                    data = tls.recv(65536)
                except (socket.timeout, ssl.SSLWantReadError):
                    data = None
                if data == b"":
                    return
                for ev in conn.receive_data(data) if data else []:
                    if isinstance(ev, h2.events.RequestReceived):
                        requests[ev.stream_id] = [dict(ev.headers), b""]
                    elif isinstance(ev, h2.events.DataReceived):
                        requests[ev.stream_id][1] += ev.data
                        conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                    elif isinstance(ev, h2.events.StreamEnded):
                        self.handle(conn, outbox, ev.stream_id, *requests.pop(ev.stream_id))
                    elif isinstance(ev, h2.events.ConnectionTerminated):
                        return
                out = conn.data_to_send()
                if out:
                    tls.sendall(out)
        except (OSError, ssl.SSLError):
            return
        finally:
            tls.close()

    def handle(self, conn, outbox, sid, headers, body):
        path = headers[":path"]
        if path == "/net.AIWorker/RegisterAIWorker":
            assert headers["content-type"].startswith("application/grpc"), headers
            assert body[0] == 0 and struct.unpack(">I", body[1:5])[0] == len(body) - 5, body[:5]
            request = self.pb.RegisterAIWorkerRequest.FromString(body[5:])
            self.registrations.put(request)
            if request.secret != self.secret:
                conn.send_headers(sid, [(":status", "200"), ("content-type", "application/grpc"),
                                        ("grpc-status", "2"), ("grpc-message", "invalid secret")],
                                  end_stream=True)
                return
            conn.send_headers(sid, [(":status", "200"), ("content-type", "application/grpc")])
            self.worker = (outbox, sid)
        elif path == "/aiResults":
            self.results.put((headers, body))
            conn.send_headers(sid, [(":status", "200"), ("content-type", "text/plain")])
            conn.send_data(sid, b"OK", end_stream=True)
        elif path.startswith("/stream/") and path in self.inputs:
            data = self.inputs[path]
            conn.send_headers(sid, [(":status", "200"), ("content-length", str(len(data)))])
            conn.send_data(sid, data, end_stream=True)
        else:
            conn.send_headers(sid, [(":status", "404")], end_stream=True)

    def send_job(self, task_id, pipeline, request, input_url=""):
        data = json.dumps({"input_url": input_url, "request": request}).encode()
        msg = self.pb.NotifyAIJob(taskId=task_id, AIJobData=self.pb.AIJobData(
            pipeline=pipeline, requestData=data)).SerializeToString()
        outbox, sid = self.worker
        outbox.put(lambda conn: conn.send_data(sid, b"\x00" + struct.pack(">I", len(msg)) + msg))


def parse_result(headers, body):
    """A multipart/mixed /aiResults body read by Python's email package: [(headers, bytes)]."""
    msg = email.message_from_bytes(
        b"Content-Type: " + headers["content-type"].encode() + b"\r\n\r\n" + body,
        policy=email.policy.HTTP)
    assert msg.is_multipart(), headers
    return [(p, p.get_payload(decode=True)) for p in msg.iter_parts()]


class AiWorkerAgainstStandInTest(unittest.TestCase):
    """The worker against the stand-in orchestrator above (not Baton's)."""

    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, ARGS.pydir)
        import lp_rpc_pb2
        cls.tmp = tempfile.mkdtemp(prefix="baton-aiw-standin-")
        cls.orch = StandInOrchestrator(lp_rpc_pb2, SECRET, cls.tmp)
        tts, tts_url = start_runner("text-to-speech", "espeak-ng")
        up, up_url = start_runner("upscale", "lanczos")
        # No model here makes videos or text: a STAND-IN runner (tests/ai, it says so) answers
        # image-to-video with PNG frames and llm with a fixed text, streamed or not.
        stand_in_port = free_port()
        stand_in = ai_test.start_stand_in(stand_in_port)
        cls.runners = [tts, up, stand_in]
        cls.tts_url = tts_url
        cls.models = os.path.join(cls.tmp, "models.json")
        stand_in_url = f"http://127.0.0.1:{stand_in_port}"
        with open(cls.models, "w") as f:
            json.dump([{"pipeline": "text-to-speech", "model_id": "espeak-ng", "url": tts_url,
                        "capacity": 2},
                       {"pipeline": "upscale", "model_id": "lanczos", "url": up_url},
                       {"pipeline": "image-to-video", "model_id": "stand-in", "url": stand_in_url},
                       {"pipeline": "llm", "model_id": "stand-in", "url": stand_in_url}], f)
        cls.worker = AiWorkerProcess(cls.orch.port, cls.models).start()
        cls.registration = cls.orch.registrations.get(timeout=30)
        cls.worker.wait_registered()

    @classmethod
    def tearDownClass(cls):
        cls.worker.remove()
        cls.orch.close()
        for r in cls.runners:
            r.kill()
            r.wait()
            if r.stdout:
                r.stdout.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def result(self, task_id):
        headers, body = self.orch.results.get(timeout=60)
        self.assertEqual(headers["authorization"], "Livepeer-AI-Worker-1.0")
        self.assertEqual(headers["credentials"], SECRET)
        self.assertEqual(headers["taskid"], str(task_id))
        return headers, body

    def test_registration_carries_the_models(self):
        r = self.registration
        self.assertEqual(r.secret, SECRET)
        self.assertRegex(r.capabilities.version, r"^\d+\.\d+\.\d+\+baton\.")
        words = list(r.capabilities.bitstring)
        for cap in (TTS, UPSCALE):
            self.assertTrue(words[cap // 64] >> (cap % 64) & 1, (cap, words))
        models = r.capabilities.constraints.PerCapability
        self.assertEqual(models[TTS].models["espeak-ng"].capacity, 2)
        self.assertEqual(models[UPSCALE].models["lanczos"].capacity, 1)
        self.assertTrue(models[TTS].models["espeak-ng"].runnerVersion.startswith("baton-runner"))

    def test_text_to_speech_result_is_a_wav_part_and_its_json(self):
        request = {"model_id": "espeak-ng", "text": "A stand-in orchestrator asked."}
        # What the worker adds to the runner's own time: the runner alone, then through the job.
        start = time.monotonic()
        with urllib.request.urlopen(urllib.request.Request(
                self.tts_url + "/text-to-speech", data=json.dumps(request).encode(),
                headers={"Content-Type": "application/json"}), timeout=30) as r:
            r.read()
        alone = time.monotonic() - start
        start = time.monotonic()
        self.orch.send_job(11, "text-to-speech", request)
        headers, body = self.result(11)
        total = time.monotonic() - start
        pattern = re.compile(r"AI task 11 text-to-speech espeak-ng done in ([\d.]+) ms \(queued "
                             r"([\d.]+) ms\), result posted in ([\d.]+) ms")
        for _ in range(50):  # the worker logs the line once the post has been answered
            done = pattern.search(self.worker.read_log())
            if done:
                break
            time.sleep(0.1)
        print(f"\ntext-to-speech: runner alone {alone * 1000:.0f} ms; as a worker job: "
              f"{done.group(1)} ms to the runner's answer and the result body, queued "
              f"{done.group(2)} ms, posted in {done.group(3)} ms; {total * 1000:.0f} ms from "
              f"NotifyAIJob sent to result received (stand-in orchestrator)", file=sys.stderr)
        self.assertEqual(headers["pipeline"], "text-to-speech")
        self.assertTrue(headers["content-type"].startswith("multipart/mixed; boundary="), headers)
        parts = parse_result(headers, body)
        self.assertEqual(len(parts), 2, [p.items() for p, _ in parts])
        (wav_part, wav), (json_part, doc) = parts
        self.assertEqual(wav_part.get_content_type(), "audio/wav")
        self.assertEqual(int(wav_part["Content-Length"]), len(wav))
        name = wav_part.get_filename()
        self.assertRegex(name, r"^[0-9a-f]{8}\.wav$")
        self.assertGreater(wav_seconds(wav), 0.5)
        self.assertEqual(json_part.get_content_type(), "application/json")
        self.assertEqual(json.loads(doc)["audio"]["url"], name)

    def test_upscale_downloads_its_input_url(self):
        self.orch.inputs["/stream/req1/0badcafe.tempfile"] = ai_test.png(8, 4)
        self.orch.send_job(12, "upscale", {"model_id": "lanczos", "prompt": "sharper"},
                           f"https://127.0.0.1:{self.orch.port}/stream/req1/0badcafe.tempfile")
        headers, body = self.result(12)
        (png_part, png), (json_part, doc) = parse_result(headers, body)
        self.assertEqual(png_part.get_content_type(), "image/png")
        self.assertEqual(png_size(png), (32, 16))
        self.assertEqual(json.loads(doc)["images"][0]["url"], png_part.get_filename())

    def test_image_to_video_frames_become_one_mp4(self):
        self.orch.inputs["/stream/req2/00c0ffee.tempfile"] = ai_test.png(8, 8)
        self.orch.send_job(16, "image-to-video", {"model_id": "stand-in", "fps": 7},
                           f"https://127.0.0.1:{self.orch.port}/stream/req2/00c0ffee.tempfile")
        headers, body = self.result(16)
        (mp4_part, mp4), (json_part, doc) = parse_result(headers, body)
        self.assertEqual(mp4_part.get_content_type(), "video/mp4")
        self.assertRegex(mp4_part.get_filename(), r"^[0-9a-f]{8}\.mp4$")
        self.assertEqual(ai_test.mp4_frames(mp4), 2)  # the stand-in runner's two frames
        self.assertEqual(json.loads(doc)["images"][0]["url"], mp4_part.get_filename())

    def test_llm_answers_streamed_and_whole(self):
        request = {"model": "stand-in", "messages": [{"role": "user", "content": "hi"}]}
        self.orch.send_job(17, "llm", dict(request, stream=True))
        headers, body = self.result(17)
        self.assertEqual(headers["content-type"], "text/event-stream")
        events = [json.loads(line[6:]) for line in body.decode().split("\n\n")
                  if line.startswith("data: {")]
        self.assertEqual("".join(e["choices"][0]["delta"].get("content", "") for e in events),
                         "stand-in runner says hello ")
        self.assertEqual(events[-1]["choices"][0]["finish_reason"], "stop")
        self.orch.send_job(18, "llm", request)
        headers, body = self.result(18)
        parts = parse_result(headers, body)
        self.assertEqual([p.get_content_type() for p, _ in parts], ["application/json"])
        self.assertEqual(json.loads(parts[0][1])["choices"][0]["message"]["content"],
                         "stand-in runner says hello")

    def test_errors_are_worker_error_texts(self):
        self.orch.send_job(13, "text-to-speech", {"model_id": "not-here", "text": "x"})
        headers, body = self.result(13)
        self.assertEqual(headers["content-type"], "livepeer/ai-worker-error")
        self.assertIn(b"no workers can process job requested", body)
        self.orch.send_job(14, "upscale", {"model_id": "lanczos", "prompt": "x"},
                           f"https://127.0.0.1:{self.orch.port}/stream/missing.tempfile")
        headers, body = self.result(14)
        self.assertEqual(headers["content-type"], "livepeer/ai-worker-error")
        self.assertIn(b"answered 404", body)
        self.orch.send_job(15, "text-to-speech", {"text": "no model"})
        headers, body = self.result(15)
        self.assertIn(b"AI request validation failed for text-to-speech", body)

    def test_wrong_secret_exits_2(self):
        code, out = run_with_wrong_secret(self.orch.port, self.models, self.tmp)
        self.assertEqual(code, 2, out)
        self.assertIn("invalid secret (check -orchSecret", out)


def main():
    global ARGS
    ARGS, rest = ai_worker_test.parse_args([ai_test, ai_worker_test])
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
