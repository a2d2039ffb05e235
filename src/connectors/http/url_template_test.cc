#include <gtest/gtest.h>

#include "connectors/http/http_output.h"
#include "core/column_builder.h"

namespace ark {
namespace {

TEST(UrlTemplate, ConstantUrl) {
  auto t = UrlTemplate::Parse("http://h/x?a=1");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->constant());
  std::string out;
  t->Render({}, 0, &out);
  EXPECT_EQ(out, "http://h/x?a=1");
}

TEST(UrlTemplate, ColumnsArePercentEncoded) {
  auto t = UrlTemplate::Parse("http://h/{device}/{n}?q={{lit}}");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->columns(), (std::vector<std::string>{"device", "n"}));
  StringBuilder device;
  device.Append("a/b c");
  device.AppendNull();
  Int64Builder n(DataType::Int64());
  n.Append(42);
  n.Append(-7);
  std::vector<ColumnPtr> cols = {device.Finish(), n.Finish()};
  std::string out;
  t->Render(cols, 0, &out);
  EXPECT_EQ(out, "http://h/a%2Fb%20c/42?q={lit}");
  t->Render(cols, 1, &out);
  EXPECT_EQ(out, "http://h//-7?q={lit}");
}

TEST(UrlTemplate, Errors) {
  EXPECT_EQ(UrlTemplate::Parse("http://h/{a").status().message(),
            "url \"http://h/{a\": '{' at byte 9 is not closed (write {{ for a literal brace)");
  EXPECT_EQ(UrlTemplate::Parse("http://h/{}").status().message(),
            "url \"http://h/{}\": empty column name \"{}\" at byte 9");
  EXPECT_EQ(UrlTemplate::Parse("http://h/a}").status().message(),
            "url \"http://h/a}\": '}' at byte 10 closes nothing (write }} for a literal brace)");
}

TEST(AppendPercentEncoded, KeepsUnreserved) {
  std::string out;
  AppendPercentEncoded("AZaz09-._~!*'();:@&=+$,/?#[]%\xc3\xa9", &out);
  EXPECT_EQ(out, "AZaz09-._~%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25%C3%A9");
}

}  // namespace
}  // namespace ark
