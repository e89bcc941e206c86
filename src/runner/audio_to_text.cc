#include "runner/audio_to_text.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runner/media_codec.h"

namespace baton::runner {
namespace {

constexpr char kModelId[] = "pocketsphinx";
constexpr int kSampleRate = 16000;       // the en-US model's rate
constexpr double kMaxSeconds = 30 * 60;  // a bound on one request's CPU time
// Decoding: a file up to 20 s is one utterance; a longer one is cut at pauses into pieces of 8 to
// 20 s (CutPoints).
constexpr size_t kMaxPieceSamples = 20 * kSampleRate;
constexpr size_t kMinPieceSamples = 8 * kSampleRate;
// Sentence chunks: a pause this long between two words starts a new chunk.
constexpr double kSentencePauseSeconds = 0.3;
// Silence added before and after each utterance: speech that starts at its first sample leaves the
// decoder no silence to settle its noise and cepstral estimates on (the round trip of
// tests/runner loses about a tenth fewer words with it).
constexpr size_t kPadSamples = kSampleRate * 3 / 10;
constexpr char kAudioFormatError[] = "Unsupported audio format or malformed file.";

struct Word {
  std::string text;
  double start = 0;
  double end = 0;
};

// A recognised word as the dictionary spells it: alternates ("read(2)") lose their suffix;
// fillers ("<s>", "<sil>", "[NOISE]") are not words.
std::optional<std::string> SpokenWord(const char* raw) {
  if (raw == nullptr || raw[0] == '<' || raw[0] == '[' || raw[0] == '\0') return std::nullopt;
  std::string word(raw);
  if (size_t paren = word.find('('); paren != std::string::npos && paren > 0) word.resize(paren);
  return word;
}

class AudioToText final : public Pipeline {
 public:
  AudioToText(cmd_ln_t* config, ps_decoder_t* decoder)
      : config_(config), decoder_(decoder), frame_rate_(cmd_ln_int32_r(config, "-frate")) {
    if (frame_rate_ <= 0) frame_rate_ = 100;
  }
  ~AudioToText() override {
    ps_free(decoder_);
    cmd_ln_free_r(config_);
  }

  std::string_view pipeline() const override { return "audio-to-text"; }
  std::string_view model_id() const override { return kModelId; }
  size_t max_body_bytes() const override { return 64u << 20; }

  Reply Handle(const http::HttpRequest& request) override {
    FormOrReply read = ReadModelForm(request, kModelId);
    if (read.reply) return *read.reply;
    const http::MultipartForm& form = *read.form;
    FileOrReply file = RequiredFile(form, "audio");
    if (file.reply) return *file.reply;
    const http::MultipartPart* audio = file.part;
    std::string mode = FormText(form, "return_timestamps");
    if (mode.empty()) mode = "true";
    if (mode != "true" && mode != "sentence" && mode != "word" && mode != "false") {
      return ErrorReply(400, "return_timestamps must be one of true, false, sentence, word.");
    }
    absl::StatusOr<std::vector<int16_t>> pcm =
        DecodeAudioMono(audio->data, kSampleRate, kMaxSeconds);
    if (!pcm.ok()) {
      if (pcm.status().code() == absl::StatusCode::kOutOfRange) {
        return ErrorReply(400, std::string(pcm.status().message()));
      }
      return ErrorReply(415, kAudioFormatError);
    }
    const double duration = static_cast<double>(pcm->size()) / kSampleRate;
    std::vector<std::vector<Word>> utterances = Recognize(*pcm);

    nlohmann::json chunks = nlohmann::json::array();
    std::string text;
    const bool sentences = mode == "true" || mode == "sentence";
    for (const std::vector<Word>& utterance : utterances) {
      std::string sentence;
      double sentence_start = 0;
      for (size_t i = 0; i < utterance.size(); ++i) {
        const Word& word = utterance[i];
        absl::StrAppend(&text, text.empty() ? "" : " ", word.text);
        if (mode == "word") {
          chunks.push_back({{"timestamp", {word.start, word.end}}, {"text", word.text}});
        }
        if (sentence.empty()) sentence_start = word.start;
        absl::StrAppend(&sentence, sentence.empty() ? "" : " ", word.text);
        const bool last =
            i + 1 == utterance.size() || utterance[i + 1].start - word.end >= kSentencePauseSeconds;
        if (sentences && last) {
          chunks.push_back({{"timestamp", {sentence_start, word.end}}, {"text", sentence}});
          sentence.clear();
        }
      }
    }
    if (mode == "false") chunks.push_back({{"timestamp", {0.0, duration}}, {"text", text}});
    return JsonReply({{"text", text}, {"chunks", chunks}});
  }

 private:
  // The words of each utterance, with times in seconds from the file's start.
  std::vector<std::vector<Word>> Recognize(const std::vector<int16_t>& pcm) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::vector<Word>> utterances;
    size_t start = 0;
    for (size_t end : CutPoints(pcm)) {
      // Each piece is one whole utterance, between silences of kPadSamples.
      std::vector<int16_t> padded(end - start + 2 * kPadSamples, 0);
      std::copy(pcm.begin() + start, pcm.begin() + end, padded.begin() + kPadSamples);
      ps_start_utt(decoder_);
      ps_process_raw(decoder_, padded.data(), padded.size(), FALSE, TRUE);
      ps_end_utt(decoder_);
      std::vector<Word> words = Words(static_cast<double>(start) / kSampleRate -
                                      static_cast<double>(kPadSamples) / kSampleRate);
      ClampTimes(words, static_cast<double>(start) / kSampleRate,
                 static_cast<double>(end) / kSampleRate);
      utterances.push_back(std::move(words));
      start = end;
    }
    return utterances;
  }

  // Where to cut the file into utterances (each cut is a piece's end; the last is the file's).
  // A file up to kMaxPieceSamples is one piece, so the language model sees all of it; a longer
  // one is cut at the quietest 100 ms between kMinPieceSamples and kMaxPieceSamples from the
  // piece's start, which in speech is a pause between words or sentences.
  static std::vector<size_t> CutPoints(const std::vector<int16_t>& pcm) {
    constexpr size_t kWindow = kSampleRate / 10;
    std::vector<size_t> cuts;
    size_t start = 0;
    while (pcm.size() - start > kMaxPieceSamples) {
      size_t best = start + kMaxPieceSamples;
      double best_energy = -1;
      for (size_t at = start + kMinPieceSamples; at + kWindow <= start + kMaxPieceSamples;
           at += kWindow / 2) {
        double energy = 0;
        for (size_t i = at; i < at + kWindow; ++i) energy += static_cast<double>(pcm[i]) * pcm[i];
        if (best_energy < 0 || energy < best_energy) {
          best_energy = energy;
          best = at + kWindow / 2;
        }
      }
      cuts.push_back(best);
      start = best;
    }
    cuts.push_back(pcm.size());
    return cuts;
  }

  // Word times inside [start, end] (a word may begin in the padding).
  static void ClampTimes(std::vector<Word>& words, double start, double end) {
    for (Word& word : words) {
      word.start = std::clamp(word.start, start, end);
      word.end = std::clamp(word.end, word.start, end);
    }
  }

  // The last utterance's words; `offset` is where it began in the file, in seconds.
  std::vector<Word> Words(double offset) {
    std::vector<Word> words;
    int32 score = 0;
    if (ps_get_hyp(decoder_, &score) == nullptr) return words;
    for (ps_seg_t* seg = ps_seg_iter(decoder_); seg != nullptr; seg = ps_seg_next(seg)) {
      std::optional<std::string> word = SpokenWord(ps_seg_word(seg));
      if (!word) continue;
      int start_frame = 0, end_frame = 0;
      ps_seg_frames(seg, &start_frame, &end_frame);
      words.push_back({*word, offset + static_cast<double>(start_frame) / frame_rate_,
                       offset + static_cast<double>(end_frame + 1) / frame_rate_});
    }
    return words;
  }

  cmd_ln_t* const config_;
  ps_decoder_t* const decoder_;
  int frame_rate_;
  std::mutex mu_;  // one decoder, one utterance at a time
};

}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> CreateAudioToText(const ModelPaths& paths) {
  const std::string dir = paths.pocketsphinx_dir;
  const std::string hmm = dir + "/en-us";
  const std::string lm = dir + "/en-us.lm.bin";
  const std::string dict = dir + "/cmudict-en-us.dict";
  cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(),
                                 "-dict", dict.c_str(), "-logfn", "/dev/null",
                                 // Keep silent frames: word times are frame numbers, and with the
                                 // voice activity filter on they would skip every pause.
                                 "-remove_silence", "no", nullptr);
  if (config == nullptr) return absl::FailedPreconditionError("pocketsphinx: bad configuration");
  ps_decoder_t* decoder = ps_init(config);
  if (decoder == nullptr) {
    cmd_ln_free_r(config);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load the pocketsphinx en-us model from ", dir,
                     " (needs en-us/, en-us.lm.bin, cmudict-en-us.dict)"));
  }
  return std::make_unique<AudioToText>(config, decoder);
}

}  // namespace baton::runner
