// ABI: type parsing, the doc/pm.md selectors and layouts, strict decoding, revert reasons, and
// equality with ethers' AbiCoder / Interface on random types and values.
#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/keccak.h"
#include "eth/abi_codec.h"
#include "eth/abi_function.h"
#include "eth/test_support.h"

namespace baton::eth::abi {
namespace {

using crypto::U256;

std::string Unhex(std::string_view h) { return HexDecode(h).value(); }

TEST(AbiType, ParsesAndPrintsCanonicalForms) {
  for (std::string t : {"uint256", "int8", "address", "bool", "bytes32", "bytes", "string",
                        "uint256[]", "(address,bytes)[2][]", "((uint8,string)[],bool)", "()"}) {
    auto parsed = Type::Parse(t);
    ASSERT_TRUE(parsed.ok()) << t << ": " << parsed.status();
    EXPECT_EQ(parsed->Canonical(), t);
  }
  EXPECT_EQ(Type::Parse("uint").value().Canonical(), "uint256");
  EXPECT_TRUE(Type::Parse("(uint256,string)").value().IsDynamic());
  EXPECT_FALSE(Type::Parse("(uint256,bytes32)[3]").value().IsDynamic());
  EXPECT_EQ(Type::Parse("(uint256,bytes32)[3]").value().HeadSize(), 192u);
  for (std::string bad :
       {"uint7", "uint264", "bytes0", "bytes33", "foo", "(uint256", "uint256[x]", "uint08", ""})
    EXPECT_FALSE(Type::Parse(bad).ok()) << bad;
}

TEST(AbiFunction, SelectorsMatchPmSpec) {
  const char* kTicket =
      "(address recipient,address sender,uint256 faceValue,uint256 winProb,uint256 senderNonce,"
      "bytes32 recipientRandHash,bytes auxData)";
  std::vector<std::pair<std::string, std::string>> cases = {
      {std::string("redeemWinningTicket(") + kTicket + " ticket, bytes sig, uint256 recipientRand)",
       "ec8b3cb6"},
      {"getSenderInfo(address)", "e1a589da"},
      {"getContract(bytes32)", "e16c7d98"},
      {"claimableReserve(address,address)", "81779f38"},
      {"transcoder(uint256 rewardCut, uint256 feeShare)", "43d3461a"},
      {"setServiceURI(string)", "5f11301b"},
      {"getTicketHash(" + std::string(kTicket) + ")", "b03fa864"},
  };
  for (const auto& [sig, selector] : cases) {
    auto f = Function::Parse(sig);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(HexEncode(f->Selector()), selector) << sig;
  }
  auto e = Event::Parse("DepositFunded(address indexed sender, uint256 amount)").value();
  EXPECT_EQ(HexEncode(e.Topic0()).substr(0, 16), "5159e237d952190e");
}

TEST(AbiFunction, RedeemWinningTicketCalldataHasSpecLayout) {
  auto f = Function::Parse(
               "redeemWinningTicket((address,address,uint256,uint256,uint256,bytes32,bytes),"
               "bytes,uint256)")
               .value();
  auto addr = crypto::Address::FromHex("0x1111111111111111111111111111111111111111").value();
  Value ticket = Value::Of({Value::Addr(addr), Value::Addr(addr), Value::Uint(1000), Value::Uint(5),
                            Value::Uint(7), Value::Bytes(std::string(32, 'h')),
                            Value::Bytes(std::string(64, 'a'))});
  auto calldata =
      f.EncodeCall({ticket, Value::Bytes(std::string(65, 's')), Value::Uint(42)}).value();
  ASSERT_EQ(calldata.size(), 548u);
  auto word = [&](int i) { return crypto::U256FromBigEndian(calldata.substr(4 + 32 * i, 32)); };
  EXPECT_EQ(word(0), 0x60);
  EXPECT_EQ(word(1), 0x1a0);
  EXPECT_EQ(word(2), 42);
  EXPECT_EQ(word(3 + 6), 0xe0);  // auxData offset inside the tuple
  EXPECT_EQ(word(3 + 7), 0x40);
  EXPECT_EQ(word(3 + 10), 0x41);  // sig length
  auto back = f.DecodeCall(calldata).value();
  EXPECT_EQ(back[0], ticket);
  EXPECT_EQ(back[2].uint(), 42);
}

TEST(AbiCodec, RejectsValuesThatDoNotFitTheirType) {
  EXPECT_FALSE(EncodeOne(Type::Uint(8), Value::Uint(256)).ok());
  EXPECT_TRUE(EncodeOne(Type::Uint(8), Value::Uint(255)).ok());
  EXPECT_FALSE(EncodeOne(Type::Int(8), Value::Int(128)).ok());
  EXPECT_TRUE(EncodeOne(Type::Int(8), Value::Int(-128)).ok());
  EXPECT_FALSE(EncodeOne(Type::FixedBytes(4), Value::Bytes("abc")).ok());
  EXPECT_FALSE(EncodeOne(Type::Address(), Value::Uint(1)).ok());
  EXPECT_FALSE(EncodeOne(Type::Array(Type::Bool(), 2), Value::Of({Value::Bool(true)})).ok());
  EXPECT_EQ(HexEncode(EncodeOne(Type::Int(), Value::Int(-1)).value()), std::string(64, 'f'));
}

TEST(AbiCodec, RejectsCorruptData) {
  EXPECT_FALSE(DecodeOne(Type::Uint(), std::string(31, '\0')).ok());
  EXPECT_FALSE(DecodeOne(Type::Bool(), crypto::U256ToBE32(2)).ok());
  EXPECT_FALSE(DecodeOne(Type::Uint(8), crypto::U256ToBE32(256)).ok());
  EXPECT_FALSE(DecodeOne(Type::Address(), std::string(32, '\xff')).ok());
  // A string whose offset points past the data, and one whose length does.
  EXPECT_FALSE(DecodeOne(Type::String(), crypto::U256ToBE32(64)).ok());
  EXPECT_FALSE(DecodeOne(Type::String(), crypto::U256ToBE32(32) + crypto::U256ToBE32(1000)).ok());
  // A huge dynamic array length is refused without allocating.
  EXPECT_FALSE(DecodeOne(Type::Parse("uint256[]").value(),
                         crypto::U256ToBE32(32) + crypto::U256ToBE32(U256(1) << 200))
                   .ok());
}

TEST(AbiRevert, DecodesErrorAndPanic) {
  std::string error = std::string(kErrorSelector) +
                      EncodeOne(Type::String(), Value::Bytes("ticket is used")).value();
  EXPECT_EQ(DecodeRevertReason(error), "ticket is used");
  std::string panic = std::string(kPanicSelector) + crypto::U256ToBE32(0x12);
  EXPECT_EQ(DecodeRevertReason(panic), "panic 0x12 (division or modulo by zero)");
  EXPECT_EQ(DecodeRevertReason(Unhex("deadbeef")), "custom error 0xdeadbeef");
  EXPECT_EQ(DecodeRevertReason(""), std::nullopt);
  EXPECT_EQ(HexEncode(crypto::Keccak256("Error(string)").substr(0, 4)), HexEncode(kErrorSelector));
  EXPECT_EQ(HexEncode(crypto::Keccak256("Panic(uint256)").substr(0, 4)), HexEncode(kPanicSelector));
}

TEST(AbiCodec, MatchesEthersOnRandomTypesAndValues) {
  uint32_t seed = testing::VectorSeed();
  auto vectors = testing::RunVectors("abi " + std::to_string(seed) + " 300");
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  for (const auto& v : *vectors) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " " + v["signature"].get<std::string>());
    std::vector<Type> types;
    std::vector<Value> values;
    for (size_t i = 0; i < v["types"].size(); ++i) {
      types.push_back(Type::Parse(v["types"][i].get<std::string>()).value());
      values.push_back(testing::ValueFromJson(types.back(), v["values"][i]).value());
    }
    std::string expected = Unhex(v["encoded"].get<std::string>());
    auto encoded = Encode(types, values);
    ASSERT_TRUE(encoded.ok()) << encoded.status();
    EXPECT_EQ(HexEncode(*encoded), HexEncode(expected));
    auto decoded = Decode(types, expected);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, values);
    auto f = Function::Parse(v["signature"].get<std::string>()).value();
    EXPECT_EQ("0x" + HexEncode(f.Selector()), v["selector"].get<std::string>());
    EXPECT_EQ("0x" + HexEncode(f.EncodeCall(values).value()), v["calldata"].get<std::string>());
  }
}

TEST(AbiEvent, DecodesEthersLogsOnRandomEvents) {
  uint32_t seed = testing::VectorSeed();
  auto vectors = testing::RunVectors("event " + std::to_string(seed) + " 200");
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  for (const auto& v : *vectors) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " " + v["signature"].get<std::string>());
    auto event = Event::Parse(v["signature"].get<std::string>());
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ("0x" + HexEncode(event->Topic0()), v["topic0"].get<std::string>());
    std::vector<std::string> topics;
    for (const auto& t : v["topics"]) topics.push_back(Unhex(t.get<std::string>()));
    auto decoded = event->DecodeLog(topics, Unhex(v["data"].get<std::string>()));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    for (size_t i = 0; i < event->params().size(); ++i) {
      const Param& p = event->params()[i];
      bool hashed = p.indexed && (p.type.IsDynamic() || p.type.kind() == Type::Kind::kTuple ||
                                  p.type.kind() == Type::Kind::kArray);
      Value expected = hashed ? Value::Bytes(Unhex(v["expected"][i].get<std::string>()))
                              : testing::ValueFromJson(p.type, v["expected"][i]).value();
      EXPECT_EQ((*decoded)[i], expected) << "parameter " << i;
    }
  }
}

}  // namespace
}  // namespace baton::eth::abi
