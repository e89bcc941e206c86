#include "pm/price_book.h"

#include <gtest/gtest.h>

namespace baton::pm {
namespace {

using crypto::Address;

TEST(PriceParsing, DecimalsWithCurrency) {
  EXPECT_EQ(ParsePriceInWei("1000").value(), Rat(1000));
  EXPECT_EQ(ParsePriceInWei("0.5").value(), Rat(1, 2));
  EXPECT_EQ(ParsePriceInWei("0.9wei").value(), Rat(9, 10));
  EXPECT_EQ(ParsePriceInWei("0.000000001ETH").value(), Rat(1000000000));
  EXPECT_EQ(ParsePriceInWei("0.5USD").status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_FALSE(ParsePriceInWei("-1").ok());
  EXPECT_FALSE(ParsePriceInWei("1.").ok());
  EXPECT_FALSE(ParsePriceInWei("abc").ok());
}

TEST(PriceBook, DefaultAndPerGatewayPrices) {
  PriceBook::Options o;
  o.price_per_unit = "1000";
  o.pixels_per_unit = "3";
  o.price_per_gateway_json =
      R"({"gateways":[{"ethaddress":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",)"
      R"("priceperunit":0.5,"currency":"wei","pixelsperunit":2}],)"
      R"("broadcasters":[{"ethaddress":"0000000000000000000000000000000000000001",)"
      R"("priceperunit":"7","pixelsperunit":1}]})";
  PriceBook book = PriceBook::Create(o).value();
  EXPECT_EQ(book.default_price(), Rat(1000, 3));
  EXPECT_EQ(book.BasePrice(Address::FromHex("0x70997970c51812dc3a010c7d01b50e0d17dc79c8").value()),
            Rat(1, 4));
  EXPECT_EQ(book.BasePrice(Address::FromBytesGoStyle("\x01")), Rat(7));
  EXPECT_EQ(book.BasePrice(Address::FromBytesGoStyle("\x02")), Rat(1000, 3));
}

TEST(PriceBook, RejectsBadConfig) {
  PriceBook::Options o;
  o.pixels_per_unit = "0";
  EXPECT_EQ(PriceBook::Create(o).status().message(), "-pixelsPerUnit must be > 0, provided 0");
  o.pixels_per_unit = "1.5";
  EXPECT_FALSE(PriceBook::Create(o).ok());
  o.pixels_per_unit = "1";
  o.price_per_gateway_json = "{not json";
  EXPECT_FALSE(PriceBook::Create(o).ok());
  o.price_per_gateway_json = R"({"gateways":[{"ethaddress":"0x12","priceperunit":1}]})";
  EXPECT_FALSE(PriceBook::Create(o).ok());
  // A non-string address is an error, not an exception.
  o.price_per_gateway_json = R"({"gateways":[{"ethaddress":12,"priceperunit":1}]})";
  EXPECT_EQ(PriceBook::Create(o).status().message(),
            "pricePerGateway: each entry needs an ethaddress");
}

TEST(PriceBook, AutoAdjustAddsTxOverheadAndTruncatesToMilliWei) {
  PriceBook::Options o;
  o.price_per_unit = "1000";
  o.pixels_per_unit = "3";  // 333.333... wei per pixel
  PriceBook book = PriceBook::Create(o).value();
  Balances balances;
  Address s = Address::FromBytesGoStyle("\x09");
  // Multiplier 100: 1000/3 × 1.01 = 336.666..., truncated to 336.666.
  EXPECT_EQ(book.Quote(s, "", balances, Rat(100)), Rat(336666, 1000));
  // Multiplier 0 (unknown gas price): no overhead, still truncated.
  EXPECT_EQ(book.Quote(s, "", balances, Rat(0)), Rat(333333, 1000));
  // A session's fixed price wins and is not adjusted.
  balances.SetFixedPriceIfUnset(s, "m", Rat(1, 7));
  EXPECT_EQ(book.Quote(s, "m", balances, Rat(100)), Rat(1, 7));
  o.auto_adjust_price = false;
  EXPECT_EQ(PriceBook::Create(o)->Quote(s, "", balances, Rat(100)), Rat(1000, 3));
}

TEST(PriceBook, WireFormIsTheReducedFraction) {
  net::PriceInfo p = ToPriceInfo(Rat(336666, 1000)).value();
  EXPECT_EQ(p.priceperunit(), 168333);
  EXPECT_EQ(p.pixelsperunit(), 500);
  EXPECT_FALSE(ToPriceInfo(Rat(BigInt("100000000000000000000"), BigInt(3))).ok());
}

}  // namespace
}  // namespace baton::pm
