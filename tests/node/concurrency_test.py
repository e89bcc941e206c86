"""8 sessions in parallel through one node: no failed segment, and every rendition the same as
in a sequential run (same frame counts, sizes and pixel counts, recounted by decoding).

The bitstreams themselves differ between the two runs by design: the thread budget gives each
of 8 concurrent sessions one encoder thread where a lone session gets both cores, and x264's
output depends on its thread count. What a gateway verifies (pixels) must not.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, parse_args  # noqa: E402

ARGS = None


def ffprobe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                          "-show_entries", "stream=width,height,nb_read_frames", "-of", "json",
                          path], capture_output=True, text=True, check=True)
    s = json.loads(out.stdout)["streams"][0]
    return s["width"], s["height"], int(s["nb_read_frames"])


class ConcurrencyTest(unittest.TestCase):
    def run_gateway(self, node, sessions, out_dir):
        r = subprocess.run([ARGS.gateway, "-orchAddr", f"127.0.0.1:{node.port}", "-testPattern",
                            "-duration", "4", "-testPatternSize", "426x240",
                            # Small renditions: the point is concurrency, and 8 sessions must
                            # beat the gateway's 8 s segment timeout on a loaded 2-core CI box.
                            "-transcodingOptions", "P144p30fps16x9,P240p30fps16x9",
                            "-sessions", str(sessions), "-out", out_dir, "-json"],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
        return json.loads(r.stdout.strip().splitlines()[-1])

    def renditions(self, out_dir):
        found = {}
        for root, _, files in os.walk(out_dir):
            for f in files:
                if f.endswith(".ts"):
                    found.setdefault(os.path.relpath(os.path.join(root, f), out_dir), None)
        return sorted(found)

    def test_eight_parallel_sessions_match_a_sequential_run(self):
        tmp = tempfile.mkdtemp(prefix="baton-conc-")
        self.addCleanup(shutil.rmtree, tmp, True)
        with BatonProcess(ARGS.baton, ["-maxSessions=10"], service_host="127.0.0.1") as node:
            seq = self.run_gateway(node, 1, os.path.join(tmp, "seq"))
            par = self.run_gateway(node, 8, os.path.join(tmp, "par"))
        self.assertEqual(seq["failed"], 0)
        self.assertEqual(par["failed"], 0)
        self.assertEqual(par["segments"], 8 * seq["segments"])
        self.assertEqual(par["pixels_verified"], par["segments"])
        self.assertEqual(par["pixels"], 8 * seq["pixels"])
        seq_files = self.renditions(os.path.join(tmp, "seq"))
        par_files = self.renditions(os.path.join(tmp, "par"))
        self.assertGreater(len(seq_files), 0)
        self.assertEqual(len(par_files), 8 * len(seq_files))
        reference = {}
        for f in seq_files:
            key = "/".join(f.split("/")[-2:])  # <profile>/<seq>.ts
            reference[key] = ffprobe(os.path.join(tmp, "seq", f))
        for f in par_files:
            key = "/".join(f.split("/")[-2:])
            self.assertEqual(ffprobe(os.path.join(tmp, "par", f)), reference[key], f)


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway")
    unittest.main(argv=argv, verbosity=2)
