// The http_model processor against a real HTTP server: tests/support/model_server.py (Python's
// http.server), started once for the suite on a free port and killed at the end.
#include "processors/http_model.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/column_builder.h"

namespace ark {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

class HttpModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::filesystem::path script =
        std::filesystem::path(ARK_SOURCE_DIR) / "tests/support/model_server.py";
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      execl("/usr/bin/python3", "python3", script.c_str(), "--port", "0", nullptr);
      _exit(127);
    }
    close(fds[1]);
    FILE* f = fdopen(fds[0], "r");
    int port = 0;
    ASSERT_EQ(fscanf(f, "PORT %d", &port), 1) << "model_server.py did not start: " << script;
    base_ = "http://127.0.0.1:" + std::to_string(port);
    stdout_ = f;
  }

  static void TearDownTestSuite() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_ != nullptr) fclose(stdout_);
  }

  void SetUp() override { Get("/reset"); }

  static std::string Get(const std::string& path) {
    std::string body;
    CURL* easy = curl_easy_init();
    const std::string url = base_ + path;
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
    EXPECT_EQ(curl_easy_perform(easy), CURLE_OK);
    curl_easy_cleanup(easy);
    return body;
  }

  struct Stats {
    std::vector<std::string> bodies;
    std::vector<std::string> auth;
    int64_t max_in_flight = 0;
  };
  static Stats GetStats() {
    Stats s;
    simdjson::dom::parser parser;
    simdjson::padded_string text(Get("/stats"));
    simdjson::dom::element doc = parser.parse(text).value();
    for (simdjson::dom::element r : doc["requests"].get_array()) {
      s.bodies.emplace_back(std::string_view(r["body"]));
      s.auth.emplace_back(std::string_view(r["auth"]));
    }
    s.max_in_flight = int64_t(doc["max_in_flight"]);
    return s;
  }

  static HttpModelOptions Options(HttpModelApi api, const std::string& path) {
    HttpModelOptions o;
    o.api = api;
    o.url = base_ + path;
    o.input = "text";
    o.output = "out";
    o.retry_backoff = std::chrono::milliseconds(10);
    return o;
  }

  static std::unique_ptr<HttpModelProcessor> Make(HttpModelOptions o) {
    Result<std::unique_ptr<HttpModelProcessor>> p = HttpModelProcessor::Make(std::move(o));
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return std::move(p).value();
  }

  // Rows (id, text); nullopt is a null text.
  static Batch Texts(const std::vector<std::optional<std::string>>& texts) {
    Int64Builder ids(DataType::Int64());
    StringBuilder values;
    for (size_t i = 0; i < texts.size(); ++i) {
      ids.Append(static_cast<int64_t>(i));
      if (texts[i]) {
        values.Append(*texts[i]);
      } else {
        values.AppendNull();
      }
    }
    auto schema = std::make_shared<Schema>(
        std::vector<Field>{Field("id", DataType::Int64()), Field("text", DataType::String())});
    return Batch::Make(schema, {ids.Finish(), values.Finish()}).value();
  }

  static std::vector<std::string> Column(const Batch& b, const std::string& name) {
    std::vector<std::string> v;
    ColumnPtr c = b.ColumnByName(name);
    EXPECT_NE(c, nullptr) << name;
    if (c == nullptr) return v;
    for (int64_t i = 0; i < c->length(); ++i) {
      v.push_back(c->IsNull(i) ? "null" : c->ValueToString(i));
    }
    return v;
  }

  static inline pid_t pid_ = -1;
  static inline FILE* stdout_ = nullptr;
  static inline std::string base_;
};

TEST_F(HttpModelTest, EmbeddingsAreBatchedAndOrderedByIndex) {
  HttpModelOptions o = Options(HttpModelApi::kOpenAiEmbeddings, "/v1/embeddings");
  o.model = "emb-small";
  o.batch_size = 2;
  o.auth_token = "secret";
  auto p = Make(o);
  ProcessOutput out;
  ASSERT_TRUE(p->Process(Texts({"a", "bb", std::nullopt, "ccc", "dddd", "e\"\n"}), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_TRUE(out.errors.empty());
  const Batch& b = out.batches[0];
  EXPECT_EQ(b.schema()->field(2).name, "out");
  EXPECT_EQ(b.schema()->field(2).type.ToString(), "list<float32>");
  EXPECT_EQ(Column(b, "out"),
            (std::vector<std::string>{"[1, 0]", "[2, 1]", "null", "[3, 0]", "[4, 1]", "[3, 0]"}));
  Stats s = GetStats();
  std::sort(s.bodies.begin(), s.bodies.end());  // the requests run at once
  EXPECT_EQ(s.bodies, (std::vector<std::string>{R"({"model":"emb-small","input":["a","bb"]})",
                                                R"({"model":"emb-small","input":["ccc","dddd"]})",
                                                R"({"model":"emb-small","input":["e\"\n"]})"}));
  EXPECT_EQ(s.auth, (std::vector<std::string>(3, "Bearer secret")));
}

TEST_F(HttpModelTest, ChatSendsOneRequestPerRow) {
  HttpModelOptions o = Options(HttpModelApi::kOpenAiChat, "/v1/chat/completions");
  o.model = "llm";
  o.system_prompt = "Be brief.";
  o.input = "'Summarize: ' || text";
  auto p = Make(o);
  ProcessOutput out;
  ASSERT_TRUE(p->Process(Texts({"one", "two"}), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(Column(out.batches[0], "out"),
            (std::vector<std::string>{"echo: Summarize: one", "echo: Summarize: two"}));
  Stats s = GetStats();
  ASSERT_EQ(s.bodies.size(), 2u);
  std::sort(s.bodies.begin(), s.bodies.end());
  EXPECT_EQ(s.bodies[0], R"({"model":"llm","messages":[{"role":"system","content":"Be brief."},)"
                         R"({"role":"user","content":"Summarize: one"}]})");
}

TEST_F(HttpModelTest, JsonReadsTheResponseField) {
  HttpModelOptions o = Options(HttpModelApi::kJson, "/json");
  o.batch_size = 3;
  o.response_field = "result.score";
  auto p = Make(o);
  ProcessOutput out;
  ASSERT_TRUE(p->Process(Texts({"abcd", "ab", "a", "abcdefghij"}), &out).ok());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].schema()->field(2).type.ToString(), "float64");
  EXPECT_EQ(Column(out.batches[0], "out"), (std::vector<std::string>{"0.4", "0.2", "0.1", "1"}));
  std::vector<std::string> bodies = GetStats().bodies;
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, (std::vector<std::string>{R"({"inputs":["abcd","ab","a"]})",
                                              R"({"inputs":["abcdefghij"]})"}));

  o.response_field = "result.label";
  o.response_type = "string";
  ProcessOutput out2;
  ASSERT_TRUE(Make(o)->Process(Texts({"xy"}), &out2).ok());
  EXPECT_EQ(Column(out2.batches[0], "out"), (std::vector<std::string>{"XY"}));

  o.response_field = "result.missing";
  ProcessOutput out3;
  ASSERT_TRUE(Make(o)->Process(Texts({"xy"}), &out3).ok());
  EXPECT_TRUE(out3.batches.empty());
  ASSERT_EQ(out3.errors.size(), 1u);
  EXPECT_EQ(Column(out3.errors[0], "__error__")[0],
            "http_model (json): POST " + o.url +
                " answered HTTP 200 but entry 0 has no \"result.missing\": "
                R"([{"result": {"score": 0.2, "label": "XY"}}])");
}

TEST_F(HttpModelTest, RetriesOn500ThenSucceeds) {
  HttpModelOptions o = Options(HttpModelApi::kJson, "/json?fail=2");
  o.response_field = "result.score";
  o.retry_count = 3;
  ProcessOutput out;
  ASSERT_TRUE(Make(o)->Process(Texts({"abc"}), &out).ok());
  EXPECT_TRUE(out.errors.empty());
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(Column(out.batches[0], "out"), (std::vector<std::string>{"0.3"}));
  EXPECT_EQ(GetStats().bodies.size(), 3u);
}

TEST_F(HttpModelTest, FailedRequestsGoToErrorOutputWithStatusAndBody) {
  HttpModelOptions o = Options(HttpModelApi::kJson, "/json?fail=5");
  o.response_field = "result.score";
  o.batch_size = 2;
  o.retry_count = 1;
  ProcessOutput out;
  ASSERT_TRUE(Make(o)->Process(Texts({"a", "b", "c"}), &out).ok());
  // Both requests out of retries: every row is an error row, the input columns kept.
  EXPECT_TRUE(out.batches.empty());
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(Column(out.errors[0], "text"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Column(out.errors[0], "__error__")[0],
            "http_model (json): POST " + o.url +
                " answered HTTP 500 after 2 attempts: overloaded, try again");
  EXPECT_EQ(GetStats().bodies.size(), 4u);

  // A 4xx answer is not retried.
  Get("/reset");
  o.url = base_ + "/json?status=400";
  o.retry_count = 3;
  ProcessOutput out2;
  ASSERT_TRUE(Make(o)->Process(Texts({"a"}), &out2).ok());
  ASSERT_EQ(out2.errors.size(), 1u);
  EXPECT_EQ(
      Column(out2.errors[0], "__error__")[0],
      "http_model (json): POST " + o.url + " answered HTTP 400 after 1 attempt: model unavailable");
  EXPECT_EQ(GetStats().bodies.size(), 1u);
}

TEST_F(HttpModelTest, TimeoutGoesToErrorOutput) {
  HttpModelOptions o = Options(HttpModelApi::kOpenAiChat, "/v1/chat/completions?delay=3");
  o.timeout = std::chrono::milliseconds(200);
  o.retry_count = 1;
  ProcessOutput out;
  ASSERT_TRUE(Make(o)->Process(Texts({"slow"}), &out).ok());
  EXPECT_TRUE(out.batches.empty());
  ASSERT_EQ(out.errors.size(), 1u);
  const std::string error = Column(out.errors[0], "__error__")[0];
  EXPECT_EQ(error.rfind("http_model (openai_chat): POST " + o.url +
                            " failed after 2 attempts: " + "Operation timed out after",
                        0),
            0u)
      << error;
  EXPECT_EQ(GetStats().bodies.size(), 2u);
}

TEST_F(HttpModelTest, ConcurrencyIsBoundedAcrossWorkers) {
  HttpModelOptions o = Options(HttpModelApi::kOpenAiChat, "/v1/chat/completions?delay=0.1");
  o.max_concurrency = 2;
  auto p = Make(o);
  std::vector<std::optional<std::string>> texts(6, std::string("x"));
  ProcessOutput out1, out2;
  std::thread t1([&] { EXPECT_TRUE(p->Process(Texts(texts), &out1).ok()); });
  std::thread t2([&] { EXPECT_TRUE(p->Process(Texts(texts), &out2).ok()); });
  t1.join();
  t2.join();
  ASSERT_EQ(out1.batches.size(), 1u);
  ASSERT_EQ(out2.batches.size(), 1u);
  EXPECT_EQ(out1.batches[0].num_rows() + out2.batches[0].num_rows(), 12);
  Stats s = GetStats();
  EXPECT_EQ(s.bodies.size(), 12u);
  EXPECT_LE(s.max_in_flight, 2);
  EXPECT_GE(s.max_in_flight, 1);
}

TEST_F(HttpModelTest, AnInputExpressionThatDoesNotCompileFailsTheBatch) {
  HttpModelOptions o = Options(HttpModelApi::kOpenAiChat, "/v1/chat/completions");
  o.input = "no_such_column || text";
  ProcessOutput out;
  Status st = Make(o)->Process(Texts({"a"}), &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("http_model `input`"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("no_such_column"), std::string::npos) << st.ToString();
  EXPECT_TRUE(GetStats().bodies.empty());
}

TEST(HttpModelOptionsTest, MissingResponseFieldIsAConfigError) {
  HttpModelOptions o;
  o.url = "http://127.0.0.1:1/json";
  o.input = "text";
  o.output = "out";
  Result<std::unique_ptr<HttpModelProcessor>> p = HttpModelProcessor::Make(o);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "api json needs `response_field`: the path of the result in each answer entry (e.g. "
            "result.score)");
}

}  // namespace
}  // namespace ark
