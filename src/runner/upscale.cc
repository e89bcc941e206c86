#include "runner/upscale.h"

#include <random>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "runner/media_codec.h"

namespace baton::runner {
namespace {

constexpr char kModelId[] = "lanczos";
constexpr int kFactor = 4;
constexpr size_t kMaxInputPixels = 1024 * 1024;

class Upscale final : public Pipeline {
 public:
  std::string_view pipeline() const override { return "upscale"; }
  std::string_view model_id() const override { return kModelId; }
  size_t max_body_bytes() const override { return 64u << 20; }

  Reply Handle(const http::HttpRequest& request) override {
    FormOrReply read = ReadModelForm(request, kModelId);
    if (read.reply) return *read.reply;
    const http::MultipartForm& form = *read.form;
    if (form.Find("prompt") == nullptr) {
      return ValidationError("prompt", "field required", "value_error.missing");
    }
    FileOrReply file = RequiredFile(form, "image");
    if (file.reply) return *file.reply;
    const http::MultipartPart* image = file.part;
    int64_t seed = 0;
    if (const http::MultipartPart* part = form.Find("seed");
        part != nullptr && !part->data.empty()) {
      if (!absl::SimpleAtoi(AsAbsl(part->data), &seed)) {
        return ValidationError("seed", "value is not a valid integer", "type_error.integer");
      }
    } else {
      // The runner API draws a seed when none is given; Lanczos uses none, but answers one.
      seed = std::random_device{}() & 0x7fffffff;
    }
    absl::StatusOr<RgbImage> source = DecodeImage(image->data, kMaxInputPixels);
    if (!source.ok()) return ErrorReply(400, std::string(source.status().message()));
    absl::StatusOr<RgbImage> scaled =
        ScaleLanczos(*source, source->width * kFactor, source->height * kFactor);
    if (!scaled.ok()) return ErrorReply(500, "Upscale pipeline error.");
    absl::StatusOr<std::string> png = EncodePng(*scaled);
    if (!png.ok()) return ErrorReply(500, "Upscale pipeline error.");
    return JsonReply(
        {{"images", {{{"url", DataUrl("image/png", *png)}, {"seed", seed}, {"nsfw", false}}}},
         {"scaler", kUpscaleScalerNote}});
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> CreateUpscale() { return std::make_unique<Upscale>(); }

}  // namespace baton::runner
