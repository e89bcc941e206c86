#include "transcode/profile_proto.h"

#include <gtest/gtest.h>

namespace baton::transcode {
namespace {

net::VideoProfile Wire(const std::string& name, int w, int h, int bitrate) {
  net::VideoProfile p;
  p.set_name(name);
  p.set_width(w);
  p.set_height(h);
  p.set_bitrate(bitrate);
  p.set_fps(30);
  return p;
}

TEST(ProfileProtoTest, ConvertsEveryField) {
  net::VideoProfile w = Wire("custom", 640, 360, 900000);
  w.set_fps(30000);
  w.set_fpsden(1001);
  w.set_format(net::VideoProfile::MP4);
  w.set_profile(net::VideoProfile::H264_CONSTRAINED_HIGH);
  w.set_gop(2000);
  w.set_encoder(net::VideoProfile::H265);
  w.set_quality(23);
  auto p = ProfileFromProto(w);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name, "custom");
  EXPECT_EQ(p->width, 640);
  EXPECT_EQ(p->height, 360);
  EXPECT_EQ(p->bitrate_bps, 900000);
  EXPECT_EQ(p->fps_num, 30000);
  EXPECT_EQ(p->fps_den, 1001);
  EXPECT_EQ(p->format, OutputFormat::kMp4);
  EXPECT_EQ(p->encoder_profile, EncoderProfile::kConstrainedHigh);
  EXPECT_EQ(p->gop_ms, 2000);
  EXPECT_EQ(p->codec, VideoCodec::kH265);
  EXPECT_EQ(p->quality, 23u);
}

TEST(ProfileProtoTest, DefaultsAndSentinels) {
  net::VideoProfile w = Wire("", 426, 240, 600000);
  w.set_fps(0);
  w.set_gop(-1);
  auto p = ProfileFromProto(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "net_426x240_600000");
  EXPECT_TRUE(p->passthrough_fps());
  EXPECT_EQ(p->fps_den, 1);
  EXPECT_EQ(p->gop_ms, kGopIntraOnly);
}

TEST(ProfileProtoTest, UnknownEnumsAreErrors) {
  net::VideoProfile w = Wire("x", 426, 240, 600000);
  w.set_format(static_cast<net::VideoProfile::Format>(7));
  EXPECT_EQ(ProfileFromProto(w).status().message(), "unrecognized profile output format");
  w = Wire("x", 426, 240, 600000);
  w.set_profile(static_cast<net::VideoProfile::Profile>(9));
  EXPECT_EQ(ProfileFromProto(w).status().message(), "unrecognized encoder profile");
  w = Wire("x", 426, 240, 600000);
  w.set_encoder(static_cast<net::VideoProfile::VideoCodec>(4));
  EXPECT_EQ(ProfileFromProto(w).status().message(), "unrecognized video codec");
  w = Wire("x", 426, 240, 600000);
  w.set_gop(-2);
  EXPECT_FALSE(ProfileFromProto(w).ok());
}

TEST(ProfileProtoTest, PicksTheNewestNonEmptyList) {
  net::SegData seg;
  *seg.add_fullprofiles() = Wire("one", 256, 144, 1);
  auto p = ProfilesFromSegData(seg);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].name, "one");
  *seg.add_fullprofiles2() = Wire("two", 256, 144, 1);
  EXPECT_EQ((*ProfilesFromSegData(seg))[0].name, "two");
  *seg.add_fullprofiles3() = Wire("three", 256, 144, 1);
  *seg.add_fullprofiles3() = Wire("four", 256, 144, 1);
  p = ProfilesFromSegData(seg);
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].name, "three");
  EXPECT_EQ((*p)[1].name, "four");
  seg.set_profiles("invalid");  // legacy field: ignored
  EXPECT_TRUE(ProfilesFromSegData(seg).ok());
}

TEST(ProfileProtoTest, DurationAndClip) {
  net::SegData seg;
  auto in = SegmentInputFromSegData(seg, "abc");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->duration_ms, 2000);
  EXPECT_FALSE(in->clip_from_ms.has_value());
  seg.set_duration(4000);
  seg.mutable_segment_parameters()->set_from(1000);
  seg.mutable_segment_parameters()->set_to(3000);
  in = SegmentInputFromSegData(seg, "abc");
  EXPECT_EQ(in->duration_ms, 4000);
  EXPECT_EQ(in->clip_from_ms, 1000);
  EXPECT_EQ(in->clip_to_ms, 3000);
  EXPECT_EQ(in->bytes, "abc");
  seg.set_duration(300'001);
  EXPECT_EQ(SegmentInputFromSegData(seg, "abc").status().message(), "invalid duration");
  seg.set_duration(-1);
  EXPECT_FALSE(SegmentInputFromSegData(seg, "abc").ok());
}

}  // namespace
}  // namespace baton::transcode
