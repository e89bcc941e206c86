#include "orchestrator/transcoder_endpoints.h"

#include <gtest/gtest.h>

#include "net/multipart.h"

namespace baton::orchestrator {
namespace {

TEST(TranscoderEndpoints, SecretMatchesOnlyTheSameBytes) {
  EXPECT_TRUE(SecretMatches("s3cret", "s3cret"));
  EXPECT_FALSE(SecretMatches("s3cre", "s3cret"));
  EXPECT_FALSE(SecretMatches("s3cret ", "s3cret"));
  EXPECT_FALSE(SecretMatches("", "s3cret"));
  EXPECT_TRUE(SecretMatches("", ""));
}

TEST(TranscoderEndpoints, ResultsAreRenditionsInOrderWithTheirPhash) {
  http::MultipartWriter w;
  w.AddPart({{"content-type", "video/mp2t"}, {"pixels", "100"}}, "first");
  w.AddPart({{"content-type", "application/octet-stream"}}, "phash-of-first");
  w.AddPart({{"content-type", "video/mp4"}, {"pixels", "200"}}, "second");
  std::string boundary = w.boundary();
  auto r = ParseTranscodeResults(w.Finish(), boundary);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].bytes, "first");
  EXPECT_EQ((*r)[0].pixels, 100);
  EXPECT_EQ((*r)[0].extension, ".ts");
  EXPECT_EQ((*r)[1].extension, ".mp4");
  EXPECT_EQ((*r)[1].pixels, 200);
}

TEST(TranscoderEndpoints, MalformedResultsAreErrors) {
  http::MultipartWriter phash_first("b");
  phash_first.AddPart({{"content-type", "application/octet-stream"}}, "x");
  EXPECT_FALSE(ParseTranscodeResults(phash_first.Finish(), "b").ok());
  http::MultipartWriter bad_pixels("b");
  bad_pixels.AddPart({{"content-type", "video/mp2t"}, {"pixels", "lots"}}, "x");
  EXPECT_FALSE(ParseTranscodeResults(bad_pixels.Finish(), "b").ok());
  EXPECT_FALSE(ParseTranscodeResults("--b\r\nPixels: 1\r\n\r\ntrunc", "b").ok());
}

}  // namespace
}  // namespace baton::orchestrator
