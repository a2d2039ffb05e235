// arrow_interop_tool: our side of the Arrow interop test against npm apache-arrow (interop.mjs).
//
//   arrow_interop_tool write <dir>   writes a fixed set of batches to <dir>/ark_stream.arrows (IPC
//                                    stream) and <dir>/ark_file.arrow (IPC file)
//   arrow_interop_tool check <file>  reads an IPC stream or file and prints it canonically:
//                                    the schema, then every row as name=value pairs
//
// The values written by `write` are mirrored in interop.mjs, which asserts each one after reading
// the files with apache-arrow; the text printed by `check` for apache-arrow's files is compared
// there with the expected text. `check` reads every input twice, with the zero-copy reader and with
// the incremental decoder fed 7-byte chunks, and fails if the two disagree.
//
// Canonical values: null; true/false; integers in decimal; floats in shortest round-trip form;
// strings JSON-quoted; binary as 0x + hex; timestamps as µs since the epoch; dates as days since
// the epoch; intervals as <months>m<days>d<nanos>ns; lists as [a, b]; structs as {a: 1, b: "x"}.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/status.h"
#include "core/arrow_ipc.h"
#include "core/batch.h"
#include "core/column_builder.h"

namespace ark {
namespace {

template <typename T>
using Opt = std::optional<T>;
constexpr std::nullopt_t kNull = std::nullopt;

// ---------------------------------------------------------------------------------------------
// The fixed batches

template <typename T>
ColumnPtr FixedColumn(DataType type, const std::vector<Opt<T>>& values) {
  FixedWidthBuilder<T> b(std::move(type));
  for (const auto& v : values) v ? b.Append(*v) : b.AppendNull();
  return b.Finish();
}

ColumnPtr BoolColumn(const std::vector<Opt<bool>>& values) {
  BoolBuilder b;
  for (const auto& v : values) v ? b.Append(*v) : b.AppendNull();
  return b.Finish();
}

ColumnPtr BinaryColumn(DataType type, const std::vector<Opt<std::string>>& values) {
  BinaryBuilder b(std::move(type));
  for (const auto& v : values) v ? b.Append(*v) : b.AppendNull();
  return b.Finish();
}

ColumnPtr IntListColumn(const std::vector<Opt<std::vector<Opt<int64_t>>>>& values) {
  ListBuilder b(DataType::List(DataType::Int64()));
  auto& items = static_cast<Int64Builder&>(b.values());
  for (const auto& list : values) {
    if (!list) {
      b.AppendNull();
      continue;
    }
    b.Append();
    for (const auto& v : *list) v ? items.Append(*v) : items.AppendNull();
  }
  return b.Finish();
}

struct Rec {
  Opt<int32_t> a;
  std::string b;
};

DataType RecType() {
  return DataType::Struct({Field("a", DataType::Int32()), Field("b", DataType::String())});
}

ColumnPtr RecColumn(const std::vector<Opt<Rec>>& values) {
  StructBuilder b(RecType());
  auto& a = static_cast<Int32Builder&>(b.field(0));
  auto& s = static_cast<StringBuilder&>(b.field(1));
  for (const auto& r : values) {
    if (!r) {
      b.AppendNull();
      continue;
    }
    b.Append();
    r->a ? a.Append(*r->a) : a.AppendNull();
    s.Append(r->b);
  }
  return b.Finish();
}

struct Point {
  Opt<double> x;
  Opt<std::vector<std::string>> tags;
};

DataType PointsType() {
  return DataType::List(DataType::Struct(
      {Field("x", DataType::Float64()), Field("tags", DataType::List(DataType::String()))}));
}

ColumnPtr PointsColumn(const std::vector<Opt<std::vector<Opt<Point>>>>& values) {
  ListBuilder b(PointsType());
  auto& p = static_cast<StructBuilder&>(b.values());
  auto& x = static_cast<Float64Builder&>(p.field(0));
  auto& tags = static_cast<ListBuilder&>(p.field(1));
  auto& tag = static_cast<StringBuilder&>(tags.values());
  for (const auto& list : values) {
    if (!list) {
      b.AppendNull();
      continue;
    }
    b.Append();
    for (const auto& point : *list) {
      if (!point) {
        p.AppendNull();
        continue;
      }
      p.Append();
      point->x ? x.Append(*point->x) : x.AppendNull();
      if (!point->tags) {
        tags.AppendNull();
        continue;
      }
      tags.Append();
      for (const auto& t : *point->tags) tag.Append(t);
    }
  }
  return b.Finish();
}

SchemaPtr InteropSchema() {
  return Schema::Make({
      Field("i32", DataType::Int32()),
      Field("i64", DataType::Int64(), false),
      Field("f32", DataType::Float32()),
      Field("f64", DataType::Float64()),
      Field("flag", DataType::Bool()),
      Field("s", DataType::String()),
      Field("bin", DataType::Binary()),
      Field("ts", DataType::Timestamp()),
      Field("day", DataType::Date()),
      Field("span", DataType::Interval()),
      Field("ints", DataType::List(DataType::Int64())),
      Field("rec", RecType()),
      Field("points", PointsType()),
      Field("n", DataType::Null()),
  });
}

// Batch A: 4 rows with edge values. Batch B: rows 1..3 of a 5-row batch, so that every column is
// written from a slice (offsets and bitmaps rebased).
std::vector<Batch> InteropBatches() {
  using IV = IntervalValue;
  using Ints = std::vector<Opt<int64_t>>;
  using Points = std::vector<Opt<Point>>;
  using Tags = std::vector<std::string>;
  SchemaPtr schema = InteropSchema();
  Batch a(
      schema,
      {
          FixedColumn<int32_t>(DataType::Int32(), {1, kNull, -2147483648, 2147483647}),
          FixedColumn<int64_t>(DataType::Int64(), {-9007199254740993LL, 0, INT64_MAX, INT64_MIN}),
          FixedColumn<float>(DataType::Float32(), {1.5f, kNull, 3.25f, 1024.125f}),
          FixedColumn<double>(DataType::Float64(), {0.1, -2.25, kNull, 1e300}),
          BoolColumn({true, false, kNull, true}),
          BinaryColumn(DataType::String(), {"h\xc3\xa9llo", "", kNull, "multi\nline \"q\""}),
          BinaryColumn(DataType::Binary(), {std::string("\x00\x01\xff", 3), "", kNull, "\xff"}),
          FixedColumn<int64_t>(DataType::Timestamp(), {1700000000123456LL, kNull, -1, 0}),
          FixedColumn<int32_t>(DataType::Date(), {19000, -1, kNull, 0}),
          FixedColumn<IV>(DataType::Interval(),
                          {IV{1, 2, 3000000000LL}, kNull, IV{-1, -2, -3}, IV{0, 0, 0}}),
          IntListColumn({Ints{1, 2, 3}, Ints{}, kNull, Ints{4, kNull, 6}}),
          RecColumn({Rec{7, "x"}, kNull, Rec{kNull, "yz"}, Rec{0, ""}}),
          PointsColumn({Points{Point{0.5, Tags{"a", "b"}}}, Points{}, kNull,
                        Points{Point{kNull, kNull}, kNull, Point{0.001, Tags{}}}}),
          Column::MakeNull(DataType::Null(), 4),
      },
      4);
  Batch b(
      schema,
      {
          FixedColumn<int32_t>(DataType::Int32(), {100, 11, kNull, 31, 500}),
          FixedColumn<int64_t>(DataType::Int64(), {100, 12, 22, 32, 500}),
          FixedColumn<float>(DataType::Float32(), {100.5f, 13.5f, kNull, 33.5f, 500.5f}),
          FixedColumn<double>(DataType::Float64(), {100.25, 14.25, kNull, 34.25, 500.25}),
          BoolColumn({true, false, kNull, true, false}),
          BinaryColumn(DataType::String(), {"zero", "b1", kNull, "b3", "four"}),
          BinaryColumn(DataType::Binary(), {std::string(2, '\0'), "\xb1", kNull, "\xb3", "\x04"}),
          FixedColumn<int64_t>(DataType::Timestamp(), {5, 1000000, kNull, 3000000, 6}),
          FixedColumn<int32_t>(DataType::Date(), {100, 1, kNull, 3, 500}),
          FixedColumn<IV>(DataType::Interval(),
                          {IV{9, 9, 9}, IV{1, 0, 0}, kNull, IV{3, 3, 3}, IV{8, 8, 8}}),
          IntListColumn({Ints{0, 0, 0}, Ints{10}, kNull, Ints{30, 31}, Ints{4}}),
          RecColumn({Rec{0, "zero"}, Rec{1, "one"}, kNull, Rec{3, "three"}, Rec{4, "four"}}),
          PointsColumn({Points{Point{0, Tags{"z"}}}, Points{Point{2, Tags{"t"}}}, kNull,
                        Points{Point{3, Tags{}}, Point{4, Tags{"u", "v"}}},
                        Points{Point{9, Tags{"w"}}}}),
          Column::MakeNull(DataType::Null(), 5),
      },
      5);
  return {a, b.Slice(1, 3)};
}

// ---------------------------------------------------------------------------------------------
// Canonical printing

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Canonical(const Column& c, int64_t i) {
  if (c.IsNull(i)) return "null";
  switch (c.type_id()) {
    case TypeId::kNull:
      return "null";
    case TypeId::kBool:
      return c.GetBool(i) ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kDate:
      return fmt::format("{}", c.data<int32_t>()[i]);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return fmt::format("{}", c.data<int64_t>()[i]);
    case TypeId::kFloat32:
      return fmt::format("{}", c.data<float>()[i]);
    case TypeId::kFloat64:
      return fmt::format("{}", c.data<double>()[i]);
    case TypeId::kString:
      return Quote(c.GetView(i));
    case TypeId::kBinary: {
      std::string out = "0x";
      for (unsigned char ch : c.GetView(i)) out += fmt::format("{:02x}", ch);
      return out;
    }
    case TypeId::kInterval: {
      const IntervalValue& v = c.data<IntervalValue>()[i];
      return fmt::format("{}m{}d{}ns", v.months, v.days, v.nanos);
    }
    case TypeId::kList: {
      std::string out = "[";
      for (int64_t k = 0; k < c.list_length(i); ++k) {
        if (k) out += ", ";
        out += Canonical(*c.list_values(), c.list_start(i) + k);
      }
      return out + "]";
    }
    case TypeId::kStruct: {
      std::string out = "{";
      for (int f = 0; f < static_cast<int>(c.children().size()); ++f) {
        if (f) out += ", ";
        out += c.type().fields()[static_cast<size_t>(f)].name + ": " +
               Canonical(*c.struct_field(f), i);
      }
      return out + "}";
    }
  }
  return "?";
}

std::string Print(const SchemaPtr& schema, const std::vector<Batch>& batches) {
  std::string out = "schema: " + schema->ToString() + "\n";
  for (size_t b = 0; b < batches.size(); ++b) {
    const Batch& batch = batches[b];
    out += fmt::format("batch {}: {} rows\n", b, batch.num_rows());
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      out += fmt::format("  {}:", r);
      for (int c = 0; c < batch.num_columns(); ++c) {
        out += fmt::format(" {}={}", batch.schema()->field(c).name, Canonical(*batch.column(c), r));
        if (c + 1 < batch.num_columns()) out += ",";
      }
      out += "\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Commands

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open {}", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::IoError("cannot write {}", path);
  return Status::OK();
}

Status Write(const std::string& dir) {
  const std::vector<Batch> batches = InteropBatches();
  std::string stream, file;
  IpcStreamWriter stream_writer(&stream);
  IpcFileWriter file_writer(&file);
  for (const Batch& b : batches) {
    ARK_RETURN_IF_ERROR(stream_writer.Write(b));
    ARK_RETURN_IF_ERROR(file_writer.Write(b));
  }
  ARK_RETURN_IF_ERROR(stream_writer.Finish());
  ARK_RETURN_IF_ERROR(file_writer.Finish());
  ARK_RETURN_IF_ERROR(WriteFile(dir + "/ark_stream.arrows", stream));
  return WriteFile(dir + "/ark_file.arrow", file);
}

Status Check(const std::string& path) {
  ARK_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  SchemaPtr schema;
  std::vector<Batch> batches;
  if (bytes.starts_with(kArrowFileMagic)) {
    ARK_ASSIGN_OR_RETURN(auto reader, IpcFileReader::Open(Buffer::Copy(bytes)));
    schema = reader->schema();
    ARK_ASSIGN_OR_RETURN(batches, reader->ReadAll());
  } else {
    ARK_ASSIGN_OR_RETURN(auto reader, IpcStreamReader::Open(Buffer::Copy(bytes)));
    schema = reader->schema();
    ARK_ASSIGN_OR_RETURN(batches, reader->ReadAll());
  }
  // The incremental decoder must agree with the reader.
  IpcStreamDecoder decoder;
  std::vector<Batch> decoded;
  for (size_t at = 0; at < bytes.size(); at += 7) {
    ARK_RETURN_IF_ERROR(decoder.Consume(std::string_view(bytes).substr(at, 7), &decoded));
  }
  ARK_RETURN_IF_ERROR(decoder.Finish());
  const std::string text = Print(schema, batches);
  if (decoder.schema() == nullptr || Print(decoder.schema(), decoded) != text) {
    return Status::Internal("the incremental decoder disagrees with the reader on {}", path);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return Status::OK();
}

}  // namespace
}  // namespace ark

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s write <dir> | check <file>\n", argv[0]);
    return 2;
  }
  const std::string command = argv[1];
  ark::Status st;
  if (command == "write") {
    st = ark::Write(argv[2]);
  } else if (command == "check") {
    st = ark::Check(argv[2]);
  } else {
    std::fprintf(stderr, "unknown command \"%s\"\n", command.c_str());
    return 2;
  }
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
