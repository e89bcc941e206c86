// Specification of the multipart/form-data reader and writer (net/multipart.h).
#include "net/multipart.h"

#include <string>

#include "gtest/gtest.h"

namespace baton::http {
namespace {

TEST(MultipartBoundary, ReadsPlainAndQuotedBoundaries) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=utf-8; BOUNDARY=x"), "x");
}

TEST(MultipartBoundary, RefusesOtherTypesAndBadBoundaries) {
  EXPECT_FALSE(MultipartBoundary("application/json").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"unterminated").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'b')).ok());
}

TEST(ParseMultipart, ReadsFieldsAndFilesAsCurlSendsThem) {
  std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"prompt\"\r\n"
      "\r\n"
      "a red fox\r\n"
      "--XyZ\r\n"
      "content-disposition: form-data; name=\"image\"; filename=\"fox.png\"\r\n"
      "Content-Type: image/png\r\n"
      "\r\n"
      "\x89PNG\r\n--XyZnot-a-boundary\r\n"
      "--XyZ--\r\n";
  auto form = ParseMultipart(body, "XyZ");
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->parts.size(), 2u);
  EXPECT_EQ(form->parts[0].name, "prompt");
  EXPECT_FALSE(form->parts[0].has_filename);
  EXPECT_EQ(form->parts[0].data, "a red fox");
  const MultipartPart* image = form->Find("image");
  ASSERT_NE(image, nullptr);
  EXPECT_TRUE(image->has_filename);
  EXPECT_EQ(image->filename, "fox.png");
  EXPECT_EQ(image->content_type, "image/png");
  // A line that starts with the boundary but continues otherwise is content.
  EXPECT_EQ(image->data, "\x89PNG\r\n--XyZnot-a-boundary");
  EXPECT_EQ(form->Find("missing"), nullptr);
}

TEST(ParseMultipart, AcceptsPreambleEpiloguePaddingAndBareLineFeeds) {
  std::string body =
      "preamble\r\n--b  \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
      "--b--\r\nepilogue";
  auto form = ParseMultipart(body, "b");
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->parts.size(), 1u);
  EXPECT_EQ(form->parts[0].data, "1");

  auto lf = ParseMultipart("--b\nContent-Disposition: form-data; name=a\n\nx\ny\n--b--", "b");
  ASSERT_TRUE(lf.ok()) << lf.status();
  EXPECT_EQ(lf->parts[0].data, "x\ny");

  auto empty = ParseMultipart("--b--\r\n", "b");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->parts.empty());
}

TEST(ParseMultipart, SkipsPartsThatAreNotFormFields) {
  auto form = ParseMultipart(
      "--b\r\nContent-Type: text/plain\r\n\r\nno name\r\n"
      "--b\r\nContent-Disposition: attachment; name=x\r\n\r\nnot form-data\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"q\\\"uote\"\r\n\r\n\r\n--b--",
      "b");
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->parts.size(), 1u);
  EXPECT_EQ(form->parts[0].name, "q\"uote");
  EXPECT_EQ(form->parts[0].data, "");
}

TEST(ParseMultipart, RefusesMalformedBodies) {
  EXPECT_FALSE(ParseMultipart("", "b").ok());
  EXPECT_FALSE(ParseMultipart("no boundary here", "b").ok());
  EXPECT_FALSE(ParseMultipart("--bgarbage\r\n", "b").ok());
  // Truncated: no closing delimiter, headers without their empty line.
  EXPECT_FALSE(
      ParseMultipart("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nxyz", "b").ok());
  EXPECT_FALSE(ParseMultipart("--b\r\nContent-Disposition: form-data; name=a\r\n", "b").ok());
  EXPECT_FALSE(
      ParseMultipart("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b", "b").ok());
  EXPECT_FALSE(ParseMultipart("--b\r\nno colon\r\n\r\nx\r\n--b--", "b").ok());
  EXPECT_FALSE(
      ParseMultipart("--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--", "b")
          .ok());
}

TEST(ParseMultipart, EnforcesLimits) {
  MultipartWriter writer("lim");
  for (int i = 0; i < 5; ++i) writer.AddField("f", "v");
  std::string body = std::move(writer).Finish();
  EXPECT_TRUE(ParseMultipart(body, "lim", {.max_parts = 5}).ok());
  EXPECT_FALSE(ParseMultipart(body, "lim", {.max_parts = 4}).ok());

  std::string big_header =
      "--b\r\nContent-Disposition: form-data; name=a\r\nX-Pad: " + std::string(20000, 'p') +
      "\r\n\r\nx\r\n--b--";
  EXPECT_FALSE(ParseMultipart(big_header, "b").ok());
  EXPECT_TRUE(ParseMultipart(big_header, "b", {.max_part_header_bytes = 30000}).ok());
}

TEST(MultipartWriter, RoundTripsThroughTheParser) {
  MultipartWriter writer;
  std::string binary("\0\r\n--\xff", 6);
  writer.AddField("model_id", "tesseract");
  writer.AddField("we\"ird\r\nname", "v");
  writer.AddFile("image", "a\\b.png", "image/png", binary);
  std::string content_type = writer.content_type();
  std::string body = std::move(writer).Finish();
  auto form = ParseMultipartForm(content_type, body);
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->parts.size(), 3u);
  EXPECT_EQ(form->Find("model_id")->data, "tesseract");
  EXPECT_NE(form->Find("we\"ird%0D%0Aname"), nullptr);
  const MultipartPart* image = form->Find("image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->filename, "a\\b.png");
  EXPECT_EQ(image->content_type, "image/png");
  EXPECT_EQ(image->data, binary);
}

}  // namespace
}  // namespace baton::http

namespace baton::http {
namespace {

// multipart/mixed, as a remote transcoder posts its renditions (doc/wire.md 5.1).
TEST(MultipartMixed, KeepsEveryPartWithItsHeaders) {
  MultipartWriter writer("0123456789abcdef0123");
  writer.AddPart({{"Content-Type", "video/mp2t"}, {"Content-Length", "5"}, {"Pixels", "1024"}},
                 "first");
  writer.AddPart({{"Content-Type", "application/octet-stream"}}, "phash");
  std::string content_type = writer.content_type("multipart/mixed");
  EXPECT_EQ(content_type, "multipart/mixed; boundary=0123456789abcdef0123");
  std::string body = std::move(writer).Finish();
  auto boundary = MultipartBoundary(content_type, "multipart/mixed");
  ASSERT_TRUE(boundary.ok()) << boundary.status();
  EXPECT_FALSE(MultipartBoundary(content_type).ok());  // not form-data
  auto form = ParseMultipartMixed(body, *boundary);
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->parts.size(), 2u);
  EXPECT_EQ(form->parts[0].data, "first");
  ASSERT_NE(form->parts[0].Header("pixels"), nullptr);
  EXPECT_EQ(*form->parts[0].Header("pixels"), "1024");
  EXPECT_EQ(form->parts[1].content_type, "application/octet-stream");
  EXPECT_EQ(form->parts[1].Header("pixels"), nullptr);
  // The form-data reader skips parts that are not form fields.
  EXPECT_TRUE(ParseMultipart(body, *boundary)->parts.empty());
  EXPECT_FALSE(ParseMultipartMixed(body.substr(0, body.size() - 10), *boundary).ok());
}

TEST(MultipartMixed, AnAttachmentsFilenameIsKept) {
  // A remote AI worker's result file (doc/wire.md 5.2).
  std::string body =
      "--b\r\nContent-Disposition: attachment; filename=0a1b2c3d.png\r\n\r\nPNG\r\n--b--\r\n";
  auto form = ParseMultipartMixed(body, "b");
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->parts.size(), 1u);
  EXPECT_TRUE(form->parts[0].has_filename);
  EXPECT_EQ(form->parts[0].filename, "0a1b2c3d.png");
  EXPECT_EQ(form->parts[0].data, "PNG");
  // ...but a form keeps only form-data parts.
  EXPECT_TRUE(ParseMultipart(body, "b")->parts.empty());
}

TEST(MultipartMixed, MediaTypeOfFailsWhereGoDoes) {
  EXPECT_EQ(*MediaTypeOf("Multipart/Mixed; boundary=x"), "multipart/mixed");
  EXPECT_EQ(*MediaTypeOf("livepeer/transcoding-error"), "livepeer/transcoding-error");
  for (const char* bad : {"", "  ", "text", "/x", "a/", "a/b/c", "a b/c", "a/b; x=\"open"})
    EXPECT_FALSE(MediaTypeOf(bad).ok()) << bad;
}

}  // namespace
}  // namespace baton::http
