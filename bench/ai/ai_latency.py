#!/usr/bin/env python3
"""The node's added latency on AI requests: the same request sent to a runner directly and
through baton (payment with a ticket, credentials, routing, result storage), p50/p99 each.

Runners: baton-runner (real models: text-to-speech with espeak-ng, image-to-text with
tesseract) when --runner names its binary, else the STAND-IN runner of tests/ai (no model; its
numbers only show the node's overhead). The node runs with an account and a price, so every
request carries a real ticket (signed beforehand, outside the timing).

    python3 bench/ai/ai_latency.py --baton build/bin/baton --pydir build/python \
        [--runner path/to/baton-runner] [-n 200] [--split]

--split: the node takes no runners itself; a standalone `baton -aiWorker` (doc/wire.md 5.2)
registered with it holds them, so "via node" is gateway -> orchestrator -> AI worker -> runner.
"""
import argparse
import base64
import http.client
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "node"))
sys.path.insert(0, os.path.join(ROOT, "tests", "ai"))
import payment_test  # noqa: E402
from baton_process import BatonProcess, free_port  # noqa: E402
import ai_test  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_image(path):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=white:s=640x120",
                    "-vf", f"drawtext=fontfile={FONT}:text='Baton reads the text':fontsize=48:"
                           "fontcolor=black:x=20:y=30", "-frames:v", "1", path], check=True)
    with open(path, "rb") as f:
        return f.read()


def start_runner(args, pipeline, model, port):
    if args.runner:
        env = dict(os.environ, PIPELINE=pipeline, MODEL_ID=model, PORT=str(port), HOST="127.0.0.1")
        proc = subprocess.Popen([args.runner], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    else:
        proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "ai", "stand_in_runner.py"),
                                 "--port", str(port), "--pipeline", pipeline],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"runner for {pipeline} did not start")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(send, n):
    times = []
    for i in range(n):
        start = time.perf_counter()
        status = send(i)
        times.append(time.perf_counter() - start)
        assert status == 200, status
    return times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--baton", required=True)
    p.add_argument("--pydir", required=True)
    p.add_argument("--runner", default="")
    p.add_argument("-n", type=int, default=200)
    p.add_argument("--split", action="store_true", help="the runners behind a remote AI worker")
    args = p.parse_args()
    args.source = ROOT
    payment_test.ARGS = args
    sys.path.insert(0, args.pydir)
    import lp_rpc_pb2 as pb

    tmp = tempfile.mkdtemp(prefix="baton-ai-bench-")
    image = text_image(os.path.join(tmp, "text.png"))
    cases = {"text-to-speech": ("espeak-ng" if args.runner else "stand-in"),
             "image-to-text": ("tesseract" if args.runner else "stand-in")}
    ports = {pl: free_port() for pl in cases}
    runners = [start_runner(args, pl, m, ports[pl]) for pl, m in cases.items()]
    models = [{"pipeline": pl, "model_id": m, "url": f"http://127.0.0.1:{ports[pl]}",
               "capacity": 4, "price_per_unit": 1, "pixels_per_unit": 1000}
              for pl, m in cases.items()]
    models_path = os.path.join(tmp, "models.json")
    with open(models_path, "w") as f:
        json.dump(models, f)
    worker = None
    if args.split:
        # The orchestrator keeps only the prices; the worker holds the runners.
        prices_path = os.path.join(tmp, "prices.json")
        with open(prices_path, "w") as f:
            json.dump([{k: v for k, v in m.items() if k not in ("url", "capacity")}
                       for m in models], f)
        node = BatonProcess(args.baton, ["-ethPassword=bench", "-autoAdjustPrice=false",
                                         "-orchSecret=bench-secret", f"-aiModels={prices_path}",
                                         "-v=2"], transcoder=False).start()
        worker = subprocess.Popen([args.baton, "-aiWorker", "-orchAddr", f"127.0.0.1:{node.port}",
                                   "-orchSecret=bench-secret", f"-aiModels={models_path}",
                                   f"-cliAddr=127.0.0.1:{free_port()}", f"-dataDir={tmp}/worker",
                                   "-v=2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            if '"RegisteredAIWorkersNumber":1' in node.cli_get("/status")[1].replace(" ", ""):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("the AI worker did not register")
    else:
        node = BatonProcess(args.baton, ["-ethPassword=bench", "-autoAdjustPrice=false",
                                         "-aiWorker", f"-aiModels={models_path}", "-v=2"]).start()
    bodies = {
        "text-to-speech": (json.dumps({"model_id": cases["text-to-speech"],
                                       "text": "Hello from Baton"}).encode(), "application/json"),
        "image-to-text": ai_test.multipart({"model_id": cases["image-to-text"], "image": image}),
    }

    class T:  # what ai_test.Gateway reads from its test class
        pass
    T.pb = pb
    T.pt = payment_test
    T.pt_case = payment_test.PaymentTest()
    T.pt_case.pb = pb
    gw = ai_test.Gateway(T, node)
    ctx = ssl._create_unverified_context()
    results = {}
    try:
        for pipeline, model in cases.items():
            body, ctype = bodies[pipeline]
            n = args.n
            # Tickets for every request, signed in one go, before the clock starts.
            headers, info = gw.headers(pipeline, model, tickets=0, payment="")
            seg = headers["Livepeer-Segment"]
            payments = []
            tp = info.ticket_params
            ep = tp.expiration_params
            hashes = [payment_test.ticket_hash(tp.recipient, payment_test.GATEWAY, payment_test.uint(tp.face_value),
                                               payment_test.uint(tp.win_prob), i + 1, tp.recipient_rand_hash,
                                               ep.creation_round, ep.creation_round_block_hash.rjust(32, b"\x00"))
                      for i in range(n + 5)]
            env = dict(os.environ, NODE_PATH=os.path.join(ROOT, "tools", "node_modules"))
            sigs = subprocess.run(["node", os.path.join(ROOT, "tests", "node", "personal_sign.js"),
                                   payment_test.GATEWAY_KEY, *["0x" + h.hex() for h in hashes]],
                                  capture_output=True, text=True, check=True, env=env).stdout.split()
            for i, sig in enumerate(sigs):
                pay = pb.Payment(ticket_params=tp, sender=payment_test.GATEWAY,
                                 expiration_params=ep, expected_price=info.price_info)
                pay.ticket_sender_params.add(sender_nonce=i + 1, sig=bytes.fromhex(sig))
                payments.append(base64.b64encode(pay.SerializeToString()).decode())

            direct = http.client.HTTPConnection("127.0.0.1", ports[pipeline], timeout=60)
            via = http.client.HTTPSConnection("localhost", node.port, timeout=60, context=ctx)

            def send_direct(i):
                direct.request("POST", "/" + pipeline, body=body, headers={"Content-Type": ctype})
                r = direct.getresponse()
                r.read()
                return r.status

            def send_node(i):
                via.request("POST", "/" + pipeline, body=body, headers={
                    "Content-Type": ctype, "Livepeer-Payment": payments[i],
                    "Livepeer-Segment": seg, "Authorization": ai_test.MARKER})
                r = via.getresponse()
                data = r.read()
                if r.status != 200:
                    print(data, file=sys.stderr)
                return r.status

            timed(send_direct, 5)  # warm both paths
            timed(lambda i: send_node(n + i), 5)
            d, v = [], []
            for i in range(n):  # interleaved, so drift affects both alike
                d += timed(send_direct, 1)
                v += timed(lambda _: send_node(i), 1)
            results[pipeline] = {
                "runner": os.path.basename(args.runner) if args.runner else "stand-in runner",
                "path": "orchestrator -> AI worker -> runner" if args.split else "node -> runner",
                "model": model, "requests": n,
                "direct_p50_ms": 1000 * statistics.median(d), "direct_p99_ms": 1000 * percentile(d, 99),
                "node_p50_ms": 1000 * statistics.median(v), "node_p99_ms": 1000 * percentile(v, 99),
                "added_p50_ms": 1000 * (statistics.median(v) - statistics.median(d)),
                "added_p99_ms": 1000 * (percentile(v, 99) - percentile(d, 99)),
            }
            direct.close()
            via.close()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait()
        node.stop()
        for r in runners:
            r.kill()
            r.wait()
    for pipeline, r in results.items():
        print(f"{pipeline:15} ({r['runner']}, {r['model']}, {r['path']}, n={r['requests']}): "
              f"direct p50 {r['direct_p50_ms']:.1f} ms p99 {r['direct_p99_ms']:.1f} ms | "
              f"via node p50 {r['node_p50_ms']:.1f} ms p99 {r['node_p99_ms']:.1f} ms | "
              f"added p50 {r['added_p50_ms']:.1f} ms p99 {r['added_p99_ms']:.1f} ms")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
