#include "codec/codec.h"

#include <gtest/gtest.h>

namespace ark {
namespace {

TEST(MakeErrorBatchTest, OneRowPerError) {
  std::vector<RecordError> errors = {
      {-1, 3, 120, "invalid JSON: The input is not valid UTF-8", "{\"a\":\"\xff\"}"},
      {4, 1, 0, "null payload", ""}};
  Batch b = MakeErrorBatch(errors, "input file");
  EXPECT_EQ(b.schema()->ToString(),
            "__value__: binary, __error__: string, __error_component: string");
  ASSERT_EQ(b.num_rows(), 2);
  EXPECT_EQ(b.column(0)->GetView(0), "{\"a\":\"\xff\"}");
  EXPECT_EQ(b.column(1)->GetView(0),
            "line 3, byte 120: invalid JSON: The input is not valid UTF-8");
  EXPECT_EQ(b.column(2)->GetView(0), "input file");
  EXPECT_EQ(b.column(0)->GetView(1), "");
  EXPECT_EQ(b.column(1)->GetView(1), "line 1, byte 0: null payload");
}

TEST(MakeErrorBatchTest, NoErrors) {
  Batch b = MakeErrorBatch({}, "x");
  EXPECT_EQ(b.num_rows(), 0);
  EXPECT_EQ(b.num_columns(), 3);
}

}  // namespace
}  // namespace ark
