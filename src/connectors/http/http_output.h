// `http` output: sends rows as HTTP requests with libcurl's multi interface (several requests in
// flight over reused connections).
//
// Bodies. Per row, the payload is: the codec's encoding of the row when `codec` is set; else the
// `body_field` column when set (string or binary); else `__value__` for raw messages; else the
// row as a JSON object (without `__meta_*` columns). `batch_format` decides how many requests:
//   row         one request per row (ArkFlow's behaviour; the default)
//   ndjson      one request per batch (per distinct URL), the payloads each followed by '\n'
//   json_array  one request per batch (per distinct URL), the payloads as a JSON array
// The URL is a template over the row's columns: `{name}` is replaced by the value of column
// `name` (strings as they are, other types as text, null as nothing), percent-encoded except for
// RFC 3986 unreserved characters; `{{` and `}}` stand for literal braces. Batched rows are grouped
// by their URL.
//
// Delivery. A request succeeds on a 2xx answer. Connection errors, timeouts, 429 and 5xx are
// retried `retry_count` times with exponential backoff (`retry_backoff` doubled each time, at
// least the server's Retry-After); another 4xx or 3xx is not retried. Write returns OK only when
// every request of the batch succeeded; Unavailable when some still fail after the retries (the
// runtime retries the batch, and requests that already succeeded are not sent again);
// InvalidArgument naming the URL, the status and the start of the answer when the server refused
// a request (the batch goes to error_output).
//
// Thread-safety: one writer thread (Output contract).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "connectors/http/http_common.h"
#include "runtime/output.h"
#include "runtime/registry.h"

namespace ark {

enum class HttpBatchFormat { kRow, kNdjson, kJsonArray };

// A parsed URL template: literal pieces and column references, alternating.
class UrlTemplate {
 public:
  // InvalidArgument for an unclosed '{' or an empty "{}".
  static Result<UrlTemplate> Parse(std::string_view text);

  bool constant() const { return columns_.empty(); }
  // The column names referenced, in order.
  const std::vector<std::string>& columns() const { return columns_; }
  // The URL of `row`; REQUIRES: `values[i]` is the column named columns()[i].
  void Render(std::span<const ColumnPtr> values, int64_t row, std::string* out) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> literals_;  // columns_.size() + 1 pieces
  std::vector<std::string> columns_;
};

// Appends `value` percent-encoded (everything but A-Z a-z 0-9 - . _ ~).
void AppendPercentEncoded(std::string_view value, std::string* out);

struct HttpOutputOptions {
  std::string url;
  std::string method = "POST";
  std::map<std::string, std::string> headers;
  HttpAuth auth;
  std::chrono::milliseconds timeout{30000};
  int retry_count = 3;
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds max_retry_backoff{10000};
  HttpBatchFormat batch_format = HttpBatchFormat::kRow;
  std::string body_field;
  int max_in_flight = 16;
  std::string tls_ca_file;
  bool tls_skip_verify = false;
};

class HttpOutput final : public Output {
 public:
  // `encoder`: the codec's (null: bodies as described above). `json_encoder`: encodes rows as
  // JSON objects when neither a codec, body_field nor `__value__` applies.
  HttpOutput(HttpOutputOptions options, UrlTemplate url, std::unique_ptr<Encoder> encoder,
             std::unique_ptr<Encoder> json_encoder);
  ~HttpOutput() override;

  Status Connect() override;
  Status Write(const Batch& batch) override;
  Status Close() override;

  // The implementation (curl handles); named here only for the .cc.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

void RegisterHttpOutput(Registry& registry);

}  // namespace ark
