#include "processors/http_model.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <curl/curl.h>
#include <fmt/format.h>
#include <simdjson.h>

#include "codec/json_text.h"
#include "core/column_builder.h"
#include "runtime/error_rows.h"
#include "sql/expression.h"

namespace ark {
namespace {

constexpr size_t kExcerpt = 300;
constexpr size_t kMaxAnswer = size_t{64} << 20;

std::string_view ApiName(HttpModelApi api) {
  switch (api) {
    case HttpModelApi::kOpenAiEmbeddings:
      return "openai_embeddings";
    case HttpModelApi::kOpenAiChat:
      return "openai_chat";
    case HttpModelApi::kJson:
      break;
  }
  return "json";
}

void AppendJsonString(std::string_view s, std::string* out) {
  std::string buf(json_text::MaxStringSize(s.size()), '\0');
  char* end = json_text::WriteString(buf.data(), s);
  out->append(buf.data(), static_cast<size_t>(end - buf.data()));
}

std::string Excerpt(std::string_view body) {
  if (body.size() <= kExcerpt) return std::string(body);
  return fmt::format("{}... ({} bytes)", body.substr(0, kExcerpt), body.size());
}

// One HTTP request: some rows of the batch.
struct Request {
  std::vector<int64_t> rows;
  std::string body;
  std::string failure;  // set when the rows go to error_output
  // The last attempt.
  std::string answer;
  bool truncated = false;
};

size_t CollectAnswer(char* data, size_t size, size_t n, void* user) {
  auto* req = static_cast<Request*>(user);
  size_t bytes = size * n;
  if (req->answer.size() + bytes > kMaxAnswer) {
    req->truncated = true;
    return 0;  // aborts the transfer
  }
  req->answer.append(data, bytes);
  return bytes;
}

// Follows a dotted path ("result.score", "labels.0") from `e`.
simdjson::error_code FollowPath(simdjson::dom::element e, const std::vector<std::string>& path,
                                simdjson::dom::element* out) {
  for (const std::string& step : path) {
    simdjson::dom::element next;
    if (e.is_array() && !step.empty() && step.size() < 10 &&
        std::all_of(step.begin(), step.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      auto err = e.get_array().at(std::stoull(step)).get(next);
      if (err) return err;
    } else if (e.is_object()) {
      auto err = e.get_object().at_key(step).get(next);
      if (err) return err;
    } else {
      return simdjson::NO_SUCH_FIELD;
    }
    e = next;
  }
  *out = e;
  return simdjson::SUCCESS;
}

}  // namespace

// The per-row results of one Process call.
struct HttpModelProcessor::Call {
  std::vector<std::vector<float>> embeddings;
  std::vector<std::string> strings;
  std::vector<double> numbers;
  std::vector<bool> has;  // a value was set (null otherwise)
};

HttpModelProcessor::HttpModelProcessor(HttpModelOptions options)
    : options_(std::move(options)), slots_(options_.max_concurrency) {
  headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  for (const auto& [name, value] : options_.headers) {
    headers_ = curl_slist_append(headers_, fmt::format("{}: {}", name, value).c_str());
  }
  if (!options_.auth_token.empty()) {
    headers_ =
        curl_slist_append(headers_, ("Authorization: Bearer " + options_.auth_token).c_str());
  }
  headers_ = curl_slist_append(headers_, "Expect:");
}

HttpModelProcessor::~HttpModelProcessor() {
  if (headers_ != nullptr) curl_slist_free_all(headers_);
}

Result<std::unique_ptr<HttpModelProcessor>> HttpModelProcessor::Make(HttpModelOptions options) {
  if (options.url.empty()) return Status::ConfigError("`url` must not be empty");
  if (options.input.empty()) return Status::ConfigError("`input` must not be empty");
  if (options.output.empty()) return Status::ConfigError("`output` must not be empty");
  if (options.api == HttpModelApi::kJson && options.response_field.empty()) {
    return Status::ConfigError(
        "api json needs `response_field`: the path of the result in each answer entry (e.g. "
        "result.score)");
  }
  if (options.api != HttpModelApi::kJson && !options.response_field.empty()) {
    return Status::ConfigError("`response_field` applies to api json only (api is {})",
                               ApiName(options.api));
  }
  if (options.response_type != "float64" && options.response_type != "string") {
    return Status::ConfigError("`response_type` must be float64 or string, got \"{}\"",
                               options.response_type);
  }
  if (options.batch_size < 1) return Status::ConfigError("`batch_size` must be at least 1");
  if (options.max_concurrency < 1) {
    return Status::ConfigError("`max_concurrency` must be at least 1");
  }
  return std::unique_ptr<HttpModelProcessor>(new HttpModelProcessor(std::move(options)));
}

namespace {

// Reads the answer of a successful request into `call`; the error says what was expected.
Status ParseAnswer(const HttpModelOptions& o, const Request& req,
                   std::vector<std::vector<float>>& embeddings, std::vector<std::string>& strings,
                   std::vector<double>& numbers, std::vector<bool>& has) {
  simdjson::dom::parser parser;
  simdjson::padded_string text(req.answer);
  simdjson::dom::element doc;
  if (auto err = parser.parse(text).get(doc); err) {
    return Status::InvalidArgument("the answer is not JSON ({})", simdjson::error_message(err));
  }
  const size_t n = req.rows.size();
  switch (o.api) {
    case HttpModelApi::kOpenAiEmbeddings: {
      simdjson::dom::array data;
      if (doc["data"].get(data)) {
        return Status::InvalidArgument("the answer has no \"data\" array");
      }
      if (data.size() != n) {
        return Status::InvalidArgument("the answer has {} embeddings for {} inputs", data.size(),
                                       n);
      }
      size_t pos = 0;
      for (simdjson::dom::element item : data) {
        size_t slot = pos++;
        int64_t index = 0;
        if (!item["index"].get(index)) {
          if (index < 0 || static_cast<size_t>(index) >= n) {
            return Status::InvalidArgument("data[{}].index {} is outside 0..{}", slot, index,
                                           n - 1);
          }
          slot = static_cast<size_t>(index);
        }
        simdjson::dom::array values;
        if (item["embedding"].get(values)) {
          return Status::InvalidArgument("data[{}] has no \"embedding\" array", pos - 1);
        }
        std::vector<float> v;
        v.reserve(values.size());
        for (simdjson::dom::element x : values) {
          double d = 0;
          if (x.get(d)) {
            return Status::InvalidArgument("data[{}].embedding holds a non-number: {}", pos - 1,
                                           simdjson::minify(x));
          }
          v.push_back(static_cast<float>(d));
        }
        const size_t row = static_cast<size_t>(req.rows[slot]);
        if (has[row]) {
          return Status::InvalidArgument("two entries of \"data\" have index {}", slot);
        }
        embeddings[row] = std::move(v);
        has[row] = true;
      }
      return Status::OK();
    }
    case HttpModelApi::kOpenAiChat: {
      std::string_view content;
      if (doc["choices"].at(0)["message"]["content"].get(content)) {
        return Status::InvalidArgument("the answer has no string choices[0].message.content");
      }
      const size_t row = static_cast<size_t>(req.rows[0]);
      strings[row] = std::string(content);
      has[row] = true;
      return Status::OK();
    }
    case HttpModelApi::kJson:
      break;
  }
  std::vector<std::string> path;
  {
    std::string_view f = o.response_field;
    size_t start = 0;
    while (start <= f.size()) {
      size_t dot = f.find('.', start);
      if (dot == std::string_view::npos) dot = f.size();
      path.emplace_back(f.substr(start, dot - start));
      start = dot + 1;
    }
  }
  std::vector<simdjson::dom::element> entries;
  if (doc.is_array()) {
    for (simdjson::dom::element e : doc.get_array()) entries.push_back(e);
  } else if (n == 1) {
    entries.push_back(doc);
  } else {
    return Status::InvalidArgument("the answer is not a JSON array with one entry per input");
  }
  if (entries.size() != n) {
    return Status::InvalidArgument("the answer has {} entries for {} inputs", entries.size(), n);
  }
  for (size_t i = 0; i < n; ++i) {
    simdjson::dom::element v;
    if (FollowPath(entries[i], path, &v)) {
      return Status::InvalidArgument("entry {} has no \"{}\"", i, o.response_field);
    }
    const size_t row = static_cast<size_t>(req.rows[i]);
    if (v.is_null()) continue;
    if (o.response_type == "float64") {
      double d = 0;
      if (v.get(d)) {
        return Status::InvalidArgument("entry {}: \"{}\" is {}, expected a number", i,
                                       o.response_field, simdjson::minify(v));
      }
      numbers[row] = d;
    } else {
      std::string_view s;
      strings[row] = v.get(s) ? simdjson::minify(v) : std::string(s);
    }
    has[row] = true;
  }
  return Status::OK();
}

}  // namespace

Status HttpModelProcessor::Process(Batch batch, ProcessOutput* out) {
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();
  Result<sql::CompiledExpression> expr =
      sql::CompileExpression(options_.input, *batch.schema(), DataType::String());
  if (!expr.ok()) return expr.status().WithContext("http_model `input`");
  Result<ColumnPtr> texts_or = expr->Evaluate(batch);
  if (!texts_or.ok()) return texts_or.status().WithContext("http_model `input`");
  const ColumnPtr texts = std::move(texts_or).value();

  // The requests.
  std::vector<Request> requests;
  const bool chat = options_.api == HttpModelApi::kOpenAiChat;
  const size_t per_request = chat ? 1 : static_cast<size_t>(options_.batch_size);
  std::string head = "{";
  if (!options_.model.empty()) {
    head += "\"model\":";
    AppendJsonString(options_.model, &head);
    head += ',';
  }
  for (int64_t r = 0; r < rows; ++r) {
    if (texts->IsNull(r)) continue;
    if (requests.empty() || requests.back().rows.size() == per_request) {
      requests.emplace_back();
    }
    requests.back().rows.push_back(r);
  }
  for (Request& req : requests) {
    std::string& b = req.body;
    b = head;
    if (chat) {
      b += "\"messages\":[";
      if (!options_.system_prompt.empty()) {
        b += "{\"role\":\"system\",\"content\":";
        AppendJsonString(options_.system_prompt, &b);
        b += "},";
      }
      b += "{\"role\":\"user\",\"content\":";
      AppendJsonString(texts->GetView(req.rows[0]), &b);
      b += "}]}";
      continue;
    }
    b += options_.api == HttpModelApi::kJson ? "\"inputs\":[" : "\"input\":[";
    for (size_t i = 0; i < req.rows.size(); ++i) {
      if (i > 0) b += ',';
      AppendJsonString(texts->GetView(req.rows[i]), &b);
    }
    b += "]}";
  }

  // Run them: at most max_concurrency in flight across all workers, retries with backoff.
  Call call;
  const size_t n = static_cast<size_t>(rows);
  call.has.assign(n, false);
  if (options_.api == HttpModelApi::kOpenAiEmbeddings) call.embeddings.resize(n);
  if (chat || options_.response_type == "string") call.strings.resize(n);
  if (options_.api == HttpModelApi::kJson) call.numbers.resize(n);

  CurlMultiDriver driver;
  ARK_RETURN_IF_ERROR(driver.Init("http_model"));
  std::vector<size_t> pending(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) pending[i] = i;
  const RetryBackoff backoff{.initial =
                                 options_.retry_backoff};  // at most 30 s; Retry-After ≤ 60 s
  const std::string what =
      fmt::format("http_model ({}): POST {}", ApiName(options_.api), options_.url);
  auto start = [&](size_t i, void* handle) {
    Request* req = &requests[i];
    CURL* easy = static_cast<CURL*>(handle);
    req->answer.clear();
    req->truncated = false;
    curl_easy_setopt(easy, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, CollectAnswer);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, req);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req->body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body.data());
  };
  auto finish = [&](size_t i, const CurlAttempt& a) {
    Request* req = &requests[i];
    if (a.Succeeded()) {
      Status st =
          ParseAnswer(options_, *req, call.embeddings, call.strings, call.numbers, call.has);
      if (!st.ok()) {
        for (int64_t r : req->rows) call.has[static_cast<size_t>(r)] = false;
        req->failure = fmt::format("{} answered HTTP {} but {}: {}", what, a.status, st.message(),
                                   Excerpt(req->answer));
      }
      return false;
    }
    if (a.Retryable() && a.attempts <= options_.retry_count) return true;
    const std::string attempts =
        a.attempts == 1 ? std::string("1 attempt") : fmt::format("{} attempts", a.attempts);
    if (a.code != CURLE_OK) {
      req->failure = fmt::format(
          "{} failed after {}: {}", what, attempts,
          req->truncated ? fmt::format("the answer is larger than {} bytes", kMaxAnswer) : a.error);
    } else {
      req->failure = fmt::format("{} answered HTTP {} after {}{}{}", what, a.status, attempts,
                                 req->answer.empty() ? "" : ": ", Excerpt(req->answer));
    }
    return false;
  };
  driver.Run(pending, slots_, options_.timeout, backoff, start, finish);

  // The rows of failed requests go to error_output; the others get the output column.
  std::vector<bool> failed(n, false);
  for (const Request& req : requests) {
    if (req.failure.empty()) continue;
    for (int64_t r : req.rows) failed[static_cast<size_t>(r)] = true;
    Batch rejected = AttachError(TakeRows(batch, req.rows), req.failure, "");
    std::vector<int> keep;
    for (int i = 0; i < rejected.num_columns(); ++i) {
      if (rejected.schema()->field(i).name != "__error_component") keep.push_back(i);
    }
    out->errors.push_back(rejected.Project(std::span<const int>(keep)));
  }
  std::vector<int64_t> good;
  for (int64_t r = 0; r < rows; ++r) {
    if (!failed[static_cast<size_t>(r)]) good.push_back(r);
  }
  if (good.empty()) return Status::OK();
  DataType type = DataType::String();
  ColumnPtr column;
  if (options_.api == HttpModelApi::kOpenAiEmbeddings) {
    type = DataType::List(DataType::Float32());
    ListBuilder b(type);
    b.Reserve(static_cast<int64_t>(good.size()));
    for (int64_t r : good) {
      const size_t i = static_cast<size_t>(r);
      if (!call.has[i]) {
        b.AppendNull();
        continue;
      }
      b.Append();
      auto& values = static_cast<Float32Builder&>(b.values());
      for (float v : call.embeddings[i]) values.Append(v);
    }
    column = b.Finish();
  } else if (options_.api == HttpModelApi::kJson && options_.response_type == "float64") {
    type = DataType::Float64();
    Float64Builder b(type);
    b.Reserve(static_cast<int64_t>(good.size()));
    for (int64_t r : good) {
      const size_t i = static_cast<size_t>(r);
      if (call.has[i]) {
        b.Append(call.numbers[i]);
      } else {
        b.AppendNull();
      }
    }
    column = b.Finish();
  } else {
    StringBuilder b;
    for (int64_t r : good) {
      const size_t i = static_cast<size_t>(r);
      if (call.has[i]) {
        b.Append(call.strings[i]);
      } else {
        b.AppendNull();
      }
    }
    column = b.Finish();
  }
  Batch kept = good.size() == n ? batch : TakeRows(batch, good);
  ARK_ASSIGN_OR_RETURN(Batch result, kept.SetColumn(Field(options_.output, type), column));
  out->batches.push_back(std::move(result));
  return Status::OK();
}

void RegisterHttpModelProcessor(Registry& registry) {
  ConfigSpec spec(
      "Calls a model behind an HTTP API (OpenAI-compatible embeddings or chat, or a generic JSON "
      "POST) for each row and adds the answer as a column; requests are batched, bounded in "
      "number, timed out and retried.");
  spec.String("api",
              "openai_embeddings (list<float32> from data[i].embedding), openai_chat (string from "
              "choices[0].message.content, one request per row) or json (the value at "
              "`response_field` of each answer entry).")
      .Required()
      .OneOf({"openai_embeddings", "openai_chat", "json"});
  spec.String("url", "Where to POST the requests (http:// or https://).").Required();
  spec.String("model", "The model name sent as \"model\" in each request (omitted when unset).");
  spec.String("input",
              "SQL expression (or a column name) giving the text of each row; a null text is not "
              "sent and gives a null output.")
      .Required();
  spec.String("output", "The column to add (an existing column of that name is replaced).")
      .Required();
  spec.String("system_prompt", "openai_chat: a system message sent before each row's text.");
  spec.String("response_field",
              "json: dotted path of the result in each answer entry (\"result.score\"; digits "
              "index arrays: \"scores.0\").");
  spec.String("response_type",
              "json: the output type — float64 (a number) or string (a string, "
              "or other JSON values as JSON text).")
      .Default("float64")
      .OneOf({"float64", "string"});
  spec.StringMap("headers", "Extra request headers.");
  spec.String("auth", "Bearer token sent as `Authorization: Bearer <auth>`.");
  spec.Int("batch_size", "Rows per request (openai_embeddings and json).").Default("16").Min(1);
  spec.Int("max_concurrency",
           "Requests in flight at once, across all workers of the stream's pipeline.")
      .Default("4")
      .Min(1);
  spec.Duration("timeout", "Limit for one request, connecting included.").Default("30s");
  spec.Int("retry_count",
           "Retries of a request that failed to connect, timed out or got HTTP 429 or 5xx.")
      .Default("3")
      .Min(0);
  spec.Duration("retry_backoff", "Wait before the first retry; doubled for each further one.")
      .Default("100ms");
  registry.AddProcessor(
      {.name = "http_model",
       .summary = "Calls a remote model (OpenAI-compatible embeddings or chat, or JSON) per row.",
       .spec = std::move(spec),
       .example = "processors:\n"
                  "  - type: json_to_arrow\n"
                  "  - type: http_model\n"
                  "    api: openai_embeddings\n"
                  "    url: http://localhost:8000/v1/embeddings\n"
                  "    model: text-embedding-3-small\n"
                  "    input: title || ' ' || body\n"
                  "    output: embedding\n"
                  "    batch_size: 32\n"
                  "    auth: \"${OPENAI_API_KEY}\"\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext&) -> Result<std::unique_ptr<Processor>> {
        HttpModelOptions o;
        const std::string api = cfg.GetString("api");
        o.api = api == "openai_embeddings" ? HttpModelApi::kOpenAiEmbeddings
                : api == "openai_chat"     ? HttpModelApi::kOpenAiChat
                                           : HttpModelApi::kJson;
        o.url = cfg.GetString("url");
        o.model = cfg.GetString("model");
        o.input = cfg.GetString("input");
        o.output = cfg.GetString("output");
        o.system_prompt = cfg.GetString("system_prompt");
        o.response_field = cfg.GetString("response_field");
        o.response_type = cfg.GetString("response_type");
        o.headers = cfg.GetStringMap("headers");
        o.auth_token = cfg.GetString("auth");
        o.batch_size = static_cast<int>(cfg.GetInt("batch_size"));
        o.max_concurrency = static_cast<int>(cfg.GetInt("max_concurrency"));
        o.timeout =
            std::chrono::duration_cast<std::chrono::milliseconds>(cfg.GetDuration("timeout"));
        o.retry_count = static_cast<int>(cfg.GetInt("retry_count"));
        o.retry_backoff =
            std::chrono::duration_cast<std::chrono::milliseconds>(cfg.GetDuration("retry_backoff"));
        // The `input` expression is compiled against each batch's schema, so its errors show on
        // the first batch.
        Result<std::unique_ptr<HttpModelProcessor>> p = HttpModelProcessor::Make(std::move(o));
        if (!p.ok()) return cfg.node().Error(p.status().message());
        return std::unique_ptr<Processor>(std::move(p).value());
      });
}

}  // namespace ark
