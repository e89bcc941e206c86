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
constexpr int kSampleRate = 16000;           // the en-US model's rate
constexpr size_t kMaxFileBytes = 50u << 20;  // the runner API's limit (413 above)
constexpr double kMaxSeconds = 30 * 60;      // a bound on one request's CPU time
// Below this the whole file is one utterance (the language model sees all of it); above it the
// decoder's voice activity detection cuts it at pauses.
constexpr size_t kWholeUtteranceSamples = 30 * kSampleRate;
// Silence added before and after a short file: speech that starts at its first sample leaves the
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
    FormOrReply read = ReadForm(request);
    if (read.reply) return *read.reply;
    const http::MultipartForm& form = *read.form;
    if (std::optional<Reply> wrong = CheckModelId(FormText(form, "model_id"), kModelId)) {
      return *wrong;
    }
    const http::MultipartPart* audio = form.Find("audio");
    if (audio == nullptr) return ValidationError("audio", "field required", "value_error.missing");
    if (audio->data.size() > kMaxFileBytes) return ErrorReply(413, "File size exceeds limit.");
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
    for (const std::vector<Word>& utterance : utterances) {
      std::string sentence;
      for (const Word& word : utterance) {
        absl::StrAppend(&sentence, sentence.empty() ? "" : " ", word.text);
        if (mode == "word")
          chunks.push_back({{"timestamp", {word.start, word.end}}, {"text", word.text}});
      }
      if (sentence.empty()) continue;
      if (mode == "true" || mode == "sentence") {
        chunks.push_back(
            {{"timestamp", {utterance.front().start, utterance.back().end}}, {"text", sentence}});
      }
      absl::StrAppend(&text, text.empty() ? "" : " ", sentence);
    }
    if (mode == "false") chunks.push_back({{"timestamp", {0.0, duration}}, {"text", text}});
    return JsonReply({{"text", text}, {"chunks", chunks}});
  }

 private:
  // The words of each utterance, with times in seconds from the file's start.
  std::vector<std::vector<Word>> Recognize(const std::vector<int16_t>& pcm) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::vector<Word>> utterances;
    if (pcm.size() <= kWholeUtteranceSamples) {
      std::vector<int16_t> padded(pcm.size() + 2 * kPadSamples, 0);
      std::copy(pcm.begin(), pcm.end(), padded.begin() + kPadSamples);
      ps_start_utt(decoder_);
      ps_process_raw(decoder_, padded.data(), padded.size(), FALSE, TRUE);
      ps_end_utt(decoder_);
      utterances.push_back(Words(-static_cast<double>(kPadSamples) / kSampleRate));
      ClampTimes(utterances.back(), static_cast<double>(pcm.size()) / kSampleRate);
      return utterances;
    }
    // Long audio: feed it in blocks, ending an utterance whenever the decoder's voice activity
    // detector reports the end of speech.
    constexpr size_t kBlock = kSampleRate / 10;
    size_t utterance_start = 0;
    bool in_speech = false;
    ps_start_utt(decoder_);
    for (size_t at = 0; at < pcm.size(); at += kBlock) {
      size_t n = std::min(kBlock, pcm.size() - at);
      ps_process_raw(decoder_, pcm.data() + at, n, FALSE, FALSE);
      bool speech = ps_get_in_speech(decoder_) != 0;
      if (speech) in_speech = true;
      if (in_speech && !speech) {
        ps_end_utt(decoder_);
        utterances.push_back(Words(static_cast<double>(utterance_start) / kSampleRate));
        utterance_start = at + n;
        in_speech = false;
        ps_start_utt(decoder_);
      }
    }
    ps_end_utt(decoder_);
    utterances.push_back(Words(static_cast<double>(utterance_start) / kSampleRate));
    return utterances;
  }

  // Word times inside [0, duration] (a word may begin in the padding).
  static void ClampTimes(std::vector<Word>& words, double duration) {
    for (Word& word : words) {
      word.start = std::clamp(word.start, 0.0, duration);
      word.end = std::clamp(word.end, word.start, duration);
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
                                 "-dict", dict.c_str(), "-logfn", "/dev/null", nullptr);
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
