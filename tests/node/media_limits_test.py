"""Untrusted media through the real node (issue 8, item 4): a segment body that is a playlist,
a source too large, or more frames than its declared duration gets a TranscodeResult whose
error names the limit, and the node serves the session's next segment.

Segments come from the ffmpeg CLI; the client is curl over TLS (segment_test.NodeClient). The
playlists point at a local listening socket, which must receive no connection (that no file is
read either is shown with inotify in src/transcode/source_limits_test.cc).
"""
import os
import socket
import subprocess
import unittest

import segment_test
from baton_process import parse_args
from segment_test import NodeClient


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


class MediaLimitsTest(NodeClient, unittest.TestCase):
    NODE_FLAGS = ["-maxSessions=10"]

    def transcode(self, info, body, seq, **overrides):
        code, out = self.post(self.seg_data(info, body, seq=seq, **overrides), body)
        self.assertEqual(code, 200)
        return self.pb.TranscodeResult.FromString(out)

    def assert_refused_then_served(self, body, expected_error, **overrides):
        info = self.get_orchestrator()
        result = self.transcode(info, body, seq=0, **overrides)
        self.assertEqual(result.WhichOneof("result"), "error")
        self.assertIn(expected_error, result.error)
        # The node keeps serving: the same session's next segment is transcoded.
        result = self.transcode(info, self.segment, seq=1)
        self.assertEqual(result.WhichOneof("result"), "data", result.error)
        self.assertEqual(len(result.data.segments), 1)
        return result

    def test_playlist_opens_nothing(self):
        target = os.path.join(self.tmp, "target.ts")
        with open(target, "wb") as f:
            f.write(self.segment)
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(8)
            listener.setblocking(False)
            url = f"http://127.0.0.1:{listener.getsockname()[1]}/seg.ts"
            bodies = {
                "hls": ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
                        f"#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n{url}\n"
                        f"#EXTINF:2.0,\nfile://{target}\n#EXT-X-ENDLIST\n"),
                "concat": f"ffconcat version 1.0\nfile {url}\nfile target.ts\n",
            }
            for name, text in bodies.items():
                with self.subTest(name):
                    self.assert_refused_then_served(text.encode(), "a segment must be")
            with self.assertRaises(BlockingIOError):
                listener.accept()  # nobody connected to the playlist's URL

    def test_oversized_source(self):
        path = os.path.join(self.tmp, "wide.mkv")
        ffmpeg("-f", "lavfi", "-i", "color=s=8704x64:r=30", "-t", "0.2", "-c:v", "ffv1", path)
        with open(path, "rb") as f:
            body = f.read()
        self.assert_refused_then_served(
            body, "source too large: 8704x64 (limits: 8192 pixels a side")

    def test_more_frames_than_the_declared_duration(self):
        path = os.path.join(self.tmp, "long.ts")
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x36:r=30", "-t", "30", "-c:v", "libx264",
               "-preset", "ultrafast", "-g", "30", path)
        with open(path, "rb") as f:
            body = f.read()
        self.assert_refused_then_served(
            body, "too many frames: more than 600 in a 2000 ms segment (limit 240 fps)")


if __name__ == "__main__":
    segment_test.ARGS, argv = parse_args("baton", "pydir", source=None)
    unittest.main(argv=argv, verbosity=2)
