#include <gtest/gtest.h>

#include "connectors/websocket/websocket.h"

namespace ark {
namespace {

TEST(ParseWsUrl, Forms) {
  auto u = ParseWsUrl("ws://127.0.0.1:8800/feed?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "8800");
  EXPECT_EQ(u->target, "/feed?x=1");
  u = ParseWsUrl("wss://example.com");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/");
  u = ParseWsUrl("ws://[::1]:9/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9");
}

TEST(ParseWsUrl, Errors) {
  EXPECT_EQ(ParseWsUrl("http://h/").status().message(),
            "websocket url \"http://h/\" does not start with ws:// or wss://");
  EXPECT_EQ(ParseWsUrl("ws:///x").status().message(), "websocket url \"ws:///x\" has no host");
  EXPECT_EQ(ParseWsUrl("ws://h:port/").status().message(),
            "websocket url \"ws://h:port/\": port \"port\" is not a number");
}

}  // namespace
}  // namespace ark
