// Test data for the Arrow interop tests (C Data Interface, IPC, the arrow codec): one batch with a
// column of every type, nulls in every nullable column, empty and null strings and lists, and
// nesting (list<struct<x: float64, tags: list<string>>>). Values are a deterministic function of
// the row number and `seed`, so tests can rebuild the expected batch.
//
// Header-only and test-only. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "core/batch.h"
#include "core/column_builder.h"

namespace ark::testing {

inline DataType ArrowTestPointType() {
  return DataType::Struct(
      {Field("x", DataType::Float64()), Field("tags", DataType::List(DataType::String()))});
}

inline SchemaPtr ArrowTestSchema() {
  return Schema::Make({
      Field("n", DataType::Null()),
      Field("flag", DataType::Bool()),
      Field("i32", DataType::Int32()),
      Field("i64", DataType::Int64(), false),
      Field("f32", DataType::Float32()),
      Field("f64", DataType::Float64()),
      Field("s", DataType::String()),
      Field("bin", DataType::Binary()),
      Field("ts", DataType::Timestamp()),
      Field("day", DataType::Date()),
      Field("span", DataType::Interval()),
      Field("ints", DataType::List(DataType::Int64(), false)),
      Field("rec",
            DataType::Struct({Field("a", DataType::Int32()), Field("b", DataType::String())})),
      Field("points", DataType::List(ArrowTestPointType())),
  });
}

// `rows` rows; row r of column c is null when (r + c + seed) % 5 == 0 (except the non-nullable
// i64 and the null column, which is all null).
inline Batch MakeArrowTestBatch(int64_t rows, uint32_t seed = 0) {
  SchemaPtr schema = ArrowTestSchema();
  auto is_null = [&](int64_t r, int c) { return (r + c + seed) % 5 == 0; };
  NullBuilder n;
  BoolBuilder flag;
  Int32Builder i32(DataType::Int32());
  Int64Builder i64(DataType::Int64());
  Float32Builder f32(DataType::Float32());
  Float64Builder f64(DataType::Float64());
  StringBuilder s;
  BinaryBuilder bin;
  Int64Builder ts(DataType::Timestamp());
  Int32Builder day(DataType::Date());
  IntervalBuilder span(DataType::Interval());
  ListBuilder ints(schema->field(11).type);
  StructBuilder rec(schema->field(12).type);
  ListBuilder points(schema->field(13).type);
  for (int64_t r = 0; r < rows; ++r) {
    const auto k = static_cast<int64_t>(r + seed);
    n.AppendNull();
    is_null(r, 1) ? flag.AppendNull() : flag.Append(k % 3 == 1);
    is_null(r, 2) ? i32.AppendNull() : i32.Append(static_cast<int32_t>(k * 7 - 100));
    i64.Append(k * 1'000'000'007LL - (int64_t{1} << 40));
    is_null(r, 4) ? f32.AppendNull() : f32.Append(static_cast<float>(k) * 0.25f);
    is_null(r, 5) ? f64.AppendNull() : f64.Append(static_cast<double>(k) / 8.0 - 3.0);
    is_null(r, 6) ? s.AppendNull()
                  : s.Append(std::string(static_cast<size_t>(k % 4), 'a' + k % 26));
    if (is_null(r, 7)) {
      bin.AppendNull();
    } else {
      std::string b = {static_cast<char>(k & 0xff), '\0', static_cast<char>(0xff - (k & 0x7f))};
      bin.Append(b);
    }
    is_null(r, 8) ? ts.AppendNull() : ts.Append(1'700'000'000'000'000LL + k * 1'500'001);
    is_null(r, 9) ? day.AppendNull() : day.Append(static_cast<int32_t>(19'000 + k));
    if (is_null(r, 10)) {
      span.AppendNull();
    } else {
      span.Append(IntervalValue{static_cast<int32_t>(k % 13), static_cast<int32_t>(k % 31),
                                k * 1'000'000'000LL + 17});
    }
    if (is_null(r, 11)) {
      ints.AppendNull();
    } else {
      ints.Append();
      auto& v = static_cast<Int64Builder&>(ints.values());
      for (int64_t j = 0; j < k % 4; ++j) v.Append(k * 10 + j);
    }
    if (is_null(r, 12)) {
      rec.AppendNull();
    } else {
      rec.Append();
      auto& a = static_cast<Int32Builder&>(rec.field(0));
      auto& b = static_cast<StringBuilder&>(rec.field(1));
      k % 3 == 0 ? a.AppendNull() : a.Append(static_cast<int32_t>(-k));
      b.Append("r" + std::to_string(k));
    }
    if (is_null(r, 13)) {
      points.AppendNull();
    } else {
      points.Append();
      auto& p = static_cast<StructBuilder&>(points.values());
      for (int64_t j = 0; j < k % 3; ++j) {
        if ((k + j) % 4 == 3) {
          p.AppendNull();
          continue;
        }
        p.Append();
        static_cast<Float64Builder&>(p.field(0)).Append(static_cast<double>(k + j) * 1.5);
        auto& tags = static_cast<ListBuilder&>(p.field(1));
        tags.Append();
        auto& tag = static_cast<StringBuilder&>(tags.values());
        for (int64_t t = 0; t < j + 1; ++t) tag.Append("t" + std::to_string(k + t));
      }
    }
  }
  return Batch(schema,
               {n.Finish(), flag.Finish(), i32.Finish(), i64.Finish(), f32.Finish(), f64.Finish(),
                s.Finish(), bin.Finish(), ts.Finish(), day.Finish(), span.Finish(), ints.Finish(),
                rec.Finish(), points.Finish()},
               rows);
}

}  // namespace ark::testing
