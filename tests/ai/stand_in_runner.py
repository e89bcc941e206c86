#!/usr/bin/env python3
"""STAND-IN AI runner for tests: speaks the AI Runner HTTP API (doc/ai.md 1) with NO model.

It exists to test the orchestrator's routing, payment and streaming for pipelines that have no
offline model on this machine (text-to-image, image-to-image, image-to-video, segment-anything-2,
llm, ...). Every answer says it comes from a stand-in: texts start with "stand-in runner",
images are a flat grey PNG, audio is silence. Never use it to serve gateways.

Usage: stand_in_runner.py --port P [--pipeline NAME] [--model ID] [--token T]
                          [--mode ok|hang|fail] [--delay SECONDS]
With no --pipeline it answers every pipeline's route (one process for many tests); with
--model it refuses another model_id as the AI Runner does (400).
"""
import argparse
import base64
import http.server
import json
import re
import socket
import socketserver
import struct
import threading
import time
import zlib

ARGS = None
PIPELINES = ["text-to-image", "image-to-image", "image-to-video", "upscale", "audio-to-text",
             "segment-anything-2", "llm", "image-to-text", "text-to-speech"]


def png(width=8, height=8, grey=128):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes([grey]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def wav(seconds=0.25, rate=16000):
    data = b"\x00\x00" * int(rate * seconds)
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
            struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" +
            struct.pack("<I", len(data)) + data)


def data_url(mime, data):
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def media():
    return {"url": data_url("image/png", png()), "seed": 42, "nsfw": False}


def parse_form(body, content_type):
    """A minimal multipart/form-data reader (test tool; the node has its own parser)."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not m:
        return None
    fields = {}
    for part in body.split(b"--" + m.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name:
            fields[name.group(1).decode()] = value[:-2] if value.endswith(b"\r\n") else value
    return fields


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body are written separately: without this, Nagle and the client's
        # delayed ACK add 40 ms to every answer, which would swamp latency measurements.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def answer(self, status, obj, content_type="application/json"):
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, msg):
        self.answer(status, {"detail": {"msg": msg}})

    def do_GET(self):
        if self.path == "/health":
            return self.answer(200, {"status": "OK"})
        if self.path == "/version":
            return self.answer(200, {"pipeline": ARGS.pipeline or "any", "model_id": ARGS.model or "any",
                                     "version": "0.0.0-stand-in"})
        self.answer(404, {"detail": "Not Found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        pipeline = self.path.strip("/")
        if pipeline not in PIPELINES or (ARGS.pipeline and pipeline != ARGS.pipeline):
            return self.answer(404, {"detail": "Not Found"})
        if ARGS.token and self.headers.get("Authorization") != "Bearer " + ARGS.token:
            return self.error(401, "Invalid bearer token.")
        STATS["requests"] += 1
        if ARGS.mode == "hang":
            time.sleep(3600)
        if ARGS.delay:
            time.sleep(ARGS.delay)
        if ARGS.mode == "fail":
            return self.error(400, "stand-in runner was told to fail")
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            req = {k: v.decode("utf-8", "replace") if k not in ("image", "audio") else v
                   for k, v in (parse_form(body, ctype) or {}).items()}
        else:
            req = json.loads(body or b"{}")
        model = req.get("model" if pipeline == "llm" else "model_id", "")
        if ARGS.model and model and model != ARGS.model:
            return self.error(400, f"pipeline configured with {ARGS.model} but called with {model}")
        if pipeline in ("text-to-image", "image-to-image", "upscale"):
            n = int(req.get("num_images_per_prompt", 1))
            return self.answer(200, {"images": [media() for _ in range(n)]})
        if pipeline == "image-to-video":
            return self.answer(200, {"frames": [[media(), media()]]})
        if pipeline == "audio-to-text":
            return self.answer(200, {"text": "stand-in runner: no speech model",
                                     "chunks": [{"timestamp": [0, 1], "text": "stand-in runner"}]})
        if pipeline == "segment-anything-2":
            return self.answer(200, {"masks": "[[[0]]]", "scores": "[0.0]", "logits": "[[[0.0]]]"})
        if pipeline == "image-to-text":
            return self.answer(200, {"text": "stand-in runner: no OCR model"})
        if pipeline == "text-to-speech":
            if not req.get("text"):
                return self.error(400, "Text input must be provided.")
            return self.answer(200, {"audio": {"url": data_url("audio/wav", wav())}})
        # llm
        words = ["stand-in", "runner", "says", "hello"]
        base = {"id": "stand-in", "model": model, "created": int(time.time())}
        if req.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def send(text):
                data = text.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            for i, w in enumerate(words):
                chunk = dict(base, choices=[{"index": 0, "finish_reason": "",
                                             "delta": {"role": "assistant", "content": w + " "}}])
                send("data: " + json.dumps(chunk) + "\n\n")
                time.sleep(ARGS.stream_gap)
            send("data: " + json.dumps(dict(base, choices=[{"index": 0, "finish_reason": "stop",
                                                            "delta": {}}])) + "\n\n")
            send("data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        self.answer(200, dict(base, usage={"prompt_tokens": 1, "completion_tokens": 4, "total_tokens": 5},
                              choices=[{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": " ".join(words)}}]))


STATS = {"requests": 0}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pipeline", default="")
    p.add_argument("--model", default="")
    p.add_argument("--token", default="")
    p.add_argument("--mode", choices=["ok", "hang", "fail"], default="ok")
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--stream-gap", type=float, default=0.05)
    ARGS = p.parse_args()
    server = Server(("127.0.0.1", ARGS.port), Handler)
    print(f"stand-in runner (no model) on 127.0.0.1:{ARGS.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
