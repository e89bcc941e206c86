// Cross-checks Baton's crypto and ticket code against ethers (an independent implementation),
// with random inputs made at test time, and checks that tickets signed by ethers are accepted
// by Baton's Recipient. Needs node and tools/node_modules/ethers (scripts/setup installs them).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "common/hex.h"
#include "crypto/address.h"
#include "crypto/eth_sign.h"
#include "crypto/keccak.h"
#include "crypto/secp256k1.h"
#include "pm/in_memory_chain_facts.h"
#include "pm/recipient.h"

namespace baton::pm {
namespace {

using nlohmann::json;

std::string SourceDir() {
  const char* dir = std::getenv("BATON_SOURCE_DIR");
  return dir ? dir : BATON_SOURCE_DIR_DEFAULT;
}

// Runs the ethers oracle on `request`; fails the test if node or ethers is missing.
json AskEthers(const json& request) {
  std::string path = ::testing::TempDir() + "ethers_request_" + std::to_string(getpid()) + ".json";
  std::ofstream(path) << request.dump();
  std::string cmd = "NODE_PATH=" + SourceDir() + "/tools/node_modules node " + SourceDir() +
                    "/tests/pm/ethers_oracle.js " + path + " 2>&1";
  std::string output;
  FILE* pipe = popen(cmd.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  if (pipe == nullptr) return json();
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int rc = pclose(pipe);
  std::remove(path.c_str());
  EXPECT_EQ(rc, 0) << output;
  json parsed = json::parse(output, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << output;
  return parsed;
}

class EthersCrossCheck : public ::testing::Test {
 protected:
  std::string RandomBytes(size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng_());
    return s;
  }
  std::mt19937_64 rng_{std::random_device{}()};
};

TEST_F(EthersCrossCheck, KeccakChecksumAndPersonalSign) {
  json req;
  std::vector<std::string> data;
  for (size_t len : {0, 1, 31, 32, 33, 135, 136, 137, 500}) data.push_back(RandomBytes(len));
  for (const auto& d : data) req["keccak"].push_back({{"data", HexEncode0x(d)}});
  std::vector<crypto::Address> addrs;
  for (int i = 0; i < 20; ++i) addrs.push_back(crypto::Address::FromBytesGoStyle(RandomBytes(20)));
  for (const auto& a : addrs) req["checksum"].push_back({{"address", a.Hex()}});
  std::vector<crypto::PrivateKey> keys;
  std::vector<std::string> digests;
  for (int i = 0; i < 10; ++i) {
    keys.push_back(crypto::PrivateKey::Generate());
    digests.push_back(RandomBytes(32));
    req["sign"].push_back(
        {{"key", HexEncode0x(keys.back().bytes())}, {"digest", HexEncode0x(digests.back())}});
  }
  json res = AskEthers(req);
  ASSERT_TRUE(res.is_object());
  for (size_t i = 0; i < data.size(); ++i) {
    EXPECT_EQ(HexEncode0x(crypto::Keccak256(data[i])), res["keccak"][i])
        << "length " << data[i].size();
  }
  for (size_t i = 0; i < addrs.size(); ++i) EXPECT_EQ(addrs[i].ChecksumHex(), res["checksum"][i]);
  for (size_t i = 0; i < keys.size(); ++i) {
    const json& s = res["sign"][i];
    EXPECT_EQ(keys[i].address().ChecksumHex(), s["address"]);
    // Both sides use RFC6979, so the signatures are identical byte for byte.
    EXPECT_EQ(HexEncode0x(crypto::PersonalSign(keys[i], digests[i])), s["sig"]);
    std::string ethers_sig = HexDecode(s["sig"].get<std::string>()).value();
    EXPECT_EQ(crypto::RecoverPersonalSigner(digests[i], ethers_sig)->ChecksumHex(), s["recovered"]);
  }
}

TEST_F(EthersCrossCheck, TicketHashMatchesSolidityPacked) {
  json req;
  std::vector<Ticket> tickets;
  for (int i = 0; i < 12; ++i) {
    Ticket t;
    t.recipient = crypto::Address::FromBytesGoStyle(RandomBytes(20));
    t.sender = crypto::Address::FromBytesGoStyle(RandomBytes(20));
    t.face_value = crypto::U256FromBigEndian(RandomBytes(1 + rng_() % 32));
    t.win_prob = crypto::U256FromBigEndian(RandomBytes(1 + rng_() % 32));
    t.sender_nonce = static_cast<uint32_t>(rng_());
    t.recipient_rand_hash = RandomBytes(32);
    if (i % 3 != 0) {  // every third ticket has the empty auxData of round 0 / zero hash
      t.expiration.creation_round = static_cast<int64_t>(rng_() >> 1);
      t.expiration.creation_round_block_hash = RandomBytes(32);
    }
    tickets.push_back(t);
    req["tickets"].push_back({{"recipient", t.recipient.Hex()},
                              {"sender", t.sender.Hex()},
                              {"faceValue", crypto::U256ToDecimal(t.face_value)},
                              {"winProb", crypto::U256ToDecimal(t.win_prob)},
                              {"nonce", std::to_string(t.sender_nonce)},
                              {"randHash", HexEncode0x(t.recipient_rand_hash)},
                              {"aux", HexEncode0x(t.expiration.AuxData())}});
  }
  json res = AskEthers(req);
  ASSERT_TRUE(res.is_object());
  for (size_t i = 0; i < tickets.size(); ++i) {
    EXPECT_EQ(HexEncode0x(tickets[i].Hash()), res["tickets"][i]) << "ticket " << i;
  }
}

TEST_F(EthersCrossCheck, TicketsSignedByEthersAreAcceptedByTheRecipient) {
  InMemoryChainFacts chain;
  chain.SetLastSeenL1Block(1000);
  chain.SetRound(12, crypto::Keccak256(RandomBytes(8)));
  chain.SetGasPrice(crypto::U256(1000000000));
  chain.SetDefaultSender(InMemoryChainFacts::SenderState{{}, crypto::U256(1) << 70});
  RecordingTicketSink sink;
  Balances balances;
  RecipientConfig config;
  config.address = crypto::PrivateKey::Generate().address();
  chain.SetActive(config.address, true);
  Recipient recipient(config, chain, sink, balances);

  crypto::PrivateKey gateway = crypto::PrivateKey::Generate();
  Rat price(7, 3);
  net::TicketParams tp = recipient.TicketParams(gateway.address(), price).value();
  DecodedPayment params_view;
  {
    net::Payment tmp;
    *tmp.mutable_ticket_params() = tp;
    *tmp.mutable_expiration_params() = tp.expiration_params();
    params_view = DecodePayment(tmp);
  }
  json req;
  req["make_payment"] = {
      {"key", HexEncode0x(gateway.bytes())},
      {"count", 4},
      {"params",
       {{"recipient", params_view.params.recipient.Hex()},
        {"faceValue", crypto::U256ToDecimal(params_view.params.face_value.value)},
        {"winProb", crypto::U256ToDecimal(params_view.params.win_prob.value)},
        {"randHash", HexEncode0x(params_view.params.recipient_rand_hash)},
        {"aux", HexEncode0x(params_view.expiration.AuxData())}}}};
  json res = AskEthers(req);
  ASSERT_TRUE(res.is_object());

  net::Payment payment;
  payment.set_sender(gateway.address().bytes());
  *payment.mutable_ticket_params() = tp;
  *payment.mutable_expiration_params() = tp.expiration_params();
  payment.mutable_expected_price()->set_priceperunit(7);
  payment.mutable_expected_price()->set_pixelsperunit(3);
  for (const json& t : res["make_payment"]) {
    net::TicketSenderParams* sp = payment.add_ticket_sender_params();
    sp->set_sender_nonce(t["nonce"].get<uint32_t>());
    sp->set_sig(HexDecode(t["sig"].get<std::string>()).value());
  }
  PaymentOutcome out = recipient.ProcessPayment(payment, "manifest");
  ASSERT_TRUE(out.status.ok()) << out.status;
  EXPECT_EQ(out.tickets_credited, 4);
  EXPECT_EQ(
      out.credited,
      params_view.params.face_value.value == 0
          ? Rat(0)
          : TicketEV(params_view.params.face_value.value, params_view.params.win_prob.value) * 4);
  // And a ticket ethers signed with a different key is refused.
  net::Payment forged = payment;
  forged.set_sender(crypto::PrivateKey::Generate().address().bytes());
  EXPECT_FALSE(recipient.ProcessPayment(forged, "manifest").status.ok());
}

}  // namespace
}  // namespace baton::pm
