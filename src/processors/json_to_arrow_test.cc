#include "processors/json_to_arrow.h"

#include <thread>

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "core/raw_message.h"
#include "core/type_parser.h"
#include "runtime/registry.h"

namespace ark {
namespace {

Batch RawWithMeta(std::span<const std::string_view> payloads) {
  RawBatchBuilder b(RawBatchBuilder::kSource | RawBatchBuilder::kOffset);
  int64_t offset = 100;
  for (std::string_view p : payloads) b.Add(p, {.source = "topic", .offset = offset++});
  return b.Finish();
}

std::unique_ptr<JsonToArrowProcessor> Make(JsonToArrowOptions options = {}) {
  auto p = JsonToArrowProcessor::Make(std::move(options));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

TEST(JsonToArrowTest, DecodesAndCarriesMetaColumns) {
  std::vector<std::string_view> payloads = {"{\"a\":1,\"b\":\"x\"}", "[{\"a\":2},{\"a\":3}]",
                                            "not json", "{\"a\":4.5}"};
  Batch in = RawWithMeta(payloads);
  ProcessOutput out;
  ASSERT_TRUE(Make()->Process(in, &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].ToString(),
            "a | b | __meta_source | __meta_offset\n"
            "1 | x | topic | 100\n"
            "2 | NULL | topic | 101\n"
            "3 | NULL | topic | 101\n"
            "4.5 | NULL | topic | 103\n");
  ASSERT_EQ(out.errors.size(), 1u);
  const Batch& err = out.errors[0];
  EXPECT_EQ(err.schema()->ToString(),
            "__value__: binary, __error__: string, __error_component: string, __meta_source: "
            "string, __meta_offset: int64");
  ASSERT_EQ(err.num_rows(), 1);
  EXPECT_EQ(err.column(0)->GetView(0), "not json");
  EXPECT_EQ(err.column(1)->GetView(0),
            "line 1, byte 0: invalid JSON: Problem while parsing an atom starting with the "
            "letter 'n'");
  EXPECT_EQ(err.column(2)->GetView(0), "json_to_arrow");
  EXPECT_EQ(err.column(4)->data<int64_t>()[0], 102);
}

TEST(JsonToArrowTest, ErrorRowsKeepTheWholePayload) {
  std::string big = "{\"a\":\"" + std::string(3000, 'y');  // unterminated, longer than 1 KiB
  std::vector<std::string_view> payloads = {big};
  ProcessOutput out;
  ASSERT_TRUE(Make()->Process(RawWithMeta(payloads), &out).ok());
  EXPECT_TRUE(out.batches.empty());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].column(0)->GetView(0), big);
}

TEST(JsonToArrowTest, OtherValueFieldAndIncludedFields) {
  StringBuilder doc;
  doc.Append("{\"keep\":1,\"drop\":2}");
  Int64Builder other(DataType::Int64());
  other.Append(7);
  Batch in(Schema::Make({Field("doc", DataType::String()), Field("other", DataType::Int64())}),
           {doc.Finish(), other.Finish()}, 1);
  JsonToArrowOptions o;
  o.value_field = "doc";
  o.decoder.include_fields = {"keep"};
  ProcessOutput out;
  ASSERT_TRUE(Make(o)->Process(in, &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].ToString(), "keep\n1\n");
}

TEST(JsonToArrowTest, MissingOrWrongValueFieldFailsTheBatch) {
  Int64Builder v(DataType::Int64());
  v.Append(1);
  Batch in(Schema::Make({Field("__value__", DataType::Int64())}), {v.Finish()}, 1);
  ProcessOutput out;
  Status st = Make()->Process(in, &out);
  EXPECT_EQ(st.code(), StatusCode::kTypeError);
  EXPECT_EQ(st.message(),
            "json_to_arrow: column \"__value__\" is int64, expected binary or string");
  JsonToArrowOptions o;
  o.value_field = "payload";
  st = Make(o)->Process(in, &out);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(),
            "json_to_arrow: the input has no column \"payload\" to parse (columns: __value__)");
}

TEST(JsonToArrowTest, ConcurrentCallsAreIndependent) {
  auto p = Make();
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string payload = fmt::format("{{\"t\":{}}}", t);
      std::vector<std::string_view> payloads(200, payload);
      for (int i = 0; i < 50; ++i) {
        ProcessOutput out;
        if (!p->Process(RawWithMeta(payloads), &out).ok() || out.batches.size() != 1) return;
        const Batch& b = out.batches[0];
        if (b.num_rows() != 200 || b.column(0)->data<int64_t>()[199] != t) return;
      }
      results[t] = "ok";
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(results, std::vector<std::string>(4, "ok"));
}

TEST(JsonToArrowTest, RegisteredWithSpec) {
  Registry registry;
  RegisterJsonToArrowProcessor(registry);
  auto node = LoadYamlString(
      "type: json_to_arrow\n"
      "fields_to_include: [a]\n"
      "schema: {a: int32, b: string}\n");
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  auto p = registry.MakeProcessor(*node, {.stream_id = "s", .label = "processor[0]"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::vector<std::string_view> payloads = {"{\"a\":1,\"b\":\"x\"}", "{\"a\":\"no\"}"};
  ProcessOutput out;
  ASSERT_TRUE((*p)->Process(RawWithMeta(payloads), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].ToString(), "a | __meta_source | __meta_offset\n1 | topic | 100\n");
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].column(1)->GetView(0),
            "line 1, byte 0: field \"a\": expected int32, got string");
  EXPECT_EQ(out.errors[0].column(2)->GetView(0), "processor[0] json_to_arrow");

  auto bad = LoadYamlString("type: json_to_arrow\nschema: {a: strin}\n");
  ASSERT_TRUE(bad.ok());
  auto err = registry.MakeProcessor(*bad, {});
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), StatusCode::kConfigError);
  EXPECT_NE(err.status().message().find(
                "invalid type \"strin\": unknown type name \"strin\" at position 1 (did you mean "
                "\"string\"?)"),
            std::string::npos)
      << err.status().message();
}

}  // namespace
}  // namespace ark
