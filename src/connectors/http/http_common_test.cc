#include "connectors/http/http_common.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

TEST(Base64Encode, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("ann:p:w"), "YW5uOnA6dw==");
  EXPECT_EQ(Base64Encode("\xff\xfe"), "//4=");
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("Bearer abc", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("Bearer abd", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("Bearer ab", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("Bearer abcd", "Bearer abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "Bearer abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(ParseHostPort, Forms) {
  auto hp = ParseHostPort("127.0.0.1:8080", "address");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 8080);
  hp = ParseHostPort("[::1]:0", "address");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "::1");
  EXPECT_EQ(hp->port, 0);
  hp = ParseHostPort(":9", "address");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "0.0.0.0");
  EXPECT_EQ(ParseHostPort("localhost", "http input address").status().message(),
            "http input address \"localhost\" is not host:port (e.g. \"0.0.0.0:8080\")");
  EXPECT_EQ(ParseHostPort("h:70000", "address").status().message(),
            "address \"h:70000\": port \"70000\" is not a number from 0 to 65535");
}

}  // namespace
}  // namespace ark
