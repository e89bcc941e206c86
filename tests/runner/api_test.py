"""baton-runner's HTTP API against the AI Runner's (doc/ai.md 1.1, 1.2), through real clients
(urllib, curl) and real media tools (ffmpeg renders the test inputs, ffprobe checks outputs):
OCR of an image with rendered text, upscale output size, the shared routes (/health, /version,
/hardware/info, trailing slashes), and the error answers: empty text 400, wrong model_id 400,
bad audio 415, file over 50 MB 413, missing field 422, missing or wrong bearer token 401.
Prints the per-request latency of text-to-speech and image-to-text on this machine.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from runner_process import RunnerProcess, curl_form, data_url_bytes, post_json  # noqa: E402
from baton_process import parse_args  # noqa: E402  (runner_process put it on the path)

ARGS = None
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# (No "AI": in a sans-serif font a capital I and a small l are the same glyph.)
LINES = ["Baton reads the text", "on a CPU with real models"]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def render_text_image(path, lines, size="900x260"):
    """An image with `lines` drawn by ffmpeg's drawtext (FreeType), black on white."""
    filters = ",".join(
        f"drawtext=fontfile={FONT}:text='{line}':fontsize=48:fontcolor=black:x=30:y={40 + 90 * i}"
        for i, line in enumerate(lines))
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"color=white:s={size}",
                    "-vf", filters, "-frames:v", "1", path], check=True)


def latency(fn, n):
    times = []
    for _ in range(n):
        start = time.monotonic()
        fn()
        times.append((time.monotonic() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.9 * (n - 1))]


class ImageToText(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.runner = RunnerProcess(ARGS.runner, "image-to-text", "tesseract")
        cls.tmp = tempfile.mkdtemp(prefix="runner-ocr-")

    @classmethod
    def tearDownClass(cls):
        cls.runner.stop()

    def test_reads_rendered_text_from_png_and_jpeg(self):
        for ext in ("png", "jpg"):
            path = os.path.join(self.tmp, f"text.{ext}")
            render_text_image(path, LINES)
            status, body = curl_form(self.runner.url + "/image-to-text",
                                     [f"image=@{path}", "model_id=tesseract", "prompt="])
            self.assertEqual(status, 200, body)
            print(f"OCR of {ext}: {body['text']!r}")
            self.assertEqual(body["text"].split(), " ".join(LINES).split())

    def test_latency(self):
        path = os.path.join(self.tmp, "latency.png")
        render_text_image(path, LINES)

        def once():
            status, body = curl_form(self.runner.url + "/image-to-text/", [f"image=@{path}"])
            self.assertEqual(status, 200, body)
        p50, p90 = latency(once, 10)
        print(f"image-to-text latency (900x260 PNG, 2 lines, curl): p50 {p50:.0f} ms, "
              f"p90 {p90:.0f} ms")

    def test_errors(self):
        status, body = curl_form(self.runner.url + "/image-to-text", ["prompt=x"])
        self.assertEqual(status, 422, body)
        self.assertIsInstance(body["detail"], list)
        status, body = curl_form(self.runner.url + "/image-to-text",
                                 ["image=@/etc/hostname", "model_id=Salesforce/blip"])
        self.assertEqual(status, 400, body)
        self.assertEqual(body["detail"]["msg"],
                         "pipeline configured with tesseract but called with Salesforce/blip")
        status, body = curl_form(self.runner.url + "/image-to-text", ["image=@/etc/hostname"])
        self.assertEqual(status, 400, body)
        self.assertIn("msg", body["detail"])


class TextToSpeechAndAuth(unittest.TestCase):
    TOKEN = "s3cret-runner-token"

    @classmethod
    def setUpClass(cls):
        cls.open_runner = RunnerProcess(ARGS.runner, "text-to-speech", "",
                                        extra_env={"VERSION": "0.14.1-test"})
        cls.auth_runner = RunnerProcess(ARGS.runner, "text-to-speech", "espeak-ng",
                                        auth_token=cls.TOKEN)

    @classmethod
    def tearDownClass(cls):
        cls.open_runner.stop()
        cls.auth_runner.stop()

    def test_shared_routes_with_and_without_trailing_slash(self):
        url = self.open_runner.url
        for path in ("/health", "/health/"):
            self.assertEqual(get_json(url + path), (200, {"status": "OK"}))
        status, version = get_json(url + "/version/")
        self.assertEqual((version["pipeline"], version["model_id"], version["version"]),
                         ("text-to-speech", "espeak-ng", "0.14.1-test"))
        status, info = get_json(url + "/hardware/info")
        self.assertEqual(info, {"pipeline": "text-to-speech", "model_id": "espeak-ng",
                                "gpu_info": {}})
        status, body, _ = post_json(url + "/text-to-speech/", {"text": "Trailing slash."})
        self.assertEqual(status, 200, body)
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url + "/text-to-image", data=b"{}", timeout=10)
        self.assertEqual(e.exception.code, 404)

    def test_speech_is_a_valid_wav_and_latency(self):
        url = self.open_runner.url + "/text-to-speech"
        text = "Hello, this is a test of the text to speech runner."
        status, body, headers = post_json(url, {"text": text, "model_id": "espeak-ng"})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/json")
        wav = data_url_bytes(body["audio"]["url"], "audio/wav")
        with tempfile.NamedTemporaryFile(suffix=".wav") as f:
            f.write(wav)
            f.flush()
            probe = json.loads(subprocess.run(
                ["ffprobe", "-v", "error", "-show_entries",
                 "stream=codec_name,sample_rate,channels:format=duration", "-of", "json", f.name],
                check=True, capture_output=True, text=True).stdout)
        self.assertEqual(probe["streams"][0]["codec_name"], "pcm_s16le")
        self.assertGreater(float(probe["format"]["duration"]), 2.0)

        def once():
            status, body, _ = post_json(url, {"text": text})
            self.assertEqual(status, 200)
        p50, p90 = latency(once, 10)
        print(f"text-to-speech latency ({len(text)} characters, "
              f"{float(probe['format']['duration']):.1f} s of speech, urllib): "
              f"p50 {p50:.0f} ms, p90 {p90:.0f} ms")

    def test_errors(self):
        url = self.open_runner.url + "/text-to-speech"
        status, body, _ = post_json(url, {"text": ""})
        self.assertEqual((status, body), (400, {"detail": {"msg": "Text input must be provided."}}))
        status, body, _ = post_json(url, {})
        self.assertEqual(status, 400, body)
        status, body, _ = post_json(url, {"text": "hi", "model_id": "parler-tts/parler-tts"})
        self.assertEqual((status, body["detail"]["msg"]), (
            400, "pipeline configured with espeak-ng but called with parler-tts/parler-tts"))
        status, body, _ = post_json(url, b"{not json")
        self.assertEqual(status, 422, body)

    def test_bearer_token(self):
        url = self.auth_runner.url + "/text-to-speech"
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": self.TOKEN}):
            status, body, response_headers = post_json(url, {"text": "hi"}, headers)
            self.assertEqual((status, body), (401, {"detail": {"msg": "Invalid bearer token."}}))
            self.assertEqual(response_headers["WWW-Authenticate"], "Bearer")
        status, body, _ = post_json(url, {"text": "hi"}, {"Authorization": f"Bearer {self.TOKEN}"})
        self.assertEqual(status, 200, body)
        # Only inference needs the token, as in the AI Runner.
        self.assertEqual(get_json(self.auth_runner.url + "/health")[0], 200)


class AudioToTextErrors(unittest.TestCase):
    def test_bad_audio_415_and_large_file_413(self):
        with RunnerProcess(ARGS.runner, "audio-to-text") as runner, \
                tempfile.TemporaryDirectory() as tmp:
            junk = os.path.join(tmp, "junk.mp3")
            with open(junk, "wb") as f:
                f.write(os.urandom(4096))
            status, body = curl_form(runner.url + "/audio-to-text", [f"audio=@{junk}"])
            self.assertEqual((status, body), (
                415, {"detail": {"msg": "Unsupported audio format or malformed file."}}))
            big = os.path.join(tmp, "big.wav")
            with open(big, "wb") as f:
                f.truncate(51 * 1024 * 1024)
            status, body = curl_form(runner.url + "/audio-to-text", [f"audio=@{big}"])
            self.assertEqual((status, body), (413, {"detail": {"msg": "File size exceeds limit."}}))
            status, body = curl_form(runner.url + "/audio-to-text", ["model_id=pocketsphinx"])
            self.assertEqual(status, 422, body)


class Upscale(unittest.TestCase):
    def test_four_times_the_size_as_png_and_says_it_is_classical(self):
        with RunnerProcess(ARGS.runner, "upscale", "lanczos") as runner, \
                tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "in.jpg")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                            "testsrc=size=160x90", "-frames:v", "1", src], check=True)
            status, body = curl_form(runner.url + "/upscale",
                                     [f"image=@{src}", "prompt=a test card", "seed=7"])
            self.assertEqual(status, 200, body)
            self.assertIn("not a learned model", body["scaler"])
            image = body["images"][0]
            self.assertEqual((image["seed"], image["nsfw"]), (7, False))
            out = os.path.join(tmp, "out.png")
            with open(out, "wb") as f:
                f.write(data_url_bytes(image["url"], "image/png"))
            probe = json.loads(subprocess.run(
                ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height",
                 "-of", "json", out], check=True, capture_output=True, text=True).stdout)
            self.assertEqual(probe["streams"][0],
                             {"codec_name": "png", "width": 640, "height": 360})
            status, version = get_json(runner.url + "/version")
            self.assertIn("not a learned model", version["description"])
            status, body = curl_form(runner.url + "/upscale", [f"image=@{src}"])
            self.assertEqual(status, 422, body)


class Configuration(unittest.TestCase):
    def test_unknown_pipeline_or_model_fails_at_start(self):
        for pipeline, model in (("text-to-image", ""), ("upscale", "stabilityai/sd-x4")):
            out = subprocess.run([ARGS.runner], env=dict(os.environ, PIPELINE=pipeline,
                                                         MODEL_ID=model, PORT="0"),
                                 capture_output=True, text=True, timeout=30)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("baton-runner:", out.stderr)


if __name__ == "__main__":
    ARGS, argv = parse_args("runner")
    unittest.main(argv=argv, verbosity=2)
