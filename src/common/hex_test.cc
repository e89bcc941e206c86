#include "common/hex.h"

#include <gtest/gtest.h>

namespace baton {

TEST(Hex, RoundTripsAndAcceptsPrefix) {
  std::string bytes("\x00\x01\xab\xff", 4);
  EXPECT_EQ(HexEncode(bytes), "0001abff");
  EXPECT_EQ(HexEncode0x(bytes), "0x0001abff");
  EXPECT_EQ(*HexDecode("0x0001ABff"), bytes);
  EXPECT_EQ(*HexDecode(""), "");
}

TEST(Hex, RejectsMalformed) {
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(Base64, StandardPaddedOnly) {
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(*Base64Decode("YWI="), "ab");
  EXPECT_FALSE(Base64Decode("YWI").ok());
  EXPECT_FALSE(Base64Decode("Y!I=").ok());
}

}  // namespace baton
