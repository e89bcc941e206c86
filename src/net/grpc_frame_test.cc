#include "net/grpc_frame.h"

#include <gtest/gtest.h>

namespace baton::http {
namespace {

using std::chrono::nanoseconds;

TEST(GrpcFrame, EncodesFlagAndBigEndianLength) {
  const std::string frame = EncodeGrpcFrame(std::string(258, 'x'));
  ASSERT_EQ(frame.size(), 263u);
  EXPECT_EQ(frame.substr(0, 5), std::string("\0\0\0\x01\x02", 5));
  EXPECT_EQ(EncodeGrpcFrame(""), std::string(5, '\0'));
}

TEST(GrpcFrame, DecodesMessagesSplitAtEveryByte) {
  const std::string stream =
      EncodeGrpcFrame("hello") + EncodeGrpcFrame("") + EncodeGrpcFrame(std::string(70000, 'z'));
  for (size_t split = 0; split <= stream.size(); split += (split < 20 ? 1 : 997)) {
    GrpcFrameDecoder decoder;
    std::vector<std::string> messages;
    ASSERT_TRUE(decoder.Feed(stream.substr(0, split), messages).ok());
    ASSERT_TRUE(decoder.Feed(stream.substr(split), messages).ok());
    ASSERT_EQ(messages.size(), 3u) << "split at " << split;
    EXPECT_EQ(messages[0], "hello");
    EXPECT_EQ(messages[1], "");
    EXPECT_EQ(messages[2], std::string(70000, 'z'));
    EXPECT_TRUE(decoder.AtFrameBoundary());
  }
}

TEST(GrpcFrame, ReportsPartialFrame) {
  GrpcFrameDecoder decoder;
  std::vector<std::string> messages;
  ASSERT_TRUE(decoder.Feed(EncodeGrpcFrame("abcdef").substr(0, 8), messages).ok());
  EXPECT_TRUE(messages.empty());
  EXPECT_FALSE(decoder.AtFrameBoundary());
}

TEST(GrpcFrame, RejectsOversizedLengthBeforeBuffering) {
  GrpcFrameDecoder decoder(/*max_message_bytes=*/1024);
  std::vector<std::string> messages;
  absl::Status status = decoder.Feed(std::string("\0\xff\xff\xff\xff", 5), messages);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GrpcCodeFromStatus(status), GrpcCode::kResourceExhausted);
  // Sticky: the stream stays failed.
  EXPECT_FALSE(decoder.Feed(EncodeGrpcFrame("ok"), messages).ok());
  EXPECT_TRUE(messages.empty());
}

TEST(GrpcFrame, AcceptsMessageExactlyAtLimit) {
  GrpcFrameDecoder decoder(/*max_message_bytes=*/16);
  std::vector<std::string> messages;
  EXPECT_TRUE(decoder.Feed(EncodeGrpcFrame(std::string(16, 'a')), messages).ok());
  EXPECT_EQ(messages.size(), 1u);
  EXPECT_FALSE(decoder.Feed(EncodeGrpcFrame(std::string(17, 'a')), messages).ok());
}

TEST(GrpcFrame, CompressedFlagIsUnimplementedAndBadFlagInvalid) {
  std::vector<std::string> messages;
  GrpcFrameDecoder compressed;
  EXPECT_EQ(GrpcCodeFromStatus(compressed.Feed(std::string("\x01\0\0\0\0", 5), messages)),
            GrpcCode::kUnimplemented);
  GrpcFrameDecoder bad_flag;
  EXPECT_EQ(bad_flag.Feed(std::string("\x07\0\0\0\0", 5), messages).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(GrpcTimeout, ParsesEveryUnit) {
  EXPECT_EQ(*ParseGrpcTimeout("2S"), nanoseconds(2'000'000'000));
  EXPECT_EQ(*ParseGrpcTimeout("500m"), nanoseconds(500'000'000));
  EXPECT_EQ(*ParseGrpcTimeout("100u"), nanoseconds(100'000));
  EXPECT_EQ(*ParseGrpcTimeout("7n"), nanoseconds(7));
  EXPECT_EQ(*ParseGrpcTimeout("3M"), nanoseconds(180'000'000'000));
  EXPECT_EQ(*ParseGrpcTimeout("1H"), nanoseconds(3'600'000'000'000));
  EXPECT_EQ(*ParseGrpcTimeout("99999999S"), nanoseconds(99999999LL * 1'000'000'000));
}

TEST(GrpcTimeout, RejectsMalformedValues) {
  for (const char* bad : {"", "S", "5", "123456789S", "5s", "-5S", "5 S", "1.5S", "5X"}) {
    EXPECT_FALSE(ParseGrpcTimeout(bad).ok()) << bad;
  }
}

TEST(GrpcTimeout, FormatRoundTripsWithoutShortening) {
  for (int64_t ns : {int64_t{1}, int64_t{999}, int64_t{1'500'000}, int64_t{2'000'000'000},
                     int64_t{123'456'789'012}, int64_t{7200} * 1'000'000'000}) {
    const std::string text = FormatGrpcTimeout(nanoseconds(ns));
    auto parsed = ParseGrpcTimeout(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_GE(parsed->count(), ns) << text;
    EXPECT_LE(text.size(), 9u);
  }
}

TEST(GrpcMessage, PercentEncodesPerSpec) {
  EXPECT_EQ(PercentEncodeGrpcMessage("plain text: ok"), "plain text: ok");
  EXPECT_EQ(PercentEncodeGrpcMessage("100%"), "100%25");
  EXPECT_EQ(PercentEncodeGrpcMessage("a\nb\r\t"), "a%0Ab%0D%09");
  EXPECT_EQ(PercentEncodeGrpcMessage("caf\xc3\xa9"), "caf%C3%A9");
}

TEST(GrpcMessage, DecodeInvertsEncodeAndKeepsMalformedEscapes) {
  const std::string original = "line1\nline2 100% caf\xc3\xa9 \x01";
  EXPECT_EQ(PercentDecodeGrpcMessage(PercentEncodeGrpcMessage(original)), original);
  EXPECT_EQ(PercentDecodeGrpcMessage("50%zz %4"), "50%zz %4");
  EXPECT_EQ(PercentDecodeGrpcMessage("%41%62"), "Ab");
}

}  // namespace
}  // namespace baton::http
