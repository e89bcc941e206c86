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
  http::MultipartWriter w("0123456789abcdef0123");
  w.AddPart({{"Content-Type", "video/mp2t"}, {"Pixels", "100"}}, "first");
  w.AddPart({{"Content-Type", "application/octet-stream"}}, "phash-of-first");
  w.AddPart({{"Content-Type", "video/mp4"}, {"Pixels", "200"}}, "second");
  auto r = ParseTranscodeResults(std::move(w).Finish(), "0123456789abcdef0123");
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
  phash_first.AddPart({{"Content-Type", "application/octet-stream"}}, "x");
  EXPECT_FALSE(ParseTranscodeResults(std::move(phash_first).Finish(), "b").ok());
  http::MultipartWriter bad_pixels("b");
  bad_pixels.AddPart({{"Content-Type", "video/mp2t"}, {"Pixels", "lots"}}, "x");
  EXPECT_FALSE(ParseTranscodeResults(std::move(bad_pixels).Finish(), "b").ok());
  EXPECT_FALSE(ParseTranscodeResults("--b\r\nPixels: 1\r\n\r\ntrunc", "b").ok());
}

}  // namespace
}  // namespace baton::orchestrator
