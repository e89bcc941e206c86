#include "runner/text_to_speech.h"

#include <espeak-ng/espeak_ng.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runner/media_codec.h"

namespace baton::runner {
namespace {

constexpr char kModelId[] = "espeak-ng";
// American English with eSpeak's "f5" voice variant at 140 words per minute: of the variants,
// rates and word gaps we tried, the one a speech recogniser (pocketsphinx, tests/runner)
// transcribes best.
constexpr char kVoice[] = "en-us+f5";
constexpr int kWordsPerMinute = 140;
// A bound on one request's work: about 25 minutes of speech.
constexpr size_t kMaxTextBytes = 20000;

std::string EspeakError(espeak_ng_STATUS status) {
  char text[512] = {0};
  espeak_ng_GetStatusCodeMessage(status, text, sizeof(text));
  return text;
}

class TextToSpeech final : public Pipeline {
 public:
  explicit TextToSpeech(int sample_rate) : sample_rate_(sample_rate) {}

  std::string_view pipeline() const override { return "text-to-speech"; }
  std::string_view model_id() const override { return kModelId; }

  Reply Handle(const http::HttpRequest& request) override {
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded())
      return ValidationError("", "JSON decode error", "value_error.jsondecode");
    if (!body.is_object())
      return ValidationError("", "body must be a JSON object", "type_error.dict");
    std::string text;
    for (const char* field : {"text", "model_id", "description"}) {
      auto it = body.find(field);
      if (it != body.end() && !it->is_string() && !it->is_null()) {
        return ValidationError(field, "str type expected", "type_error.str");
      }
    }
    if (auto it = body.find("text"); it != body.end() && it->is_string()) text = *it;
    if (auto it = body.find("model_id"); it != body.end() && it->is_string()) {
      if (std::optional<Reply> wrong = CheckModelId(it->get<std::string>(), kModelId))
        return *wrong;
    }
    if (text.empty()) return ErrorReply(400, "Text input must be provided.");
    if (text.size() > kMaxTextBytes) {
      return ErrorReply(400, absl::StrCat("Text input longer than ", kMaxTextBytes, " bytes."));
    }
    absl::StatusOr<std::vector<int16_t>> samples = Synthesize(text);
    if (!samples.ok()) {
      return ErrorReply(500, absl::StrCat("Text-to-speech pipeline error: ",
                                          std::string(samples.status().message())));
    }
    std::string wav = EncodeWav(samples->data(), samples->size(), sample_rate_);
    return JsonReply({{"audio", {{"url", DataUrl("audio/wav", wav)}}}});
  }

 private:
  static int OnSamples(short* wav, int count, espeak_EVENT* events) {
    // The list of events always ends with espeakEVENT_LIST_TERMINATED and carries user_data.
    auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
    if (wav != nullptr && count > 0 && out != nullptr) out->insert(out->end(), wav, wav + count);
    return 0;  // continue synthesis
  }

  absl::StatusOr<std::vector<int16_t>> Synthesize(const std::string& text) {
    std::vector<int16_t> samples;
    std::lock_guard<std::mutex> lock(mu_);
    // The voice's breath noise draws from libc's rand(): seeding it for every request keeps the
    // audio of a text close to the same from one request to the next (not identical: eSpeak's
    // flutter runs on between calls). Nothing else in this process draws from rand().
    std::srand(1);
    espeak_SetSynthCallback(&OnSamples);
    espeak_ng_STATUS status = espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER,
                                                   0, espeakCHARS_UTF8, nullptr, &samples);
    if (status == ENS_OK) status = espeak_ng_Synchronize();
    if (status != ENS_OK) return absl::InternalError(EspeakError(status));
    return samples;
  }

  const int sample_rate_;
  std::mutex mu_;  // libespeak-ng is one global synthesiser
};

}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> CreateTextToSpeech(const ModelPaths& paths) {
  static std::once_flag once;
  static absl::Status init_status;
  // libespeak-ng's state is process-wide: initialise it once whatever the number of pipelines.
  std::call_once(once, [&] {
    espeak_ng_InitializePath(paths.espeak_data.empty() ? nullptr : paths.espeak_data.c_str());
    espeak_ng_ERROR_CONTEXT context = nullptr;
    espeak_ng_STATUS status = espeak_ng_Initialize(&context);
    espeak_ng_ClearErrorContext(&context);
    if (status == ENS_OK)
      status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
    if (status == ENS_OK) status = espeak_ng_SetVoiceByName(kVoice);
    if (status == ENS_OK) status = espeak_ng_SetParameter(espeakRATE, kWordsPerMinute, 0);
    if (status != ENS_OK) {
      init_status = absl::FailedPreconditionError(
          absl::StrCat("cannot load espeak-ng (data ",
                       paths.espeak_data.empty() ? "at its default path" : paths.espeak_data,
                       "): ", EspeakError(status)));
    }
  });
  if (!init_status.ok()) return init_status;
  return std::make_unique<TextToSpeech>(espeak_ng_GetSampleRate());
}

}  // namespace baton::runner
