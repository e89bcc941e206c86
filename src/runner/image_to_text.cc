#include "runner/image_to_text.h"

#include <tesseract/baseapi.h>

#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runner/media_codec.h"

namespace baton::runner {
namespace {

constexpr char kModelId[] = "tesseract";
constexpr size_t kMaxPixels = 40u * 1000 * 1000;  // 40 MP: a page scanned at 600 dpi fits

class ImageToText final : public Pipeline {
 public:
  explicit ImageToText(std::unique_ptr<tesseract::TessBaseAPI> api) : api_(std::move(api)) {}
  ~ImageToText() override { api_->End(); }

  std::string_view pipeline() const override { return "image-to-text"; }
  std::string_view model_id() const override { return kModelId; }
  size_t max_body_bytes() const override { return 64u << 20; }

  Reply Handle(const http::HttpRequest& request) override {
    FormOrReply read = ReadModelForm(request, kModelId);
    if (read.reply) return *read.reply;
    const http::MultipartForm& form = *read.form;
    FileOrReply file = RequiredFile(form, "image");
    if (file.reply) return *file.reply;
    const http::MultipartPart* image = file.part;
    absl::StatusOr<RgbImage> rgb = DecodeImage(image->data, kMaxPixels);
    if (!rgb.ok()) return ErrorReply(400, std::string(rgb.status().message()));
    std::string text = Recognize(*rgb);
    // Tesseract ends every line and block with newlines; the answer is the text itself.
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return JsonReply({{"text", text}});
  }

 private:
  std::string Recognize(const RgbImage& image) {
    std::lock_guard<std::mutex> lock(mu_);
    api_->SetImage(image.pixels.data(), image.width, image.height, 3, image.width * 3);
    // Uploads carry no trustworthy resolution; 300 dpi is Tesseract's own assumption for
    // documents and silences its "estimating resolution" warning.
    api_->SetSourceResolution(300);
    std::unique_ptr<char[]> text(api_->GetUTF8Text());
    api_->Clear();
    return text ? std::string(text.get()) : std::string();
  }

  std::unique_ptr<tesseract::TessBaseAPI> api_;
  std::mutex mu_;  // a TessBaseAPI recognises one image at a time
};

}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> CreateImageToText(const ModelPaths& paths) {
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  if (api->Init(paths.tessdata_dir.c_str(), "eng", tesseract::OEM_LSTM_ONLY) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot load tesseract's English data (eng.traineddata) from ", paths.tessdata_dir));
  }
  api->SetPageSegMode(tesseract::PSM_AUTO);
  return std::make_unique<ImageToText>(std::move(api));
}

}  // namespace baton::runner
