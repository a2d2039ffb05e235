#include "base/status.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

Result<int> Half(int v) {
  if (v % 2) return Status::InvalidArgument("{} is odd", v);
  return v / 2;
}

Result<int> Quarter(int v) {
  ARK_ASSIGN_OR_RETURN(int h, Half(v));
  ARK_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int v) {
  ARK_RETURN_IF_ERROR_CTX(Half(v), "checking input");
  return Status::OK();
}

TEST(StatusTest, OkIsDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, FactoriesFormatMessages) {
  Status s = Status::ParseError("unexpected '{}' at line {}", ',', 3);
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.message(), "unexpected ',' at line 3");
  EXPECT_EQ(s.ToString(), "ParseError: unexpected ',' at line 3");
}

TEST(StatusTest, WithContextPrefixes) {
  EXPECT_EQ(Status::IoError("disk full").WithContext("writing out.ndjson").message(),
            "writing out.ndjson: disk full");
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
}

TEST(StatusTest, Retryable) {
  EXPECT_TRUE(Status::Unavailable("x").IsRetryable());
  EXPECT_TRUE(Status::ResourceExhausted("x").IsRetryable());
  EXPECT_FALSE(Status::InvalidArgument("x").IsRetryable());
}

TEST(StatusTest, FromErrno) {
  EXPECT_EQ(Status::FromErrno(ENOENT, "opening a.txt").ToString(),
            "IoError: opening a.txt: No such file or directory");
}

TEST(ResultTest, ValueAndError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "InvalidArgument: 3 is odd");
  EXPECT_EQ(r.ValueOr(-1), -1);
}

TEST(ResultTest, ReturnIfErrorWithContext) {
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).message(), "checking input: 5 is odd");
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace ark
