#include "net/multipart.h"

#include <gtest/gtest.h>

namespace baton::http {
namespace {

TEST(MediaType, ParsesTypeAndParameters) {
  auto m = ParseMediaType("Multipart/Mixed; boundary=\"a b\\\"c\";  charset=utf-8");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->type, "multipart/mixed");
  EXPECT_EQ(m->params.at("boundary"), "a b\"c");
  EXPECT_EQ(m->params.at("charset"), "utf-8");
  EXPECT_TRUE(ParseMediaType("livepeer/transcoding-error").ok());
  EXPECT_TRUE(ParseMediaType("form-data; name=\"file\"; filename=\"x.png\"").ok());
}

TEST(MediaType, RejectsWhatGoRejects) {
  for (const char* bad :
       {"", "  ", "/x", "a/", "a/b c", "a/b; =x", "a/b; x", "a/b; x=\"open", "a/b; x=1; x=2"})
    EXPECT_FALSE(ParseMediaType(bad).ok()) << bad;
}

TEST(Multipart, BoundaryOnlyForMultipart) {
  EXPECT_EQ(*MultipartBoundary("multipart/mixed; boundary=abc"), "abc");
  EXPECT_FALSE(MultipartBoundary("video/mp2t; boundary=abc").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/mixed").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/mixed; boundary=" + std::string(71, 'a')).ok());
}

TEST(Multipart, WriterOutputParsesBack) {
  MultipartWriter w;
  EXPECT_EQ(w.boundary().size(), 20u);
  w.AddPart({{"content-type", "video/mp2t"}, {"pixels", "123"}}, "first\r\nbody");
  w.AddPart({{"content-type", "application/octet-stream"}}, "");
  w.AddPart({{"content-type", "video/mp4"}}, std::string("\0--x\r\n", 6));
  std::string ct = w.ContentType();
  std::string body = w.Finish();
  EXPECT_NE(body.find("Pixels: 123\r\n"), std::string::npos);  // Go's canonical header case
  auto parts = ParseMultipart(body, *MultipartBoundary(ct));
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].body, "first\r\nbody");
  EXPECT_EQ((*parts)[0].headers.Get("pixels"), "123");
  EXPECT_EQ((*parts)[0].headers.Get("content-length"), "11");
  EXPECT_EQ((*parts)[1].body, "");
  EXPECT_EQ((*parts)[2].body, std::string("\0--x\r\n", 6));
}

TEST(Multipart, ReadsGoFormDataWithPreambleAndLf) {
  std::string body =
      "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhello\r\n"
      "--XyZ\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\n"
      "Content-Type: image/png\n\nPNG--XyZ-not-a-delimiter\n--XyZ--\r\nepilogue";
  auto parts = ParseMultipart(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].Name(), "prompt");
  EXPECT_EQ((*parts)[0].body, "hello");
  EXPECT_EQ((*parts)[1].Name(), "image");
  EXPECT_EQ((*parts)[1].Filename(), "a.png");
  EXPECT_EQ((*parts)[1].body, "PNG--XyZ-not-a-delimiter");
}

TEST(Multipart, TruncatedAndOversizedBodiesAreErrors) {
  MultipartWriter w("b0");
  w.AddPart({{"content-type", "video/mp2t"}}, std::string(1000, 'x'));
  std::string body = w.Finish();
  for (size_t cut : {size_t{0}, size_t{3}, size_t{40}, body.size() - 8, body.size() - 3})
    EXPECT_FALSE(ParseMultipart(body.substr(0, cut), "b0").ok()) << cut;
  EXPECT_TRUE(ParseMultipart(body, "b0").ok());
  MultipartLimits small;
  small.max_part_bytes = 999;
  EXPECT_EQ(ParseMultipart(body, "b0", small).status().code(),
            absl::StatusCode::kResourceExhausted);
  small = {};
  small.max_parts = 0;
  EXPECT_FALSE(ParseMultipart(body, "b0", small).ok());
  EXPECT_FALSE(ParseMultipart("--b0\r\nbad header\r\n\r\nx\r\n--b0--", "b0").ok());
  // A closing delimiter alone: no parts.
  auto none = ParseMultipart("--b0--\r\n", "b0");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace baton::http
