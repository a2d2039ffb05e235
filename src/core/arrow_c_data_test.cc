#include "core/arrow_c_data.h"

#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/arrow_test_data.h"
#include "core/column_builder.h"

namespace ark {
namespace {

using testing::MakeArrowTestBatch;

// ---------------------------------------------------------------------------------------------
// A minimal foreign producer: arrays and schemas whose memory we control, with release callbacks
// that count their calls.

struct ForeignArrayData {
  std::vector<std::unique_ptr<uint64_t[]>> storage;  // 8-byte aligned copies of the buffers
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
  int* release_count;
};

void ReleaseForeignArray(ArrowArray* a) {
  auto* d = static_cast<ForeignArrayData*>(a->private_data);
  for (ArrowArray& c : d->children) {
    if (c.release) c.release(&c);
  }
  ++*d->release_count;
  delete d;
  a->release = nullptr;
}

// `buffers`: the bytes of each buffer; nullopt gives a NULL pointer.
ArrowArray MakeForeignArray(int64_t length, int64_t null_count, int64_t offset,
                            std::vector<std::optional<std::string>> buffers, int* release_count,
                            std::vector<ArrowArray> children = {}) {
  auto* d = new ForeignArrayData;
  d->release_count = release_count;
  for (const auto& b : buffers) {
    if (!b) {
      d->buffers.push_back(nullptr);
      continue;
    }
    auto mem = std::make_unique<uint64_t[]>(b->size() / 8 + 1);
    std::memcpy(mem.get(), b->data(), b->size());
    d->buffers.push_back(mem.get());
    d->storage.push_back(std::move(mem));
  }
  d->children = std::move(children);
  for (auto& c : d->children) d->child_ptrs.push_back(&c);
  ArrowArray a{};
  a.length = length;
  a.null_count = null_count;
  a.offset = offset;
  a.n_buffers = static_cast<int64_t>(d->buffers.size());
  a.n_children = static_cast<int64_t>(d->children.size());
  a.buffers = d->buffers.data();
  a.children = d->child_ptrs.empty() ? nullptr : d->child_ptrs.data();
  a.release = &ReleaseForeignArray;
  a.private_data = d;
  return a;
}

struct ForeignSchemaData {
  std::string format, name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
  std::unique_ptr<ArrowSchema> dictionary;
  int* release_count;
};

void ReleaseForeignSchema(ArrowSchema* s) {
  auto* d = static_cast<ForeignSchemaData*>(s->private_data);
  for (ArrowSchema& c : d->children) {
    if (c.release) c.release(&c);
  }
  if (d->dictionary && d->dictionary->release) d->dictionary->release(d->dictionary.get());
  ++*d->release_count;
  delete d;
  s->release = nullptr;
}

ArrowSchema MakeForeignSchema(std::string format, std::string name, int* release_count,
                              std::vector<ArrowSchema> children = {}, int64_t flags = 2) {
  auto* d = new ForeignSchemaData;
  d->format = std::move(format);
  d->name = std::move(name);
  d->release_count = release_count;
  d->children = std::move(children);
  for (auto& c : d->children) d->child_ptrs.push_back(&c);
  ArrowSchema s{};
  s.format = d->format.c_str();
  s.name = d->name.c_str();
  s.flags = flags;
  s.n_children = static_cast<int64_t>(d->children.size());
  s.children = d->child_ptrs.empty() ? nullptr : d->child_ptrs.data();
  s.release = &ReleaseForeignSchema;
  s.private_data = d;
  return s;
}

template <typename T>
std::string Bytes(std::initializer_list<T> values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

// "1101" → bit i set when bits[i] == '1' (LSB first).
std::string Bits(std::string_view bits) {
  std::string out((bits.size() + 7) / 8, '\0');
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == '1') out[i / 8] = static_cast<char>(out[i / 8] | (1 << (i % 8)));
  }
  return out;
}

// Imports a one-column foreign array and returns the column (or the error).
Result<ImportedColumn> ImportForeign(const std::string& format, ArrowArray array,
                                     int* schema_releases) {
  ArrowSchema schema = MakeForeignSchema(format, "v", schema_releases);
  return ImportColumn(&schema, &array);
}

std::vector<std::string> Values(const Column& c) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < c.length(); ++i) out.push_back(c.ValueToString(i));
  return out;
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Export + import round trips

TEST(ArrowCDataTest, ExportedSchemaUsesTheSpecFormatStrings) {
  Batch batch = MakeArrowTestBatch(3);
  ArrowSchema schema;
  ASSERT_TRUE(ExportBatch(batch, &schema, nullptr).ok());
  EXPECT_STREQ(schema.format, "+s");
  EXPECT_EQ(schema.flags, 0);
  ASSERT_EQ(schema.n_children, 14);
  Strings formats, names;
  for (int64_t i = 0; i < schema.n_children; ++i) {
    formats.push_back(schema.children[i]->format);
    names.push_back(schema.children[i]->name);
  }
  EXPECT_EQ(formats, (Strings{"n", "b", "i", "l", "f", "g", "u", "z", "tsu:UTC", "tdD", "tin", "+l",
                              "+s", "+l"}));
  EXPECT_EQ(names, batch.schema()->names());
  EXPECT_EQ(schema.children[3]->flags, 0);  // i64 is not nullable
  EXPECT_EQ(schema.children[2]->flags, ARROW_FLAG_NULLABLE);
  const ArrowSchema* ints = schema.children[11];
  ASSERT_EQ(ints->n_children, 1);
  EXPECT_STREQ(ints->children[0]->name, "item");
  EXPECT_STREQ(ints->children[0]->format, "l");
  EXPECT_EQ(ints->children[0]->flags, 0);
  const ArrowSchema* point = schema.children[13]->children[0];
  EXPECT_STREQ(point->format, "+s");
  ASSERT_EQ(point->n_children, 2);
  EXPECT_STREQ(point->children[1]->format, "+l");
  EXPECT_STREQ(point->children[1]->children[0]->format, "u");
  schema.release(&schema);
  EXPECT_EQ(schema.release, nullptr);
}

TEST(ArrowCDataTest, RoundTripEveryTypeWithNulls) {
  Batch batch = MakeArrowTestBatch(50);
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportBatch(batch, &schema, &array).ok());
  EXPECT_EQ(array.length, 50);
  EXPECT_EQ(array.n_children, 14);
  EXPECT_EQ(array.n_buffers, 1);
  EXPECT_EQ(array.children[0]->n_buffers, 0);   // null
  EXPECT_EQ(array.children[6]->n_buffers, 3);   // string
  EXPECT_EQ(array.children[12]->n_buffers, 1);  // struct
  EXPECT_EQ(array.children[2]->null_count, batch.column(2)->null_count());
  EXPECT_EQ(array.children[0]->null_count, 50);

  Result<Batch> back = ImportBatch(&schema, &array);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(schema.release, nullptr);  // consumed
  EXPECT_EQ(array.release, nullptr);   // moved
  EXPECT_TRUE(back->Equals(batch)) << back->ToString() << "\nvs\n" << batch.ToString();
  // Zero copy: the imported columns read the exported buffers in place.
  EXPECT_EQ(back->column(3)->data<int64_t>(), batch.column(3)->data<int64_t>());
  EXPECT_EQ(back->column(6)->string_data(), batch.column(6)->string_data());
  EXPECT_EQ(back->column(12)->children()[1]->string_data(),
            batch.column(12)->children()[1]->string_data());
}

TEST(ArrowCDataTest, RoundTripSlicesKeepTheirOffset) {
  Batch batch = MakeArrowTestBatch(64, 1);
  for (auto [offset, length] : {std::pair<int64_t, int64_t>{7, 20}, {13, 0}, {1, 63}, {63, 1}}) {
    Batch slice = batch.Slice(offset, length);
    ArrowSchema schema;
    ArrowArray array;
    ASSERT_TRUE(ExportBatch(slice, &schema, &array).ok());
    EXPECT_EQ(array.children[2]->offset, offset);
    EXPECT_EQ(array.children[2]->length, length);
    Result<Batch> back = ImportBatch(&schema, &array);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->num_rows(), length);
    EXPECT_TRUE(back->Equals(slice)) << "slice " << offset << "+" << length;
    // And slicing the import again stays consistent.
    if (length > 2) {
      EXPECT_TRUE(back->Slice(1, length - 2).Equals(slice.Slice(1, length - 2)));
    }
  }
}

TEST(ArrowCDataTest, RoundTripEmptyBatches) {
  for (const Batch& batch :
       {MakeArrowTestBatch(0), Batch::Empty(testing::ArrowTestSchema()), Batch()}) {
    ArrowSchema schema;
    ArrowArray array;
    ASSERT_TRUE(ExportBatch(batch, &schema, &array).ok());
    Result<Batch> back = ImportBatch(&schema, &array);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->num_rows(), 0);
    EXPECT_TRUE(back->Equals(batch));
  }
}

TEST(ArrowCDataTest, SingleColumnRoundTrip) {
  Batch batch = MakeArrowTestBatch(20, 2);
  for (int i = 0; i < batch.num_columns(); ++i) {
    ArrowSchema schema;
    ArrowArray array;
    const Field& field = batch.schema()->field(i);
    ASSERT_TRUE(ExportColumn(field, batch.column(i)->Slice(3, 11), &schema, &array).ok());
    Result<ImportedColumn> back = ImportColumn(&schema, &array);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->field, field);
    EXPECT_TRUE(ColumnsEqual(*back->column, *batch.column(i)->Slice(3, 11))) << field.name;
  }
}

TEST(ArrowCDataTest, ExportColumnRejectsAMismatchedField) {
  ArrowSchema schema;
  ArrowArray array;
  Status st = ExportColumn(Field("x", DataType::String()), MakeArrowTestBatch(2).column(2), &schema,
                           &array);
  EXPECT_EQ(st.ToString(),
            "TypeError: ExportColumn: field \"x\" is string but the column is int32");
}

TEST(ArrowCDataTest, ExportedBuffersOutliveTheBatch) {
  ArrowSchema schema;
  ArrowArray array;
  {
    Batch batch = MakeArrowTestBatch(30, 3);
    ASSERT_TRUE(ExportBatch(batch, &schema, &array).ok());
  }
  Result<Batch> back = ImportBatch(&schema, &array);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->Equals(MakeArrowTestBatch(30, 3)));
}

int g_release_calls = 0;
void (*g_original_release)(ArrowArray*) = nullptr;
void CountingRelease(ArrowArray* a) {
  ++g_release_calls;
  a->release = g_original_release;
  a->release(a);
}

TEST(ArrowCDataTest, ImportReleasesTheArrayOnceWhenTheLastColumnGoes) {
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportBatch(MakeArrowTestBatch(10), &schema, &array).ok());
  g_release_calls = 0;
  g_original_release = array.release;
  array.release = &CountingRelease;
  Result<Batch> back = ImportBatch(&schema, &array);
  ASSERT_TRUE(back.ok());
  ColumnPtr kept = back->column(6);
  back = Status::Cancelled("drop the batch");
  EXPECT_EQ(g_release_calls, 0);  // `kept` still references the array's memory
  EXPECT_EQ(kept->GetView(2), "cc");
  kept.reset();
  EXPECT_EQ(g_release_calls, 1);
}

TEST(ArrowCDataTest, ConsumerMayMoveAChildOutBeforeReleasingTheParent) {
  Batch batch = MakeArrowTestBatch(12);
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportBatch(batch, &schema, &array).ok());
  ArrowSchema child_schema = *schema.children[6];
  schema.children[6]->release = nullptr;
  ArrowArray child_array = *array.children[6];
  array.children[6]->release = nullptr;
  schema.release(&schema);
  array.release(&array);
  Result<ImportedColumn> back = ImportColumn(&child_schema, &child_array);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->field.name, "s");
  EXPECT_TRUE(ColumnsEqual(*back->column, *batch.column(6)));
}

// ---------------------------------------------------------------------------------------------
// Import of foreign arrays

TEST(ArrowCDataTest, ForeignArrayReleasedExactlyOnce) {
  int schema_releases = 0, array_releases = 0;
  {
    Result<ImportedColumn> c = ImportForeign(
        "i", MakeForeignArray(3, 0, 0, {std::nullopt, Bytes<int32_t>({1, 2, 3})}, &array_releases),
        &schema_releases);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(schema_releases, 1);  // the schema is only read
    EXPECT_EQ(array_releases, 0);
    EXPECT_EQ(Values(*c->column), (Strings{"1", "2", "3"}));
  }
  EXPECT_EQ(array_releases, 1);
}

TEST(ArrowCDataTest, NullCountMinusOneIsComputed) {
  int releases = 0;
  Result<ImportedColumn> c = ImportForeign(
      "l", MakeForeignArray(5, -1, 0, {Bits("10110"), Bytes<int64_t>({1, 2, 3, 4, 5})}, &releases),
      &releases);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->column->null_count(), 2);
  EXPECT_EQ(Values(*c->column), (Strings{"1", "NULL", "3", "4", "NULL"}));
}

TEST(ArrowCDataTest, AbsentValidityMeansNoNulls) {
  int releases = 0;
  Result<ImportedColumn> c = ImportForeign(
      "g", MakeForeignArray(2, 0, 0, {std::nullopt, Bytes<double>({0.5, -2})}, &releases),
      &releases);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->column->null_count(), 0);
  EXPECT_EQ(c->column->validity(), nullptr);
  EXPECT_EQ(Values(*c->column), (Strings{"0.5", "-2"}));
}

TEST(ArrowCDataTest, NullCountWithoutValidityIsAnError) {
  int schema_releases = 0, array_releases = 0;
  Result<ImportedColumn> c = ImportForeign(
      "i", MakeForeignArray(2, 1, 0, {std::nullopt, Bytes<int32_t>({1, 2})}, &array_releases),
      &schema_releases);
  EXPECT_EQ(c.status().ToString(),
            "InvalidArgument: Arrow C data: field \"v\": null count is 1 but there is no validity "
            "bitmap");
  EXPECT_EQ(schema_releases, 1);
  EXPECT_EQ(array_releases, 1);
}

TEST(ArrowCDataTest, ForeignOffsetsAreHonoured) {
  int releases = 0;
  // ["a", "bc", NULL, "def"] sliced at offset 1, length 3.
  Result<ImportedColumn> c = ImportForeign(
      "u",
      MakeForeignArray(3, 1, 1,
                       {Bits("1101"), Bytes<int32_t>({0, 1, 3, 3, 6}), std::string("abcdef")},
                       &releases),
      &releases);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->column->offset(), 1);
  EXPECT_EQ(Values(*c->column), (Strings{"bc", "NULL", "def"}));
  // A bool array with a bit offset.
  c = ImportForeign("b", MakeForeignArray(4, 0, 5, {std::nullopt, Bits("000001011")}, &releases),
                    &releases);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Values(*c->column), (Strings{"true", "false", "true", "true"}));
}

TEST(ArrowCDataTest, ForeignStructChildrenFollowTheParentOffset) {
  int releases = 0;
  std::vector<ArrowSchema> fields;
  fields.push_back(MakeForeignSchema("i", "a", &releases));
  fields.push_back(MakeForeignSchema("u", "b", &releases));
  ArrowSchema schema = MakeForeignSchema("+s", "", &releases, std::move(fields), 0);
  std::vector<ArrowArray> children;
  children.push_back(
      MakeForeignArray(4, 0, 0, {std::nullopt, Bytes<int32_t>({1, 2, 3, 4})}, &releases));
  // The second child has its own offset of 1 on top of the parent's offset.
  children.push_back(MakeForeignArray(
      4, 0, 1, {std::nullopt, Bytes<int32_t>({0, 1, 2, 3, 4, 5}), std::string("xabcd")},
      &releases));
  ArrowArray array = MakeForeignArray(2, 0, 2, {std::nullopt}, &releases, std::move(children));
  Result<Batch> b = ImportBatch(&schema, &array);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->ToString(), "a | b\n3 | c\n4 | d\n");
}

TEST(ArrowCDataTest, EmptyArraysMayHaveNullBuffers) {
  int releases = 0;
  for (const char* format : {"u", "z", "l", "b"}) {
    const int n = std::string_view(format) == "u" || std::string_view(format) == "z" ? 3 : 2;
    std::vector<std::optional<std::string>> buffers(static_cast<size_t>(n), std::nullopt);
    Result<ImportedColumn> c =
        ImportForeign(format, MakeForeignArray(0, 0, 0, buffers, &releases), &releases);
    ASSERT_TRUE(c.ok()) << format << ": " << c.status().ToString();
    EXPECT_EQ(c->column->length(), 0);
  }
}

TEST(ArrowCDataTest, SmallIntegersAreWidened) {
  int releases = 0;
  struct Case {
    const char* format;
    std::string values;
    DataType type;
    Strings expected;
  };
  const Case cases[] = {
      {"c", Bytes<int8_t>({-1, 2, -128, 127}), DataType::Int32(), {"2", "-128", "127"}},
      {"C", Bytes<uint8_t>({0, 255, 1, 7}), DataType::Int32(), {"255", "1", "7"}},
      {"s", Bytes<int16_t>({0, -32768, 5, 32767}), DataType::Int32(), {"-32768", "5", "32767"}},
      {"S", Bytes<uint16_t>({0, 65535, 5, 1}), DataType::Int32(), {"65535", "5", "1"}},
      {"I", Bytes<uint32_t>({0, 4294967295u, 5, 1}), DataType::Int64(), {"4294967295", "5", "1"}},
  };
  for (const Case& k : cases) {
    Result<ImportedColumn> c = ImportForeign(
        k.format, MakeForeignArray(3, 0, 1, {std::nullopt, k.values}, &releases), &releases);
    ASSERT_TRUE(c.ok()) << k.format << ": " << c.status().ToString();
    EXPECT_EQ(c->field.type, k.type) << k.format;
    EXPECT_EQ(Values(*c->column), k.expected) << k.format;
  }
}

TEST(ArrowCDataTest, TimestampUnitsAndZonesBecomeUtcMicroseconds) {
  int releases = 0;
  struct Case {
    const char* format;
    int64_t value;
    int64_t micros;
  };
  const Case cases[] = {
      {"tss:", 1'700'000'000, 1'700'000'000'000'000},
      {"tsm:UTC", 1'700'000'000'123, 1'700'000'000'123'000},
      {"tsu:UTC", 42, 42},
      {"tsu:", -42, -42},
      {"tsn:Asia/Tokyo", -1'500, -2},  // rounded towards negative infinity
      {"tsn:UTC", 1'999, 1},
  };
  for (const Case& k : cases) {
    Result<ImportedColumn> c = ImportForeign(
        k.format, MakeForeignArray(1, 0, 0, {std::nullopt, Bytes<int64_t>({k.value})}, &releases),
        &releases);
    ASSERT_TRUE(c.ok()) << k.format << ": " << c.status().ToString();
    EXPECT_EQ(c->field.type, DataType::Timestamp());
    EXPECT_EQ(c->column->data<int64_t>()[0], k.micros) << k.format;
  }
}

TEST(ArrowCDataTest, TimestampOverflowIsAnErrorOnlyForValidSlots) {
  int releases = 0;
  const int64_t huge = std::numeric_limits<int64_t>::max() / 10;
  Result<ImportedColumn> c = ImportForeign(
      "tss:UTC", MakeForeignArray(2, 0, 0, {std::nullopt, Bytes<int64_t>({1, huge})}, &releases),
      &releases);
  EXPECT_EQ(c.status().ToString(),
            "OutOfRange: Arrow C data: field \"v\": value 922337203685477580 at index 1 is out of "
            "range of a microsecond timestamp (seconds)");
  c = ImportForeign("tss:UTC",
                    MakeForeignArray(2, 1, 0, {Bits("10"), Bytes<int64_t>({1, huge})}, &releases),
                    &releases);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Values(*c->column), (Strings{"1970-01-01T00:00:01Z", "NULL"}));
}

TEST(ArrowCDataTest, Date64AndOtherIntervalUnitsAreConverted) {
  int releases = 0;
  Result<ImportedColumn> c = ImportForeign(
      "tdm",
      MakeForeignArray(2, 0, 0, {std::nullopt, Bytes<int64_t>({86'400'000LL * 19'000, -1})},
                       &releases),
      &releases);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->field.type, DataType::Date());
  EXPECT_EQ(Values(*c->column), (Strings{"2022-01-08", "1969-12-31"}));
  c = ImportForeign(
      "tiM", MakeForeignArray(1, 0, 0, {std::nullopt, Bytes<int32_t>({14})}, &releases), &releases);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Values(*c->column), (Strings{"14 months 0 days 0 ns"}));
  c = ImportForeign("tiD",
                    MakeForeignArray(1, 0, 0, {std::nullopt, Bytes<int32_t>({3, 1500})}, &releases),
                    &releases);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Values(*c->column), (Strings{"0 months 3 days 1500000000 ns"}));
}

TEST(ArrowCDataTest, UnsupportedFormatsNameTheFieldAndFormat) {
  struct Case {
    const char* format;
    const char* description;
  };
  const Case cases[] = {{"L", "uint64"},
                        {"e", "float16"},
                        {"U", "large utf8"},
                        {"vu", "utf8 view"},
                        {"w:16", "fixed-size binary"},
                        {"d:10,2", "decimal"},
                        {"ttm", "time of day"},
                        {"tDs", "duration"},
                        {"+m", "map"},
                        {"x", "unknown format"}};
  for (const Case& k : cases) {
    int schema_releases = 0, array_releases = 0;
    Result<ImportedColumn> c = ImportForeign(
        k.format, MakeForeignArray(0, 0, 0, {std::nullopt, std::nullopt}, &array_releases),
        &schema_releases);
    EXPECT_EQ(c.status().ToString(),
              fmt::format("Unimplemented: Arrow C data: field \"v\" has format \"{}\" ({}), which "
                          "is not supported (supported: n b c C s S i I l f g u z tdD tdm tin tiM "
                          "tiD tss tsm tsu tsn +l +s)",
                          k.format, k.description));
    EXPECT_EQ(schema_releases, 1) << k.format;
    EXPECT_EQ(array_releases, 1) << k.format;
  }
}

TEST(ArrowCDataTest, UnsupportedNestedFormatsAreReportedAsUnsupported) {
  int releases = 0;
  std::vector<ArrowSchema> entries;
  entries.push_back(MakeForeignSchema("+s", "entries", &releases));
  ArrowSchema schema = MakeForeignSchema("+m", "m", &releases, std::move(entries));
  Result<Field> f = ArrowSchemaToField(schema);
  EXPECT_TRUE(f.status().message().starts_with(
      "Arrow C data: field \"m\" has format \"+m\" (map), which is not supported"))
      << f.status().message();
  schema.release(&schema);
  EXPECT_EQ(releases, 2);
}

TEST(ArrowCDataTest, NestedUnsupportedFieldIsNamedByItsPath) {
  int releases = 0;
  std::vector<ArrowSchema> item;
  item.push_back(MakeForeignSchema("L", "item", &releases));
  std::vector<ArrowSchema> fields;
  fields.push_back(MakeForeignSchema("+l", "ids", &releases, std::move(item)));
  ArrowSchema schema = MakeForeignSchema("+s", "", &releases, std::move(fields), 0);
  Result<SchemaPtr> s = ArrowSchemaToSchema(schema);
  EXPECT_EQ(s.status().code(), StatusCode::kUnimplemented);
  EXPECT_TRUE(s.status().message().starts_with(
      "Arrow C data: field \"ids.item\" has format \"L\" (uint64), which is not supported"))
      << s.status().message();
  schema.release(&schema);
  EXPECT_EQ(releases, 3);
}

TEST(ArrowCDataTest, DictionaryEncodedFieldsAreRejected) {
  int releases = 0;
  ArrowSchema schema = MakeForeignSchema("c", "colour", &releases);
  auto* d = static_cast<ForeignSchemaData*>(schema.private_data);
  d->dictionary = std::make_unique<ArrowSchema>(MakeForeignSchema("u", "", &releases));
  schema.dictionary = d->dictionary.get();
  int array_releases = 0;
  ArrowArray array = MakeForeignArray(0, 0, 0, {std::nullopt, std::nullopt}, &array_releases);
  Result<ImportedColumn> c = ImportColumn(&schema, &array);
  EXPECT_EQ(c.status().ToString(),
            "Unimplemented: Arrow C data: field \"colour\" is dictionary-encoded (index format "
            "\"c\"); dictionary arrays are not supported");
  EXPECT_EQ(releases, 2);
  EXPECT_EQ(array_releases, 1);
}

TEST(ArrowCDataTest, BatchImportErrors) {
  int releases = 0;
  ArrowSchema schema = MakeForeignSchema("i", "v", &releases);
  ArrowArray array = MakeForeignArray(1, 0, 0, {std::nullopt, Bytes<int32_t>({1})}, &releases);
  Result<Batch> b = ImportBatch(&schema, &array);
  EXPECT_EQ(b.status().ToString(),
            "InvalidArgument: Arrow C data: a record batch must be a struct array (format \"+s\"), "
            "got format \"i\"");
  EXPECT_EQ(releases, 2);

  // A struct with null rows cannot be a batch.
  std::vector<ArrowSchema> fields;
  fields.push_back(MakeForeignSchema("i", "a", &releases));
  schema = MakeForeignSchema("+s", "", &releases, std::move(fields));
  std::vector<ArrowArray> children;
  children.push_back(MakeForeignArray(2, 0, 0, {std::nullopt, Bytes<int32_t>({1, 2})}, &releases));
  array = MakeForeignArray(2, -1, 0, {Bits("01")}, &releases, std::move(children));
  b = ImportBatch(&schema, &array);
  EXPECT_EQ(b.status().ToString(),
            "InvalidArgument: Arrow C data: the struct array of a record batch has 1 null rows; a "
            "batch row cannot be null");

  // An already released array.
  ArrowSchema s2 = MakeForeignSchema("+s", "", &releases);
  ArrowArray released{};
  b = ImportBatch(&s2, &released);
  EXPECT_EQ(b.status().ToString(),
            "InvalidArgument: Arrow C data: the ArrowArray was already released");
  EXPECT_EQ(s2.release, nullptr);
}

TEST(ArrowCDataTest, MalformedArraysAreRejected) {
  int releases = 0;
  // Too few buffers for a string.
  Result<ImportedColumn> c = ImportForeign(
      "u", MakeForeignArray(1, 0, 0, {std::nullopt, Bytes<int32_t>({0, 1})}, &releases), &releases);
  EXPECT_EQ(
      c.status().ToString(),
      "InvalidArgument: Arrow C data: field \"v\": format of type string needs 3 buffers, the "
      "array has 2");
  // Decreasing offsets.
  c = ImportForeign(
      "u",
      MakeForeignArray(2, 0, 0, {std::nullopt, Bytes<int32_t>({0, 3, 2}), std::string("abc")},
                       &releases),
      &releases);
  EXPECT_EQ(c.status().ToString(),
            "InvalidArgument: Arrow C data: field \"v\": string column of length 2: offsets "
            "decrease at 1");
  // A list without its child.
  c = ImportForeign("+l", MakeForeignArray(0, 0, 0, {std::nullopt, std::nullopt}, &releases),
                    &releases);
  EXPECT_EQ(
      c.status().ToString(),
      "InvalidArgument: Arrow C data: field \"v\" (format \"+l\") has 0 children, expected 1");
}

}  // namespace
}  // namespace ark
