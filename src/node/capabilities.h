// Capabilities: what a node can do and what a job requires (wire.md section 6).
//
// Capability numbers are go-livepeer's enum. On the wire a set is a bitstring of uint64
// words (capability c sets bit c % 64 of word c / 64) plus per-capability capacities, a
// version string and optional constraints. This file holds the enum, the encoding, the sets
// the node advertises and the compatibility rule the node applies to each job. All functions
// are pure and thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "lp_rpc.pb.h"

namespace baton::node {

enum Capability : int {
  kCapH264 = 0,
  kCapMpegts = 1,
  kCapMp4 = 2,
  kCapFractionalFramerates = 3,
  kCapStorageDirect = 4,
  kCapStorageS3 = 5,
  kCapStorageGcs = 6,
  kCapProfileH264Baseline = 7,
  kCapProfileH264Main = 8,
  kCapProfileH264High = 9,
  kCapProfileH264ConstrainedHigh = 10,
  kCapGop = 11,
  kCapAuthToken = 12,
  kCapSceneClassification = 13,
  kCapMpeg7VideoSignature = 14,
  kCapHevcDecode = 15,
  kCapHevcEncode = 16,
  kCapVp8Decode = 17,
  kCapVp9Decode = 18,
  kCapVp8Encode = 19,
  kCapVp9Encode = 20,
  kCapH264Decode444_8bit = 21,
  kCapH264Decode422_8bit = 22,
  kCapH264Decode444_10bit = 23,
  kCapH264Decode422_10bit = 24,
  kCapH264Decode420_10bit = 25,
  kCapSegmentSlicing = 26,
  kCapTextToImage = 27,
  kCapImageToImage = 28,
  kCapImageToVideo = 29,
  kCapUpscale = 30,
  kCapAudioToText = 31,
  kCapSegmentAnything2 = 32,
  kCapLlm = 33,
  kCapImageToText = 34,
  kCapLiveVideoToVideo = 35,
  kCapTextToSpeech = 36,
  kCapByoc = 37,
};

// go-livepeer's display name ("H.264", "Text to image", ...); "" for unknown numbers.
std::string CapabilityName(int capability);
// Pipeline name ("live-video-to-video") to capability, as core/ai.go does; -2 when unknown.
int PipelineToCapability(const std::string& pipeline);

// go-livepeer's DefaultCapabilities {0-12, 14, 26}: encodes as the single word 0x4005FFF.
std::set<int> DefaultCapabilities();

// Encodes a set as bitstring words; negative numbers are skipped.
std::vector<uint64_t> EncodeBitstring(const std::set<int>& caps);
std::set<int> DecodeBitstring(const google::protobuf::RepeatedField<uint64_t>& words);

// The capability message a node advertises: bitstring, empty mandatories, capacity 1 per
// capability, the build version.
net::Capabilities MakeCapabilities(const std::set<int>& caps, const std::string& version);

// Is a requester (a gateway's or a segment's requirements) satisfied by a provider (this
// node)? Rules of wire.md 6.4: minimum version, mandatories, per-model constraints, and
// the requester's bitstring being a subset of the provider's.
bool CompatibleWith(const net::Capabilities& requester, const net::Capabilities& provider);

// Semantic version comparison with pre-release suffixes ignored. Returns false when `version`
// cannot be parsed; true when `minimum` cannot be parsed (go-livepeer's behaviour).
bool VersionAtLeast(const std::string& version, const std::string& minimum);

}  // namespace baton::node
