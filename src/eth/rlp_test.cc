// RLP: the yellow-paper examples, strict decoding, and equality with ethers' encodeRlp on
// random nested inputs.
#include "eth/rlp.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "eth/test_support.h"

namespace baton::eth::rlp {
namespace {

std::string Unhex(std::string_view h) { return HexDecode(h).value(); }

TEST(Rlp, EncodesYellowPaperExamples) {
  EXPECT_EQ(HexEncode(EncodeBytes("dog")), "83646f67");
  EXPECT_EQ(HexEncode(EncodeList({EncodeBytes("cat"), EncodeBytes("dog")})), "c88363617483646f67");
  EXPECT_EQ(HexEncode(EncodeBytes("")), "80");
  EXPECT_EQ(HexEncode(EncodeList({})), "c0");
  EXPECT_EQ(HexEncode(EncodeUint(uint64_t{0})), "80");
  EXPECT_EQ(HexEncode(EncodeUint(uint64_t{15})), "0f");
  EXPECT_EQ(HexEncode(EncodeUint(uint64_t{1024})), "820400");
  std::string lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
  EXPECT_EQ(HexEncode(EncodeBytes(lorem)).substr(0, 4), "b838");
  // [ [], [[]], [ [], [[]] ] ]
  Item empty = Item::List({});
  Item set = Item::List({empty, Item::List({empty}), Item::List({empty, Item::List({empty})})});
  EXPECT_EQ(HexEncode(Encode(set)), "c7c0c1c0c3c0c1c0");
  EXPECT_EQ(Decode(Encode(set)).value(), set);
}

TEST(Rlp, RejectsNonCanonicalAndTruncatedInput) {
  EXPECT_FALSE(Decode(Unhex("8100")).ok());        // single byte < 0x80 wrapped
  EXPECT_FALSE(Decode(Unhex("b80100")).ok());      // long form for a short string
  EXPECT_FALSE(Decode(Unhex("83646f")).ok());      // truncated
  EXPECT_FALSE(Decode(Unhex("83646f6700")).ok());  // trailing byte
  EXPECT_FALSE(Decode(Unhex("b9000100")).ok());    // length with a leading zero
  EXPECT_FALSE(Decode("").ok());
  EXPECT_FALSE(DecodeUint(Item::Bytes(Unhex("0001"))).ok());
  EXPECT_EQ(DecodeUint(Item::Bytes(Unhex("0400"))).value(), 1024);
}

Item FromJson(const nlohmann::json& j) {
  if (j.is_string()) return Item::Bytes(HexDecode(j.get<std::string>()).value());
  Item list = Item::List({});
  for (const auto& m : j) list.items.push_back(FromJson(m));
  return list;
}

TEST(Rlp, MatchesEthersOnRandomInputs) {
  uint32_t seed = testing::VectorSeed();
  auto vectors = testing::RunVectors("rlp " + std::to_string(seed) + " 200");
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  for (const auto& v : *vectors) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " value " + v["value"].dump());
    Item item = FromJson(v["value"]);
    std::string expected = HexDecode(v["encoded"].get<std::string>()).value();
    EXPECT_EQ(HexEncode(Encode(item)), HexEncode(expected));
    auto decoded = Decode(expected);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, item);
  }
}

}  // namespace
}  // namespace baton::eth::rlp
