"""Speech round trip through two real baton-runner processes (issue 10, tests): text ->
text-to-speech (espeak-ng) -> WAV -> audio-to-text (pocketsphinx) -> text, over HTTP with
independent clients (urllib for JSON, curl for multipart uploads, ffprobe/ffmpeg for audio).
Prints the word error rate of each sentence and of all of them together, and asserts a bound;
the same audio re-encoded by ffmpeg as FLAC in Matroska at 48 kHz stereo must be recognised too
(any container and codec FFmpeg reads is accepted), with word timestamps.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from runner_process import RunnerProcess, curl_form, data_url_bytes, post_json  # noqa: E402
from baton_process import parse_args  # noqa: E402  (runner_process put it on the path)

ARGS = None
SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Speech recognition works on a small computer.",
    "Please call Stella and ask her to bring these things with her from the store.",
    "The orchestrator sends each request to a runner that has the model loaded.",
    "We will meet at the station at seven in the morning.",
]
# pocketsphinx's small en-US model on synthetic speech: "weak but real". Measured on Debian 12
# (espeak-ng 1.51, pocketsphinx 5prealpha) with the runner's en-us+f5 voice at 140 wpm: 0.33 to
# 0.36 overall (eSpeak's audio varies a little from call to call: its voice's flutter runs on
# between calls), 0.46 with its breath noise unseeded. The bound is "most words recovered".
MAX_WER = 0.5


def words(text):
    return re.findall(r"[a-z']+", text.lower())


def word_error_rate(reference, hypothesis):
    """Levenshtein distance over words (substitutions, insertions, deletions) / reference words."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[len(hyp)] / max(1, len(ref))


def ffprobe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "stream=codec_name,sample_rate,channels:format=duration", "-of", "json",
                          path], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


class SpeechRoundTrip(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tts = RunnerProcess(ARGS.runner, "text-to-speech", "espeak-ng")
        cls.asr = RunnerProcess(ARGS.runner, "audio-to-text", "pocketsphinx")
        cls.tmp = tempfile.mkdtemp(prefix="runner-speech-")

    @classmethod
    def tearDownClass(cls):
        cls.tts.stop()
        cls.asr.stop()

    def speak(self, text, name):
        status, body, _ = post_json(self.tts.url + "/text-to-speech",
                                    {"text": text, "model_id": "espeak-ng"})
        self.assertEqual(status, 200, body)
        path = os.path.join(self.tmp, name + ".wav")
        with open(path, "wb") as f:
            f.write(data_url_bytes(body["audio"]["url"], "audio/wav"))
        return path

    def recognise(self, path, mode="true"):
        status, body = curl_form(self.asr.url + "/audio-to-text",
                                 [f"audio=@{path}", "model_id=pocketsphinx",
                                  f"return_timestamps={mode}"])
        self.assertEqual(status, 200, body)
        return body

    def test_round_trip_recovers_most_words(self):
        errors = total = 0
        started = time.monotonic()
        for i, sentence in enumerate(SENTENCES):
            wav = self.speak(sentence, f"s{i}")
            probe = ffprobe(wav)
            stream = probe["streams"][0]
            self.assertEqual(stream["codec_name"], "pcm_s16le")
            self.assertEqual(stream["channels"], 1)
            duration = float(probe["format"]["duration"])
            self.assertGreater(duration, 1.0)
            body = self.recognise(wav)
            wer = word_error_rate(sentence, body["text"])
            errors += wer * len(words(sentence))
            total += len(words(sentence))
            print(f"WER {wer:.2f}  said: {sentence!r}\n          heard: {body['text']!r}")
            # Chunks: utterances with times inside the audio, their text making up the whole.
            self.assertGreaterEqual(len(body["chunks"]), 1)
            self.assertEqual(" ".join(c["text"] for c in body["chunks"]), body["text"])
            for chunk in body["chunks"]:
                start, end = chunk["timestamp"]
                self.assertLessEqual(0, start)
                self.assertLess(start, end)
                self.assertLessEqual(end, duration + 0.05)
        overall = errors / total
        print(f"overall word error rate {overall:.3f} over {total} words "
              f"({time.monotonic() - started:.1f} s for {len(SENTENCES)} round trips)")
        self.assertLessEqual(overall, MAX_WER)

    def test_other_containers_and_word_timestamps(self):
        sentence = SENTENCES[0]
        wav = self.speak(sentence, "mka-source")
        # Lossless FLAC in Matroska at 48 kHz stereo: another demuxer, decoder and resampling.
        mka = os.path.join(self.tmp, "speech.mka")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "flac", "-ar", "48000",
                        "-ac", "2", mka], check=True)
        body = self.recognise(mka, mode="word")
        wer = word_error_rate(sentence, body["text"])
        print(f"FLAC in Matroska, 48 kHz stereo: WER {wer:.2f}, heard {body['text']!r}")
        self.assertLessEqual(wer, 0.5)
        self.assertEqual(len(body["chunks"]), len(body["text"].split()))
        times = [c["timestamp"] for c in body["chunks"]]
        self.assertEqual(times, sorted(times))

    def test_long_audio_is_cut_at_pauses_with_true_times(self):
        # Four sentences after 3 s of silence each: 25 s, over the 20 s the runner decodes as one
        # utterance, so it is cut at pauses; every sentence must come back as a chunk that starts
        # and ends where the sentence does.
        sentences = [SENTENCES[0], SENTENCES[1], SENTENCES[4], SENTENCES[0]]
        cmd, truth, position = ["ffmpeg", "-v", "error", "-y"], [], 0.0
        for i, sentence in enumerate(sentences):
            wav = self.speak(sentence, f"long{i}")
            duration = float(ffprobe(wav)["format"]["duration"])
            truth.append((position + 3, position + 3 + duration))
            position += 3 + duration
            cmd += ["-f", "lavfi", "-t", "3", "-i", "anullsrc=r=22050:cl=mono", "-i", wav]
        n = 2 * len(sentences)
        long_wav = os.path.join(self.tmp, "long.wav")
        subprocess.run(cmd + ["-filter_complex",
                              "".join(f"[{i}:a]" for i in range(n)) + f"concat=n={n}:v=0:a=1",
                              long_wav], check=True)
        self.assertGreater(position, 20)
        body = self.recognise(long_wav, mode="sentence")
        got = [tuple(c["timestamp"]) for c in body["chunks"]]
        print(f"{position:.1f} s of audio, sentences at "
              f"{[(round(a, 2), round(b, 2)) for a, b in truth]}\n  chunks at "
              f"{[(round(a, 2), round(b, 2)) for a, b in got]}")
        self.assertEqual(len(got), len(truth), body)
        for (start, end), (true_start, true_end) in zip(got, truth):
            self.assertAlmostEqual(start, true_start, delta=0.3)
            self.assertAlmostEqual(end, true_end, delta=0.3)
        self.assertLessEqual(word_error_rate(" ".join(sentences), body["text"]), MAX_WER)


if __name__ == "__main__":
    ARGS, argv = parse_args("runner")
    unittest.main(argv=argv, verbosity=2)
