// The `python` processor: config through the registry, numpy arrays in (numbers without a copy,
// strings, nulls), columns out (types, lengths, several batches, none), Python exceptions with
// their traceback, wrong results, config errors (syntax, import, missing function), modules on
// python_path, and calls from several threads.
#include "processors/python.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/yaml_loader.h"
#include "core/column_builder.h"

namespace ark {
namespace {

class PythonProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override { RegisterPythonProcessor(registry_); }

  Result<std::unique_ptr<Processor>> Make(std::string_view yaml) {
    ARK_ASSIGN_OR_RETURN(ConfigValue node, LoadYamlString(yaml, "test.yaml"));
    return registry_.MakeProcessor(
        node, {.stream_id = "s", .label = "processor[1]", .registry = &registry_});
  }

  // A processor running `script` (indented body lines are kept as written).
  std::unique_ptr<Processor> MakeScript(const std::string& script) {
    std::string yaml = "type: python\nfunction: process\nscript: |\n";
    size_t start = 0;
    while (start < script.size()) {
      size_t end = script.find('\n', start);
      if (end == std::string::npos) end = script.size();
      yaml += "  " + script.substr(start, end - start) + "\n";
      start = end + 1;
    }
    auto p = Make(yaml);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(p).value() : nullptr;
  }

  static Result<std::vector<Batch>> Run(Processor& p, const Batch& in) {
    ProcessOutput out;
    ARK_RETURN_IF_ERROR(p.Process(in, &out));
    return out.batches;
  }

  static Result<std::string> RunOne(Processor& p, const Batch& in) {
    ARK_ASSIGN_OR_RETURN(std::vector<Batch> out, Run(p, in));
    if (out.size() != 1) return Status::Internal("{} batches", out.size());
    return out[0].ToString();
  }

  // id int64 [1, 2, 3], x float64 [0.5, 1.5, -2], name string ["a", NULL, "ccc"].
  static Batch Input() {
    Int64Builder id(DataType::Int64());
    Float64Builder x(DataType::Float64());
    StringBuilder name;
    for (int64_t i : {1, 2, 3}) id.Append(i);
    for (double v : {0.5, 1.5, -2.0}) x.Append(v);
    name.Append("a");
    name.AppendNull();
    name.Append("ccc");
    return Batch(Schema::Make({Field("id", DataType::Int64()), Field("x", DataType::Float64()),
                               Field("name", DataType::String())}),
                 {id.Finish(), x.Finish(), name.Finish()}, 3);
  }

  Registry registry_;
};

TEST_F(PythonProcessorTest, DoublesAColumn) {
  auto p = MakeScript(
      "def process(batch):\n"
      "    return {'id': batch['id'], 'x2': batch['x'] * 2}\n");
  ASSERT_NE(p, nullptr);
  auto out = RunOne(*p, Input());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "id | x2\n1 | 1\n2 | 3\n3 | -4\n");
  auto empty = RunOne(*p, Input().Slice(0, 0));
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(*empty, "id | x2\n");
}

TEST_F(PythonProcessorTest, NumericColumnsAreReadOnlyViewsWithoutACopy) {
  auto p = MakeScript(
      "import numpy as np\n"
      "def process(batch):\n"
      "    x = batch['x']\n"
      "    return {'address': [x.__array_interface__['data'][0]],\n"
      "            'dtypes': [f\"{batch['id'].dtype} {x.dtype} {batch['name'].dtype}\"],\n"
      "            'writeable': [x.flags.writeable]}\n");
  ASSERT_NE(p, nullptr);
  Batch in = Input();
  auto out = Run(*p, in);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 1u);
  const Batch& b = (*out)[0];
  EXPECT_EQ(b.column(0)->data<int64_t>()[0],
            reinterpret_cast<int64_t>(in.column(1)->data<double>()));
  EXPECT_EQ(b.column(1)->GetView(0), "int64 float64 object");
  EXPECT_FALSE(b.column(2)->GetBool(0));

  // A slice is viewed at its offset; writing into the view is refused by numpy.
  auto q = MakeScript(
      "def process(batch):\n"
      "    batch['x'][0] = 1.0\n");
  ASSERT_NE(q, nullptr);
  auto sliced = RunOne(*p, in.Slice(1, 2));
  ASSERT_TRUE(sliced.ok()) << sliced.status().message();
  auto write = Run(*q, in);
  ASSERT_FALSE(write.ok());
  EXPECT_NE(write.status().message().find("ValueError: assignment destination is read-only"),
            std::string::npos)
      << write.status().message();
  auto addr = Run(*p, in.Slice(1, 2));
  ASSERT_TRUE(addr.ok());
  EXPECT_EQ((*addr)[0].column(0)->data<int64_t>()[0],
            reinterpret_cast<int64_t>(in.column(1)->data<double>() + 1));
}

TEST_F(PythonProcessorTest, StringColumnsAndNulls) {
  auto p = MakeScript(
      "def process(batch):\n"
      "    names = [None if n is None else n.upper() + '!' for n in batch['name']]\n"
      "    return {'name': names, 'length': [None if n is None else len(n) for n in names]}\n");
  ASSERT_NE(p, nullptr);
  auto out = Run(*p, Input());
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 1u);
  const Batch& b = (*out)[0];
  EXPECT_EQ(b.ToString(), "name | length\nA! | 2\nNULL | NULL\nCCC! | 4\n");
  EXPECT_EQ(b.schema()->field(0).type, DataType::String());
  EXPECT_EQ(b.schema()->field(1).type, DataType::Int64());
}

TEST_F(PythonProcessorTest, NumbersWithNullsArriveAsObjectArrays) {
  Int64Builder v(DataType::Int64());
  v.Append(7);
  v.AppendNull();
  Batch in(Schema::Make({Field("v", DataType::Int64())}), {v.Finish()}, 2);
  auto p = MakeScript(
      "def process(batch):\n"
      "    v = batch['v']\n"
      "    return {'dtype': [str(v.dtype)] * 2, 'v': [None if x is None else x + 1 for x in v]}\n");
  ASSERT_NE(p, nullptr);
  auto out = RunOne(*p, in);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "dtype | v\nobject | 8\nobject | NULL\n");
}

TEST_F(PythonProcessorTest, BoolColumnsArriveAsNumpyBools) {
  BoolBuilder flag;
  flag.Append(true);
  flag.Append(false);
  Batch in(Schema::Make({Field("flag", DataType::Bool())}), {flag.Finish()}, 2);
  auto p = MakeScript(
      "def process(batch):\n"
      "    f = batch['flag']\n"
      "    return {'dtype': [str(f.dtype)] * 2, 'not': ~f}\n");
  ASSERT_NE(p, nullptr);
  auto out = RunOne(*p, in);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "dtype | not\nbool | false\nbool | true\n");
}

TEST_F(PythonProcessorTest, ReturnsNewColumnsOfEachType) {
  auto p = MakeScript(
      "import numpy as np\n"
      "def process(batch):\n"
      "    n = len(batch['id'])\n"
      "    return {'flag': batch['x'] > 0,\n"
      "            'i32': np.arange(n, dtype=np.int32),\n"
      "            'u8': np.arange(n, dtype=np.uint8),\n"
      "            'f32': np.full(n, 0.25, dtype=np.float32),\n"
      "            'ints': [1, None, 3],\n"
      "            'mixed': [1, 2.5, None],\n"
      "            'bools': [True, False, None],\n"
      "            'raw': [b'\\x00a', b'', None],\n"
      "            'label': np.array(['p', 'q', 'r'])}\n");
  ASSERT_NE(p, nullptr);
  auto out = Run(*p, Input());
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 1u);
  const Batch& b = (*out)[0];
  std::vector<std::string> types;
  for (int i = 0; i < b.num_columns(); ++i) types.push_back(b.schema()->field(i).ToString());
  EXPECT_EQ(types, (std::vector<std::string>{"flag: bool", "i32: int32", "u8: int64",
                                             "f32: float32", "ints: int64", "mixed: float64",
                                             "bools: bool", "raw: binary", "label: string"}))
      << b.schema()->ToString();
  EXPECT_EQ(b.column(0)->ValueToString(0), "true");
  EXPECT_EQ(b.column(0)->ValueToString(2), "false");
  EXPECT_EQ(b.column(1)->data<int32_t>()[2], 2);
  EXPECT_EQ(b.column(2)->data<int64_t>()[2], 2);
  EXPECT_EQ(b.column(3)->data<float>()[1], 0.25f);
  EXPECT_TRUE(b.column(4)->IsNull(1));
  EXPECT_EQ(b.column(4)->data<int64_t>()[2], 3);
  EXPECT_EQ(b.column(5)->data<double>()[0], 1.0);
  EXPECT_EQ(b.column(5)->data<double>()[1], 2.5);
  EXPECT_TRUE(b.column(5)->IsNull(2));
  EXPECT_TRUE(b.column(6)->GetBool(0));
  EXPECT_FALSE(b.column(6)->GetBool(1));
  EXPECT_TRUE(b.column(6)->IsNull(2));
  EXPECT_EQ(b.column(7)->GetView(0), std::string_view("\0a", 2));
  EXPECT_EQ(b.column(7)->GetView(1), "");
  EXPECT_TRUE(b.column(7)->IsNull(2));
  EXPECT_EQ(b.column(8)->GetView(2), "r");
}

TEST_F(PythonProcessorTest, SeveralBatchesOrNone) {
  auto p = MakeScript(
      "def process(batch):\n"
      "    if batch['id'][0] > 10:\n"
      "        return None\n"
      "    return [{'id': batch['id'][:1]}, {'id': batch['id'][1:], 'x': batch['x'][1:]}]\n");
  ASSERT_NE(p, nullptr);
  auto out = Run(*p, Input());
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].ToString(), "id\n1\n");
  EXPECT_EQ((*out)[1].ToString(), "id | x\n2 | 1.5\n3 | -2\n");

  Int64Builder id(DataType::Int64());
  id.Append(11);
  auto none = Run(*p, Batch(Schema::Make({Field("id", DataType::Int64())}), {id.Finish()}, 1));
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->empty());
}

TEST_F(PythonProcessorTest, ExceptionCarriesTheTraceback) {
  auto p = MakeScript(
      "def helper(x):\n"
      "    return x / 0\n"
      "def process(batch):\n"
      "    return {'y': [helper(1)]}\n");
  ASSERT_NE(p, nullptr);
  auto out = Run(*p, Input());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "python function \"process\" raised ZeroDivisionError:\n"
            "Traceback (most recent call last):\n"
            "  File \"<script>\", line 4, in process\n"
            "  File \"<script>\", line 2, in helper\n"
            "ZeroDivisionError: division by zero");
  // The processor stays usable: the next batch runs again (and fails the same way).
  auto again = Run(*p, Input());
  EXPECT_EQ(again.status().message(), out.status().message());
}

TEST_F(PythonProcessorTest, WrongResultsAreExplained) {
  struct Case {
    std::string body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"return 5",
       "python function \"process\" returned a int; expected a dict of column name → numpy "
       "array or list, a list of such dicts, or None"},
      {"return {}", "python function \"process\" returned a dict without columns"},
      {"return {'a': [1, 2], 'b': [1]}",
       "python function \"process\": column \"b\" has 1 rows but column \"a\" has 2; all "
       "columns need the same length"},
      {"return {'a': np.zeros((2, 2))}",
       "python function \"process\": column \"a\": a numpy array of 2 dimensions; expected one"},
      {"return {'a': 3.5}",
       "python function \"process\": column \"a\": a float; expected a numpy array or a list"},
      {"return {'a': [1, object()]}",
       "python function \"process\": column \"a\", row 1: a object value; expected str, bytes, "
       "bool, int, float or None"},
      {"return {'a': ['x', 1]}",
       "python function \"process\": column \"a\": mixes value types (row 1 is a int); one type "
       "per column"},
      {"return {1: [1]}",
       "python function \"process\" returned a dict with a int key; column names are str"},
      {"return [{'a': [1]}, 7]",
       "python function \"process\" (batch 1) returned a int; expected a dict of column name → "
       "numpy array or list, a list of such dicts, or None"},
      {"return {'a': np.array([1, 2], dtype=np.complex128)}",
       "python function \"process\": column \"a\": a numpy array of dtype complex128; expected "
       "bool, integer, float, str, bytes or object"},
  };
  for (const Case& c : cases) {
    auto p = MakeScript("import numpy as np\ndef process(batch):\n    " + c.body + "\n");
    ASSERT_NE(p, nullptr) << c.body;
    auto out = Run(*p, Input());
    ASSERT_FALSE(out.ok()) << c.body;
    EXPECT_EQ(out.status().message(), c.error) << c.body;
  }
}

TEST_F(PythonProcessorTest, UnsupportedInputColumnIsNamed) {
  auto p = MakeScript("def process(batch):\n    return batch\n");
  ASSERT_NE(p, nullptr);
  ListBuilder l(DataType::List(DataType::Float32()));
  l.Append();
  Batch in(Schema::Make({Field("v", DataType::List(DataType::Float32()))}), {l.Finish()}, 1);
  auto out = Run(*p, in);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "python: column \"v\" is list<float32>, which is not passed to Python (supported: "
            "bool, int32, int64, float32, float64, string, binary); cast it first, e.g. with a "
            "sql processor");
}

TEST_F(PythonProcessorTest, ConfigErrorsAtStartUp) {
  auto syntax = Make("type: python\nfunction: process\nscript: 'def process(:'\n");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("python: `script` failed to load:"), std::string::npos)
      << syntax.status().message();
  EXPECT_NE(syntax.status().message().find("SyntaxError"), std::string::npos)
      << syntax.status().message();

  auto import = Make("type: python\nfunction: f\nmodule: arkflow_no_such_module\n");
  ASSERT_FALSE(import.ok());
  EXPECT_NE(import.status().message().find(
                "python: module \"arkflow_no_such_module\" failed to load:\n"
                "ModuleNotFoundError: No module named 'arkflow_no_such_module'"),
            std::string::npos)
      << import.status().message();
  EXPECT_NE(import.status().message().find(
                "ModuleNotFoundError: No module named 'arkflow_no_such_module'"),
            std::string::npos)
      << import.status().message();

  auto missing = Make("type: python\nfunction: nope\nscript: 'x = 1'\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("python: `script` has no function \"nope\""),
            std::string::npos)
      << missing.status().message();

  auto not_callable = Make("type: python\nfunction: x\nscript: 'x = 1'\n");
  ASSERT_FALSE(not_callable.ok());
  EXPECT_NE(
      not_callable.status().message().find("python: \"x\" in `script` is a int, not a function"),
      std::string::npos)
      << not_callable.status().message();

  auto both = Make("type: python\nfunction: f\nscript: 'x = 1'\nmodule: json\n");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find(
                "python: set exactly one of `script` (inline code) and `module`"),
            std::string::npos)
      << both.status().message();
}

TEST_F(PythonProcessorTest, ModuleOnPythonPath) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ark_python_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "ark_scale.py");
    f << "FACTOR = 10\n"
         "def scale(batch):\n"
         "    return {'id': batch['id'] * FACTOR}\n";
  }
  {
    std::ofstream f(dir / "ark_broken.py");
    f << "import os\nimport ark_missing_dependency\n";
  }
  auto p = Make("type: python\nmodule: ark_scale\nfunction: scale\npython_path: [" + dir.string() +
                "]\n");
  // An import error inside the module: the traceback names the module's file and line.
  auto broken =
      Make("type: python\nmodule: ark_broken\nfunction: f\npython_path: [" + dir.string() + "]\n");
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find(
                fmt::format("python: module \"ark_broken\" failed to load:\n"
                            "Traceback (most recent call last):\n"
                            "  File \"{}/ark_broken.py\", line 2, in <module>\n"
                            "    import ark_missing_dependency\n"
                            "ModuleNotFoundError: No module named 'ark_missing_dependency'",
                            dir.string())),
            std::string::npos)
      << broken.status().message();
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto out = RunOne(**p, Input());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "id\n10\n20\n30\n");
}

TEST_F(PythonProcessorTest, CallsFromSeveralThreads) {
  auto p = MakeScript(
      "def process(batch):\n"
      "    return {'id': batch['id'] + 1}\n");
  ASSERT_NE(p, nullptr);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto out = RunOne(*p, Input());
        if (!out.ok() || *out != "id\n2\n3\n4\n") ++failures[static_cast<size_t>(t)];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace ark
