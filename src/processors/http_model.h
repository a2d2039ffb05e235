// `http_model` processor: calls a model behind an HTTP API for every row of a batch and adds the
// answer as a column — for models that cannot run in-process (large language models, hosted
// embedding services).
//
//   - type: http_model
//     api: openai_embeddings          # or openai_chat, json
//     url: http://localhost:8000/v1/embeddings
//     model: text-embedding-3-small   # the name sent to the API
//     input: title || ' ' || body     # SQL expression (or a column) giving the text of each row
//     output: embedding               # the column to add
//     batch_size: 32                  # rows per request (embeddings, json)
//     max_concurrency: 4              # requests in flight at once, across all workers
//
// The APIs:
//   openai_embeddings  POST {"model", "input": [texts]}; the answer's data[i].embedding (ordered
//                      by data[i].index when given) → list<float32>.
//   openai_chat        one POST per row {"model", "messages": [{"role": "user", "content": text}]}
//                      (a `system_prompt` goes first as a system message);
//                      choices[0].message.content → string.
//   json               POST {"model", "inputs": [texts]}; the answer is a JSON array with one
//                      entry per input (or, for a single input, one JSON value); `response_field`
//                      (a dotted path, digits index arrays: "result.score", "labels.0") is read
//                      from each entry → float64 (`response_type: float64`) or string.
// A row whose input is null is not sent; its output is null.
//
// Requests that fail with a connection error, a timeout, HTTP 429 or 5xx are retried
// `retry_count` times with exponential backoff (retry_backoff, doubled each time, at least the
// server's Retry-After up to 60 s). The rows of a
// request that still fails — or whose answer does not have the expected shape — go to
// error_output with the reason (HTTP status and the start of the answer body); the other rows of
// the batch go on.
//
// Thread-safety: Process() runs on several workers at once; each call drives its own libcurl
// multi handle, and one counter shared by all calls bounds the requests in flight.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "connectors/http/http_common.h"
#include "runtime/processor.h"
#include "runtime/registry.h"

struct curl_slist;

namespace ark {

enum class HttpModelApi { kOpenAiEmbeddings, kOpenAiChat, kJson };

struct HttpModelOptions {
  HttpModelApi api = HttpModelApi::kJson;
  std::string url;
  std::string model;                           // sent as "model" when not empty
  std::string input;                           // SQL expression, one text per row
  std::string output;                          // column to add
  std::string system_prompt;                   // openai_chat
  std::string response_field;                  // json: dotted path into each answer entry
  std::string response_type = "float64";       // json: float64 or string
  std::map<std::string, std::string> headers;  // extra request headers
  std::string auth_token;                      // "Authorization: Bearer <token>" when not empty
  int batch_size = 16;                         // rows per request (embeddings, json)
  int max_concurrency = 4;
  std::chrono::milliseconds timeout{30000};
  int retry_count = 3;
  std::chrono::milliseconds retry_backoff{100};
};

class HttpModelProcessor final : public Processor {
 public:
  static Result<std::unique_ptr<HttpModelProcessor>> Make(HttpModelOptions options);
  ~HttpModelProcessor() override;

  Status Process(Batch batch, ProcessOutput* out) override;

 private:
  struct Call;
  explicit HttpModelProcessor(HttpModelOptions options);

  HttpModelOptions options_;
  curl_slist* headers_ = nullptr;
  ConcurrencyLimit slots_;  // the shared bound on requests in flight
};

void RegisterHttpModelProcessor(Registry& registry);

}  // namespace ark
