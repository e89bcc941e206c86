"""The O-T split end to end (doc/wire.md 5.1, README "Remote transcoders"): real baton processes
on loopback over TLS — an orchestrator with -orchSecret and standalone `baton -transcoder`
processes — driven by baton-gateway, which verifies every result (pixel recounts). Also a
transcoder written from lp_rpc.proto alone with python3-grpcio (transcoding with the ffmpeg
CLI), the registration errors, and malformed /transcodeResults posts."""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

import grpc

sys.path.insert(0, os.path.dirname(__file__))
from baton_process import BatonProcess, LoggedProcess, free_port, poll, wait_for  # noqa: E402

ARGS = None
SECRET = "split-test-secret"


def pb():
    sys.path.insert(0, ARGS.pydir)
    import lp_rpc_pb2
    return lp_rpc_pb2


class TranscoderProcess(LoggedProcess):
    """A standalone `baton -transcoder` registered with `orch_port`."""

    def __init__(self, orch_port, secret=SECRET, capacity=4, extra=()):
        super().__init__(prefix="baton-t-", log_name="t.log")
        self.cli_port = free_port()
        self.args = [ARGS.baton, "-transcoder", "-orchAddr", f"127.0.0.1:{orch_port}",
                     "-orchSecret", secret, "-maxSessions", str(capacity), "-monitor",
                     f"-cliAddr=127.0.0.1:{self.cli_port}", f"-dataDir={self.data_dir}",
                     *extra]

    def start(self):
        return self.launch()

    def status(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.cli_port}/status", timeout=5) as r:
            return json.loads(r.read())

    def wait_registered(self, timeout=20):
        if not poll(lambda: self.status()["Registered"], timeout, ignore=OSError):
            raise AssertionError("transcoder did not register:\n" + self.read_log())


def orch_status(node):
    return node.status()


def metric(node, name):
    return node.metric(name)


def run_gateway(node, sessions, seconds, segment=1, timeout=600, wait=True):
    args = [ARGS.gateway, "-orchAddr", f"127.0.0.1:{node.port}", "-testPattern",
            "-duration", str(seconds), "-segmentDuration", str(segment),
            "-testPatternSize", "256x144", "-transcodingOptions", "P144p30fps16x9",
            "-sessions", str(sessions), "-json"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return proc
    return finish_gateway(proc, timeout)


def finish_gateway(proc, timeout=600):
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"gateway exited {proc.returncode}:\n{out[-3000:]}\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


class PythonTranscoder:
    """A remote transcoder from lp_rpc.proto alone: grpcio for the registration stream, urllib
    for the input, the ffmpeg CLI for the renditions, http.client for /transcodeResults."""

    def __init__(self, node, secret=SECRET, capacity=1, answer=True):
        self.node, self.secret, self.capacity, self.answer = node, secret, capacity, answer
        creds = grpc.ssl_channel_credentials(root_certificates=node.server_cert())
        self.channel = grpc.secure_channel(f"localhost:{node.port}", creds)
        self.tasks = []
        self.posted = []
        self.error = None

    def register(self):
        lp = pb()
        call = self.channel.unary_stream(
            "/net.Transcoder/RegisterTranscoder",
            request_serializer=lp.RegisterRequest.SerializeToString,
            response_deserializer=lp.NotifySegment.FromString)
        return call(lp.RegisterRequest(secret=self.secret, capacity=self.capacity))

    def serve(self, stream):
        try:
            for notify in stream:
                self.tasks.append(notify)
                if notify.url and self.answer:
                    self.handle(notify)
        except grpc.RpcError as e:
            self.error = e
        except Exception as e:  # noqa: BLE001  (reported by the test that reads .error)
            self.error = e
            raise

    def handle(self, notify):
        # Self-signed, as every orchestrator's: fetched without verification, as go-livepeer does.
        with urllib.request.urlopen(notify.url, timeout=5, context=insecure()) as r:
            source = r.read()
        seg = notify.segData
        profiles = list(seg.fullProfiles3 or seg.fullProfiles2 or seg.fullProfiles)
        writer_boundary = "0123456789abcdef0123"
        body = b""
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "in.ts")
            with open(src, "wb") as f:
                f.write(source)
            for i, p in enumerate(profiles):
                out = os.path.join(tmp, f"{i}.ts")
                subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", src,
                                "-vf", f"scale={p.width}:{p.height}", "-c:v", "libx264",
                                "-b:v", str(p.bitrate), "-c:a", "copy", "-f", "mpegts",
                                "-muxdelay", "0", out], check=True)
                frames = int(subprocess.run(
                    ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                     "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", out],
                    check=True, capture_output=True, text=True).stdout.split()[0])
                with open(out, "rb") as f:
                    data = f.read()
                body += (f"--{writer_boundary}\r\nContent-Type: video/mp2t\r\n"
                         f"Content-Length: {len(data)}\r\n"
                         f"Pixels: {frames * p.width * p.height}\r\n\r\n").encode()
                body += data + b"\r\n"
        body += f"--{writer_boundary}--\r\n".encode()
        status, _ = post_results(self.node, {
            "Authorization": "Livepeer-Transcoder-1.0", "Credentials": self.secret,
            "TaskId": str(notify.taskId), "Pixels": "0",
            "Content-Type": f"multipart/mixed; boundary={writer_boundary}"}, body)
        self.posted.append((notify.taskId, status))

    def close(self):
        self.channel.close()


def insecure():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def post_results(node, headers, body):
    conn = http.client.HTTPSConnection("127.0.0.1", node.port, context=insecure(), timeout=10)
    conn.request("POST", "/transcodeResults", body=body, headers=headers)
    r = conn.getresponse()
    out = (r.status, r.read().decode(errors="replace"))
    conn.close()
    return out


class SplitTest(unittest.TestCase):
    def orchestrator(self, *extra):
        return BatonProcess(ARGS.baton, ["-orchSecret", SECRET, "-monitor", *extra],
                            service_host="localhost", transcoder=False)

    def test_two_transcoders_share_the_work_and_survive_a_kill(self):
        # -maxSessions caps what the transcoders add (2 x 8).
        with self.orchestrator("-maxSessions", "20") as node:
            t1 = TranscoderProcess(node.port, capacity=8).start()
            t2 = TranscoderProcess(node.port, capacity=8).start()
            try:
                t1.wait_registered()
                t2.wait_registered()
                wait_for(lambda: len(orch_status(node)["RegisteredTranscoders"]) == 2,
                         what="2 workers")
                self.assertEqual(orch_status(node)["MaxSessions"], 16)
                self.assertEqual(metric(node, "livepeer_transcoders_number"), 2)
                self.assertEqual(metric(node, "livepeer_transcoders_capacity"), 16)

                # 60 segments in 4 parallel sessions, every result verified, load spread.
                summary = run_gateway(node, sessions=4, seconds=15)
                self.assertEqual((summary["segments"], summary["ok"]), (60, 60), summary)
                self.assertEqual(summary["pixels_verified"], 60, summary)
                done1, done2 = t1.status()["SegmentsDone"], t2.status()["SegmentsDone"]
                self.assertEqual(done1 + done2, 60)
                # Sessions stick to a worker and go to the least loaded: two sessions each.
                self.assertEqual((done1, done2), (30, 30))
                # The transcoder's own operator port counts its uploads.
                with urllib.request.urlopen(f"http://127.0.0.1:{t1.cli_port}/metrics") as r:
                    text = r.read().decode()
                self.assertRegex(text, r'livepeer_segment_source_uploaded_total\{[^}]*node_type="trcr"'
                                       r'[^}]*\} 30')

                # SIGKILL one transcoder in the middle of a run: no segment fails.
                gateway = run_gateway(node, sessions=4, seconds=15, wait=False)
                wait_for(lambda: t1.status()["SegmentsDone"] >= done1 + 4, timeout=60,
                         what="t1 working")
                t1.proc.send_signal(signal.SIGKILL)
                t1.proc.wait()
                summary = finish_gateway(gateway)
                self.assertEqual((summary["segments"], summary["ok"]), (60, 60), summary)
                self.assertEqual(summary["pixels_verified"], 60, summary)
                status = orch_status(node)
                self.assertEqual(status["RegisteredTranscodersNumber"], 1, status)
                self.assertEqual(len(status["RegisteredTranscoders"]), 1, status)
                self.assertEqual(status["RegisteredTranscoders"][0]["Capacity"], 8)
                self.assertEqual(status["MaxSessions"], 8)
                self.assertEqual(metric(node, "livepeer_transcoders_number"), 1)
                self.assertEqual(metric(node, "livepeer_transcoders_capacity"), 8)
                self.assertIn("retrying on another transcoder", node.read_log())

                # A restarted transcoder registers again and gets work.
                t3 = TranscoderProcess(node.port, capacity=8).start()
                try:
                    t3.wait_registered()
                    wait_for(lambda: metric(node, "livepeer_transcoders_capacity") == 16,
                             what="capacity back")
                    summary = run_gateway(node, sessions=4, seconds=4)
                    self.assertEqual(summary["ok"], summary["segments"], summary)
                    self.assertGreater(t3.status()["SegmentsDone"], 0)
                finally:
                    t3.stop()
            finally:
                t1.stop()
                t2.stop()
            self.assertNotIn("Segmentation fault", node.read_log())

    def test_transcoder_from_the_proto_alone(self):
        with self.orchestrator() as node:
            client = PythonTranscoder(node, capacity=1)
            stream = client.register()
            thread = threading.Thread(target=client.serve, args=(stream,), daemon=True)
            thread.start()
            try:
                wait_for(lambda: len(orch_status(node)["RegisteredTranscoders"]) == 1,
                         what="registration")
                self.assertEqual(orch_status(node)["MaxSessions"], 1)  # its capacity
                summary = run_gateway(node, sessions=1, seconds=3)
                self.assertEqual((summary["segments"], summary["ok"]), (3, 3), summary)
                self.assertEqual(summary["pixels_verified"], 3, summary)
                self.assertEqual([s for _, s in client.posted], [200, 200, 200])
                urls = [t.url for t in client.tasks if t.url]
                self.assertTrue(all(u.startswith(f"https://localhost:{node.port}/stream/")
                                    and u.endswith(".tempfile") for u in urls), urls)
                self.assertEqual([t.taskId for t in client.tasks if t.url], [0, 1, 2])
                self.assertEqual(client.tasks[0].segData.hash, bytes(32))
                self.assertEqual(client.tasks[0].profiles, b"invalid")
                self.assertEqual(client.tasks[0].orchId, "offchain")
            finally:
                stream.cancel()
                client.close()
            wait_for(lambda: orch_status(node)["RegisteredTranscoders"] == [], what="detach")
            self.assertEqual(orch_status(node)["MaxSessions"], 0)

    def test_registration_errors(self):
        with self.orchestrator() as node:
            for secret, capacity, text in [("wrong", 1, "invalid secret"),
                                           (SECRET, 0, "zero capacity")]:
                client = PythonTranscoder(node, secret=secret, capacity=capacity)
                with self.assertRaises(grpc.RpcError) as err:
                    list(client.register())
                self.assertEqual(err.exception.details(), text)
                client.close()
            # A baton transcoder with the wrong secret exits at once, saying why.
            t = TranscoderProcess(node.port, secret="wrong").start()
            try:
                self.assertEqual(t.proc.wait(timeout=20), 2)
                self.assertIn("refused this transcoder: invalid secret (check -orchSecret)",
                              t.read_log())
            finally:
                t.stop()
            self.assertEqual(orch_status(node)["RegisteredTranscoders"], [])

    def test_malformed_results_get_their_status_and_disturb_nothing(self):
        with self.orchestrator() as node:
            t = TranscoderProcess(node.port, capacity=2).start()
            try:
                t.wait_registered()
                good = {"Authorization": "Livepeer-Transcoder-1.0", "Credentials": SECRET,
                        "TaskId": "7", "Pixels": "0",
                        "Content-Type": "multipart/mixed; boundary=b0"}
                body = b"--b0\r\nContent-Type: video/mp2t\r\nPixels: 1\r\n\r\nxx\r\n--b0--\r\n"
                cases = [
                    ({"Authorization": "Bearer x"}, body, 401),
                    ({"Credentials": "wrong"}, body, 401),
                    ({"Content-Type": ""}, body, 415),
                    ({"Content-Type": "text"}, body, 415),
                    ({"Content-Type": "multipart/mixed; boundary"}, body, 500),  # no boundary
                    ({"TaskId": "seven"}, body, 400),
                    ({"Pixels": "many"}, body, 400),
                    ({}, body[:30], 500),             # truncated multipart
                    ({"TaskId": "999999"}, body, 200),  # unknown task: dropped
                    ({"Content-Type": "livepeer/transcoding-error"}, b"oops", 200),
                ]
                for change, payload, expected in cases:
                    headers = dict(good, **change)
                    status, text = post_results(node, headers, payload)
                    self.assertEqual(status, expected, (change, text))
                self.assertIn("Invalid Task ID", post_results(node, dict(good, TaskId="x"),
                                                             body)[1])
                # The registered transcoder and the node work as before.
                self.assertEqual(len(orch_status(node)["RegisteredTranscoders"]), 1)
                summary = run_gateway(node, sessions=2, seconds=3)
                self.assertEqual((summary["segments"], summary["ok"]), (6, 6), summary)
            finally:
                t.stop()

    def test_stuck_transcoder_times_out_and_the_segment_moves(self):
        with self.orchestrator() as node:
            # Attached first, so the first session goes to it; it never answers.
            silent = PythonTranscoder(node, capacity=1, answer=False)
            stream = silent.register()
            thread = threading.Thread(target=silent.serve, args=(stream,), daemon=True)
            thread.start()
            wait_for(lambda: len(orch_status(node)["RegisteredTranscoders"]) == 1, what="silent worker")
            t = TranscoderProcess(node.port, capacity=2).start()
            try:
                t.wait_registered()
                wait_for(lambda: len(orch_status(node)["RegisteredTranscoders"]) == 2,
                         what="2 workers")
                summary = run_gateway(node, sessions=1, seconds=2)
                self.assertEqual((summary["segments"], summary["ok"]), (2, 2), summary)
                self.assertEqual(t.status()["SegmentsDone"], 2)
                self.assertEqual(len([x for x in silent.tasks if x.url]), 1)
                self.assertIn("took too long", node.read_log())
            finally:
                stream.cancel()
                silent.close()
                t.stop()

    def test_transcoder_waits_for_its_orchestrator_and_comes_back(self):
        node = self.orchestrator()
        t = TranscoderProcess(node.port).start()  # the orchestrator is not up yet
        try:
            time.sleep(2)
            self.assertIsNone(t.proc.poll())
            self.assertFalse(t.status()["Registered"])
            node.start()
            t.wait_registered(timeout=30)  # backoff 0.5 s x 1.5 per try, at most 1 min
            node.stop()
            wait_for(lambda: not t.status()["Registered"], what="the stream to end")
            self.assertIsNone(t.proc.poll())  # it does not give up
            os.makedirs(node.data_dir, exist_ok=True)
            node.start()
            t.wait_registered(timeout=30)
            self.assertGreaterEqual(t.status()["Registrations"], 2)
        finally:
            t.stop()
            node.stop()

    def test_combined_node_balances_local_and_remote(self):
        # -orchestrator -transcoder also takes remote transcoders.
        with BatonProcess(ARGS.baton, ["-orchSecret", SECRET, "-monitor", "-maxSessions", "2"],
                          service_host="localhost") as node:
            t = TranscoderProcess(node.port, capacity=2).start()
            try:
                t.wait_registered()
                wait_for(lambda: len(orch_status(node)["RegisteredTranscoders"]) == 1,
                         what="the remote worker")
                status = orch_status(node)
                self.assertTrue(status["LocalTranscoding"])
                self.assertEqual(status["MaxSessions"], 4)  # local 2 + remote 2
                self.assertEqual(metric(node, "livepeer_transcoders_capacity"), 2)
                # Two sessions: one on the local transcoder, one on the remote one.
                summary = run_gateway(node, sessions=2, seconds=2)
                self.assertEqual((summary["segments"], summary["ok"]), (4, 4), summary)
                self.assertEqual(t.status()["SegmentsDone"], 2)
            finally:
                t.stop()



class LiveLocalCapacityTest(unittest.TestCase):
    """Issue 11: a combined node balances its local transcoder with remote ones by the local
    capacity it measured (-maxSessions auto), not by the provisional 10 it starts with."""

    def test_local_share_follows_the_measured_capacity(self):
        with BatonProcess(ARGS.baton, ["-orchSecret", SECRET, "-monitor", "-maxSessions", "auto"],
                          service_host="localhost") as node:
            t = TranscoderProcess(node.port, capacity=2).start()
            try:
                t.wait_registered()
                wait_for(lambda: orch_status(node)["Capacity"]["Reason"] != "provisional",
                         timeout=120, what="the calibration")
                local = orch_status(node)["Capacity"]["Sessions"]
                if local > 5:
                    self.skipTest(f"measured {local} local sessions: too many for this check")
                wait_for(lambda: orch_status(node)["MaxSessions"] == local + 2,
                         what="local + remote capacity")
                # local + 2 sessions fill both: 2 of them remote. With the provisional 10 the
                # remote transcoder got one (1/2 is fuller than anything up to 5/10 local).
                summary = run_gateway(node, sessions=local + 2, seconds=2)
                self.assertEqual(summary["segments"], 2 * (local + 2), summary)
                self.assertEqual(summary["ok"], summary["segments"], summary)
                print(f"measured local capacity {local}; remote transcoder (capacity 2) did "
                      f"{t.status()['SegmentsDone']} of {summary['segments']} segments",
                      file=sys.stderr)
                self.assertEqual(t.status()["SegmentsDone"], 4)
            finally:
                t.stop()


    def test_busy_local_transcoder_leaves_new_sessions_to_remote_room(self):
        # A heavy session falls behind real time on the local transcoder (its refusal of new
        # sessions, OrchestratorBusy, used to refuse them for the whole node); a new session
        # then goes to the remote transcoder, which has room. Where this machine keeps up
        # with the heavy session, nothing is behind and the test is skipped.
        with BatonProcess(ARGS.baton, ["-orchSecret", SECRET, "-monitor", "-maxSessions", "auto"],
                          service_host="localhost") as node:
            t = TranscoderProcess(node.port, capacity=2).start()
            heavy = None
            try:
                t.wait_registered()
                wait_for(lambda: orch_status(node)["Capacity"]["Reason"] != "provisional",
                         timeout=120, what="the calibration")
                if orch_status(node)["Capacity"]["Sessions"] < 1:
                    self.skipTest("measured no local capacity: the heavy session would go remote")
                heavy = subprocess.Popen(
                    [ARGS.gateway, "-orchAddr", f"127.0.0.1:{node.port}", "-testPattern",
                     "-duration", "16", "-segmentDuration", "2", "-testPatternSize", "1280x720",
                     "-transcodingOptions",
                     "P720p30fps16x9,P360p30fps16x9,P240p30fps16x9,P144p30fps16x9",
                     "-sessions", "1", "-json"],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                deadline = time.monotonic() + 30
                behind = False
                while time.monotonic() < deadline and heavy.poll() is None and not behind:
                    capacity = orch_status(node)["Capacity"]
                    behind = capacity["RealtimeRatio"] > 0.8 and capacity["RecentSessions"] > 0
                    time.sleep(0.2)
                if not behind:
                    heavy.kill()
                    heavy.communicate()
                    self.skipTest("the local transcoder kept up with the heavy session")
                self.assertEqual(t.status()["SegmentsDone"], 0)  # the heavy session is local
                summary = run_gateway(node, sessions=1, seconds=2)
                print(f"local at {capacity['RealtimeRatio']:.2f} of real time; new session: "
                      f"{summary['ok']} of {summary['segments']} segments, remote did "
                      f"{t.status()['SegmentsDone']}", file=sys.stderr)
                self.assertEqual((summary["segments"], summary["ok"]), (2, 2), summary)
                self.assertEqual(t.status()["SegmentsDone"], 2)
                heavy.kill()
                heavy.communicate()
            finally:
                if heavy and heavy.poll() is None:
                    heavy.kill()
                    heavy.communicate()
                t.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--pydir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest)
