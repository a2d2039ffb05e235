// Python UDFs in SQL: `udfs:` entries parsed from YAML, installed, and called by queries — numbers
// without nulls as numpy views and with nulls as object arrays, strings, two arguments and
// broadcast constants, the result converted to return_type, exceptions with their traceback,
// wrong lengths and types, no call at plan time, and the config errors of a bad entry.
#include "ml/python/python_udf.h"

#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "core/column_builder.h"
#include "sql/query.h"

namespace ark::ml {
namespace {

// A configuration whose `udfs:` is `udfs_yaml` (a YAML list, indented two spaces).
constexpr const char* kStreams =
    "streams:\n"
    "  - input: {type: memory}\n"
    "    output: {type: drop}\n";

Result<EngineConfig> Parse(const std::string& udfs_yaml) {
  ARK_ASSIGN_OR_RETURN(ConfigValue root,
                       LoadYamlString("udfs:\n" + udfs_yaml + kStreams, "test.yaml"));
  return ParseEngineConfig(root);
}

Status Install(const std::string& udfs_yaml) {
  ARK_ASSIGN_OR_RETURN(EngineConfig config, Parse(udfs_yaml));
  return InstallPythonUdfs(config.udfs);
}

// sensor string ["a", "b", NULL], celsius float64 [21.5, NULL, -40], n int64 [1, 2, 3].
Batch Readings() {
  StringBuilder sensor;
  Float64Builder celsius(DataType::Float64());
  Int64Builder n(DataType::Int64());
  sensor.Append("a");
  sensor.Append("b");
  sensor.AppendNull();
  celsius.Append(21.5);
  celsius.AppendNull();
  celsius.Append(-40);
  for (int64_t v : {1, 2, 3}) n.Append(v);
  return Batch(Schema::Make({Field("sensor", DataType::String()),
                             Field("celsius", DataType::Float64()), Field("n", DataType::Int64())}),
               {sensor.Finish(), celsius.Finish(), n.Finish()}, 3);
}

Result<std::unique_ptr<sql::PreparedQuery>> Prepare(const std::string& query, const Batch& in) {
  sql::Catalog catalog;
  ARK_RETURN_IF_ERROR(catalog.AddTable("flow", in.schema()));
  return sql::PreparedQuery::Prepare(query, catalog);
}

// The query over `in` as table flow: the result as text.
Result<std::string> Query(const std::string& query, const Batch& in = Readings()) {
  ARK_ASSIGN_OR_RETURN(std::unique_ptr<sql::PreparedQuery> q, Prepare(query, in));
  sql::QueryInputs inputs;
  inputs.tables["flow"] = {in};
  ARK_ASSIGN_OR_RETURN(std::vector<Batch> out, q->Execute(inputs));
  std::string text;
  for (const Batch& b : out) text += b.ToString();
  return text;
}

class PythonUdfTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_TRUE(InstallPythonUdfs({}).ok()); }
};

TEST_F(PythonUdfTest, NumericColumnWithANull) {
  ASSERT_TRUE(Install("  - name: fahrenheit\n"
                      "    script: |\n"
                      "      def fahrenheit(c):\n"
                      "          return [None if x is None else x * 9 / 5 + 32 for x in c]\n"
                      "    return_type: double\n")
                  .ok());
  auto out = Query("SELECT sensor, fahrenheit(celsius) AS f FROM flow");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "sensor | f\na | 70.7\nb | NULL\nNULL | -40\n");
  // Names are case-insensitive, like the built-ins'.
  auto upper = Query("SELECT FAHRENHEIT(celsius) AS f FROM flow WHERE celsius IS NOT NULL");
  ASSERT_TRUE(upper.ok()) << upper.status().message();
  EXPECT_EQ(*upper, "f\n70.7\n-40\n");
}

TEST_F(PythonUdfTest, NumbersWithoutNullsAreReadOnlyNumpyViews) {
  ASSERT_TRUE(Install("  - name: describe\n"
                      "    script: |\n"
                      "      def describe(x):\n"
                      "          kind = f'{type(x).__name__} {x.dtype} {x.flags.writeable}'\n"
                      "          return [kind] * len(x)\n"
                      "    return_type: string\n")
                  .ok());
  auto out = Query(
      "SELECT describe(n) AS n, describe(celsius) AS c, describe(sensor) AS s FROM "
      "flow LIMIT 1");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "n | c | s\nndarray int64 False | ndarray object True | ndarray object True\n");
}

TEST_F(PythonUdfTest, StringUdfWithNoneForNull) {
  ASSERT_TRUE(Install("  - name: shout\n"
                      "    script: |\n"
                      "      def loud(s):\n"
                      "          return [None if v is None else v.upper() + '!' for v in s]\n"
                      "    function: loud\n"
                      "    return_type: text\n")
                  .ok());
  auto out = Query("SELECT shout(sensor) AS s FROM flow");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "s\nA!\nB!\nNULL\n");
}

TEST_F(PythonUdfTest, TwoArgumentsAndABroadcastConstant) {
  ASSERT_TRUE(Install("  - name: scaled\n"
                      "    script: |\n"
                      "      import numpy as np\n"
                      "      def scaled(n, k):\n"
                      "          assert len(k) == len(n), (len(k), len(n))\n"
                      "          return n * k + 0.5\n"
                      "    return_type: float64\n")
                  .ok());
  auto out = Query("SELECT scaled(n, 10) AS a, scaled(n, n) AS b FROM flow");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "a | b\n10.5 | 1.5\n20.5 | 4.5\n30.5 | 9.5\n");
}

TEST_F(PythonUdfTest, ResultsConvertToReturnType) {
  ASSERT_TRUE(Install("  - name: as_int\n"
                      "    script: |\n"
                      "      def as_int(x):\n"
                      "          return x * 2.0\n"
                      "    return_type: int32\n"
                      "  - name: nothing\n"
                      "    script: |\n"
                      "      def nothing(x):\n"
                      "          return [None] * len(x)\n"
                      "    return_type: bigint\n"
                      "  - name: positive\n"
                      "    script: |\n"
                      "      def positive(x):\n"
                      "          return x > 1\n"
                      "    return_type: boolean\n")
                  .ok());
  auto out = Query("SELECT as_int(n) AS i, nothing(n) AS z, positive(n) AS p FROM flow");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "i | z | p\n2 | NULL | false\n4 | NULL | true\n6 | NULL | true\n");
  auto q =
      Prepare("SELECT as_int(n) AS i, nothing(n) AS z, positive(n) AS p FROM flow", Readings());
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ((*q)->output_schema()->ToString(), "i: int32, z: int64, p: bool");
}

TEST_F(PythonUdfTest, ExceptionCarriesTheTraceback) {
  ASSERT_TRUE(Install("  - name: checked\n"
                      "    script: |\n"
                      "      def checked(c):\n"
                      "          raise ValueError(f'{len(c)} readings refused')\n"
                      "    return_type: double\n")
                  .ok());
  auto out = Query("SELECT checked(n) FROM flow");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "udf \"checked\" raised ValueError:\n"
            "Traceback (most recent call last):\n"
            "  File \"<script>\", line 2, in checked\n"
            "ValueError: 3 readings refused");
}

TEST_F(PythonUdfTest, WrongResults) {
  ASSERT_TRUE(Install("  - name: short\n"
                      "    script: |\n"
                      "      def short(x):\n"
                      "          return x[:1]\n"
                      "    return_type: int64\n"
                      "  - name: scalar\n"
                      "    script: |\n"
                      "      def scalar(x):\n"
                      "          return 7\n"
                      "    return_type: int64\n"
                      "  - name: words\n"
                      "    script: |\n"
                      "      def words(x):\n"
                      "          return ['x'] * len(x)\n"
                      "    return_type: double\n"
                      "  - name: huge\n"
                      "    script: |\n"
                      "      def huge(x):\n"
                      "          return x * 2**40\n"
                      "    return_type: int32\n")
                  .ok());
  auto short_out = Query("SELECT short(n) FROM flow");
  ASSERT_FALSE(short_out.ok());
  EXPECT_EQ(short_out.status().message(),
            "udf \"short\" returned 1 value for a batch of 3 rows; it must return one value per "
            "row");
  auto scalar_out = Query("SELECT scalar(n) FROM flow");
  ASSERT_FALSE(scalar_out.ok());
  EXPECT_EQ(scalar_out.status().message(),
            "udf \"scalar\" returned: a int; expected a numpy array or a list");
  auto words_out = Query("SELECT words(n) FROM flow");
  ASSERT_FALSE(words_out.ok());
  EXPECT_EQ(words_out.status().message(),
            "udf \"words\" returned string values; its return_type is float64 (numbers convert "
            "to any numeric type; bools, strings and bytes only to their own)");
  auto huge_out = Query("SELECT huge(n) FROM flow");
  ASSERT_FALSE(huge_out.ok());
  EXPECT_EQ(huge_out.status().message().rfind("udf \"huge\": a returned value does not fit "
                                              "return_type int32: ",
                                              0),
            0u)
      << huge_out.status().message();
}

TEST_F(PythonUdfTest, NeverCalledWhilePlanning) {
  // Constant arguments would let the optimizer fold the call; a UDF is not folded, so the
  // exception only comes when a batch runs.
  ASSERT_TRUE(Install("  - name: loud_failure\n"
                      "    script: |\n"
                      "      def loud_failure(x):\n"
                      "          raise RuntimeError('called')\n"
                      "    return_type: int64\n")
                  .ok());
  auto q =
      Prepare("SELECT loud_failure(1) + 1 AS v FROM flow WHERE loud_failure(2) > 0", Readings());
  ASSERT_TRUE(q.ok()) << q.status().message();
  sql::QueryInputs inputs;
  inputs.tables["flow"] = {Readings()};
  auto out = (*q)->Execute(inputs);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("RuntimeError: called"), std::string::npos)
      << out.status().message();
}

TEST_F(PythonUdfTest, UnsupportedArgumentsAreRefusedWhenBinding) {
  ASSERT_TRUE(Install("  - name: ident\n"
                      "    script: |\n"
                      "      def ident(x):\n"
                      "          return x\n"
                      "    return_type: int64\n")
                  .ok());
  auto ts = Query("SELECT ident(to_timestamp(n)) FROM flow");
  ASSERT_FALSE(ts.ok());
  EXPECT_NE(ts.status().message().find("udf \"ident\": argument 1 is timestamp; Python UDFs take "
                                       "bool, int32, int64, float32, float64, string, binary "
                                       "arguments (CAST it first, e.g. to string)"),
            std::string::npos)
      << ts.status().message();
  auto null = Query("SELECT ident(NULL) FROM flow");
  ASSERT_FALSE(null.ok());
  EXPECT_NE(null.status().message().find("udf \"ident\": argument 1 is an untyped NULL"),
            std::string::npos)
      << null.status().message();
  // An unknown function still suggests the installed UDFs.
  auto typo = Query("SELECT idnet(n) FROM flow");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("did you mean \"ident\""), std::string::npos)
      << typo.status().message();
}

TEST_F(PythonUdfTest, ConfigErrorsNameTheUdfAndItsPosition) {
  auto syntax = Install(
      "  - name: broken\n"
      "    script: |\n"
      "      def broken(x)\n"
      "          return x\n"
      "    return_type: double\n");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.code(), StatusCode::kConfigError);
  EXPECT_EQ(syntax.message().rfind("test.yaml:2:5: udfs[0]: udf \"broken\": python: `script` "
                                   "failed to load:\n",
                                   0),
            0u)
      << syntax.message();
  EXPECT_NE(syntax.message().find("SyntaxError"), std::string::npos) << syntax.message();

  auto missing = Install(
      "  - name: absent\n"
      "    script: \"x = 1\\n\"\n"
      "    return_type: double\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(),
            "test.yaml:2:5: udfs[0]: udf \"absent\": python: `script` has no function \"absent\"");

  auto module = Install(
      "  - name: remote\n"
      "    module: no_such_module_for_udfs\n"
      "    return_type: double\n");
  ASSERT_FALSE(module.ok());
  EXPECT_NE(module.message().find("udf \"remote\": python: module \"no_such_module_for_udfs\" "
                                  "failed to load:\n"),
            std::string::npos)
      << module.message();
  EXPECT_NE(module.message().find("ModuleNotFoundError"), std::string::npos) << module.message();

  auto builtin = Install(
      "  - name: Upper\n"
      "    script: \"def Upper(s):\\n  return s\\n\"\n"
      "    return_type: string\n");
  ASSERT_FALSE(builtin.ok());
  EXPECT_EQ(builtin.message(),
            "test.yaml:2:11: udfs[0].name: user function \"upper\": a built-in SQL function has "
            "that name; choose another");

  auto type = Install(
      "  - name: when\n"
      "    script: \"def when(s):\\n  return s\\n\"\n"
      "    return_type: timestamp\n");
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.message(),
            "test.yaml:4:18: udfs[0].return_type: udf \"when\": return_type timestamp is not "
            "supported; Python UDFs return bool, int32, int64, float32, float64, string, "
            "binary (return strings and CAST them in SQL for other types)");

  auto both = Parse(
      "  - name: twice\n"
      "    script: \"def twice(s):\\n  return s\\n\"\n"
      "    module: somewhere\n"
      "    return_type: string\n");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().message(),
            "test.yaml:2:5: udfs[0]: udf \"twice\": set exactly one of `script` (inline code) "
            "and `module`");

  auto duplicate = Parse(
      "  - name: same\n"
      "    module: m\n"
      "    return_type: string\n"
      "  - name: SAME\n"
      "    module: m\n"
      "    return_type: string\n");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().message(),
            "test.yaml:5:11: udfs[1].name: duplicate udf name \"same\" (udfs[0] at test.yaml:2:11 "
            "has it too; names are case-insensitive)");
}

}  // namespace
}  // namespace ark::ml
