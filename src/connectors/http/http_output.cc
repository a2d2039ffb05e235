#include "connectors/http/http_output.h"

#include <curl/curl.h>

#include <algorithm>
#include <unordered_map>

#include "connectors/common/batch_writer.h"
#include "connectors/common/codec_option.h"
#include "core/raw_message.h"

namespace ark {

// ---------------------------------------------------------------------------------------------
// URL templates

Result<UrlTemplate> UrlTemplate::Parse(std::string_view text) {
  UrlTemplate t;
  t.text_ = std::string(text);
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      ++i;
      continue;
    }
    if (c == '}') {
      return Status::InvalidArgument(
          "url \"{}\": '}}' at byte {} closes nothing (write }}}} for a "
          "literal brace)",
          text, i);
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument(
          "url \"{}\": '{{' at byte {} is not closed (write {{{{ for a literal brace)", text, i);
    }
    std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty()) {
      return Status::InvalidArgument("url \"{}\": empty column name \"{{}}\" at byte {}", text, i);
    }
    t.literals_.push_back(std::move(literal));
    literal.clear();
    t.columns_.emplace_back(name);
    i = close;
  }
  t.literals_.push_back(std::move(literal));
  return t;
}

void AppendPercentEncoded(std::string_view value, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      *out += ch;
    } else {
      *out += '%';
      *out += kHex[c >> 4];
      *out += kHex[c & 15];
    }
  }
}

void UrlTemplate::Render(std::span<const ColumnPtr> values, int64_t row, std::string* out) const {
  out->clear();
  for (size_t i = 0; i < columns_.size(); ++i) {
    *out += literals_[i];
    const Column& c = *values[i];
    if (c.IsNull(row)) continue;
    TypeId id = c.type().id();
    if (id == TypeId::kString || id == TypeId::kBinary) {
      AppendPercentEncoded(c.GetView(row), out);
    } else {
      AppendPercentEncoded(c.ValueToString(row), out);
    }
  }
  *out += literals_.back();
}

// ---------------------------------------------------------------------------------------------
// The client

namespace {

constexpr size_t kAnswerExcerpt = 512;

// One HTTP request of a Write.
struct Request {
  std::string url;
  std::string owned_body;
  std::string_view body;  // into owned_body or into the batch's payload column
  bool done = false;
  CurlAttempt last;    // the outcome of the last attempt
  std::string answer;  // the first kAnswerExcerpt bytes
};

size_t CollectAnswer(char* data, size_t size, size_t n, void* user) {
  auto* req = static_cast<Request*>(user);
  size_t bytes = size * n;
  if (req->answer.size() < kAnswerExcerpt) {
    req->answer.append(data, std::min(bytes, kAnswerExcerpt - req->answer.size()));
  }
  return bytes;
}

}  // namespace

struct HttpOutput::Impl {
  HttpOutputOptions options;
  UrlTemplate url;
  std::unique_ptr<Encoder> encoder;
  std::unique_ptr<Encoder> json_encoder;

  CurlMultiDriver driver;
  std::unique_ptr<ConcurrencyLimit> in_flight;
  curl_slist* headers = nullptr;

  // The batch of the last Write that failed retryably, and which of its requests succeeded:
  // the runtime retries the same batch, and those are not sent again.
  std::vector<ColumnPtr> failed_columns;
  int64_t failed_rows = -1;
  std::vector<bool> failed_done;

  Result<ColumnPtr> Payloads(const Batch& batch);
  Status BuildRequests(const Batch& batch, std::vector<Request>* out);
  void Start(Request* req, CURL* easy);
  Status Run(std::vector<Request>& requests);
  std::string Describe(const Request& req) const;
  void Cleanup();
};

Result<ColumnPtr> HttpOutput::Impl::Payloads(const Batch& batch) {
  if (encoder != nullptr) return encoder->EncodeMessages(batch);
  if (!options.body_field.empty()) {
    ARK_ASSIGN_OR_RETURN(ColumnPtr c, batch.GetColumn(options.body_field));
    TypeId id = c->type().id();
    if (id != TypeId::kString && id != TypeId::kBinary) {
      return Status::TypeError("http output: body_field \"{}\" is {}, expected string or binary",
                               options.body_field, c->type().ToString());
    }
    return c;
  }
  if (ColumnPtr raw = RawValueColumn(batch)) return raw;
  return json_encoder->EncodeMessages(batch.DropColumns(IsMetaColumn));
}

Status HttpOutput::Impl::BuildRequests(const Batch& batch, std::vector<Request>* out) {
  out->clear();
  int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();
  ARK_ASSIGN_OR_RETURN(ColumnPtr payloads, Payloads(batch));
  std::vector<ColumnPtr> url_columns;
  for (const std::string& name : url.columns()) {
    Result<ColumnPtr> c = batch.GetColumn(name);
    if (!c.ok()) return c.status().WithContext(fmt::format("http output url \"{}\"", url.text()));
    url_columns.push_back(std::move(c).value());
  }
  std::string rendered;
  auto url_of = [&](int64_t row) -> const std::string& {
    url.Render(url_columns, row, &rendered);
    return rendered;
  };
  auto payload = [&](int64_t row) -> std::string_view {
    return payloads->IsNull(row) ? std::string_view() : payloads->GetView(row);
  };
  if (payloads->length() != rows) {
    // A codec that cannot split a batch into rows (arrow): one request with all of it.
    Request& r = out->emplace_back();
    r.url = url_of(0);
    r.owned_body.assign(payloads->GetView(0));
    r.body = r.owned_body;
    return Status::OK();
  }
  if (options.batch_format == HttpBatchFormat::kRow) {
    out->resize(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) {
      Request& r = (*out)[static_cast<size_t>(i)];
      r.url = url_of(i);
      r.body = payload(i);  // the column outlives the Write
    }
    return Status::OK();
  }
  // Batched bodies, one per distinct URL, rows in order.
  std::unordered_map<std::string, size_t> by_url;
  const bool array = options.batch_format == HttpBatchFormat::kJsonArray;
  for (int64_t i = 0; i < rows; ++i) {
    const std::string& u = url_of(i);
    auto [it, inserted] = by_url.try_emplace(u, out->size());
    if (inserted) {
      Request& r = out->emplace_back();
      r.url = u;
      if (array) r.owned_body = "[";
    }
    Request& r = (*out)[it->second];
    if (array && r.owned_body.size() > 1) r.owned_body += ',';
    r.owned_body += payload(i);
    if (!array) r.owned_body += '\n';
  }
  for (Request& r : *out) {
    if (array) r.owned_body += ']';
    r.body = r.owned_body;
  }
  return Status::OK();
}

void HttpOutput::Impl::Start(Request* req, CURL* easy) {
  req->answer.clear();
  curl_easy_setopt(easy, CURLOPT_URL, req->url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, CollectAnswer);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, req);
  if (!options.tls_ca_file.empty())
    curl_easy_setopt(easy, CURLOPT_CAINFO, options.tls_ca_file.c_str());
  if (options.tls_skip_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (options.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req->body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body.data());
    if (options.method != "POST") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, options.method.c_str());
    }
  }
}

std::string HttpOutput::Impl::Describe(const Request& req) const {
  const CurlAttempt& a = req.last;
  std::string attempts = a.attempts == 1 ? "1 attempt" : fmt::format("{} attempts", a.attempts);
  if (a.code != CURLE_OK) {
    return fmt::format("http output: {} {} failed after {}: {}", options.method, req.url, attempts,
                       a.error);
  }
  return fmt::format("http output: {} {} answered HTTP {} after {}{}{}", options.method, req.url,
                     a.status, attempts, req.answer.empty() ? "" : ": ", req.answer);
}

Status HttpOutput::Impl::Run(std::vector<Request>& requests) {
  std::vector<size_t> pending;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!requests[i].done) pending.push_back(i);
  }
  const Request* refused = nullptr;  // first non-retryable failure
  const Request* failed = nullptr;   // first request out of retries
  RetryBackoff backoff{.initial = options.retry_backoff,
                       .max = options.max_retry_backoff,
                       .max_retry_after = std::chrono::seconds::max()};
  driver.Run(
      pending, *in_flight, options.timeout, backoff,
      [&](size_t i, void* easy) { Start(&requests[i], static_cast<CURL*>(easy)); },
      [&](size_t i, const CurlAttempt& a) {
        Request& req = requests[i];
        req.last = a;
        if (a.Succeeded()) {
          req.done = true;
          return false;
        }
        if (!a.Retryable()) {
          if (refused == nullptr) refused = &req;
          return false;
        }
        if (a.attempts > options.retry_count) {
          if (failed == nullptr) failed = &req;
          return false;
        }
        return true;
      });
  if (refused != nullptr) return Status::InvalidArgument("{}", Describe(*refused));
  if (failed != nullptr) return Status::Unavailable("{}", Describe(*failed));
  return Status::OK();
}

void HttpOutput::Impl::Cleanup() {
  driver.Close();
  if (headers != nullptr) curl_slist_free_all(headers);
  headers = nullptr;
}

HttpOutput::HttpOutput(HttpOutputOptions options, UrlTemplate url, std::unique_ptr<Encoder> encoder,
                       std::unique_ptr<Encoder> json_encoder)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.max_in_flight < 1) impl_->options.max_in_flight = 1;
  impl_->in_flight = std::make_unique<ConcurrencyLimit>(impl_->options.max_in_flight);
  impl_->url = std::move(url);
  impl_->encoder = std::move(encoder);
  impl_->json_encoder = std::move(json_encoder);
}

HttpOutput::~HttpOutput() { impl_->Cleanup(); }

Status HttpOutput::Connect() {
  Impl& s = *impl_;
  if (s.driver.initialized()) return Status::OK();
  ARK_RETURN_IF_ERROR(s.driver.Init("http output"));
  bool has_content_type = false;
  bool has_auth = false;
  for (const auto& [name, value] : s.options.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    has_content_type |= lower == "content-type";
    has_auth |= lower == "authorization";
    s.headers = curl_slist_append(s.headers, fmt::format("{}: {}", name, value).c_str());
  }
  if (!has_content_type) {
    s.headers = curl_slist_append(s.headers, s.options.batch_format == HttpBatchFormat::kNdjson
                                                 ? "Content-Type: application/x-ndjson"
                                                 : "Content-Type: application/json");
  }
  if (!has_auth && !s.options.auth.header.empty()) {
    s.headers = curl_slist_append(s.headers, ("Authorization: " + s.options.auth.header).c_str());
  }
  // No "Expect: 100-continue" round trip before larger bodies.
  s.headers = curl_slist_append(s.headers, "Expect:");
  return Status::OK();
}

Status HttpOutput::Write(const Batch& batch) {
  Impl& s = *impl_;
  ARK_RETURN_IF_ERROR(Connect());
  std::vector<Request> requests;
  ARK_RETURN_IF_ERROR(s.BuildRequests(batch, &requests));
  bool same = s.failed_rows == batch.num_rows() && s.failed_columns == batch.columns() &&
              s.failed_done.size() == requests.size();
  if (same) {
    for (size_t i = 0; i < requests.size(); ++i) requests[i].done = s.failed_done[i];
  }
  Status st = s.Run(requests);
  if (st.IsRetryable()) {
    s.failed_columns = batch.columns();
    s.failed_rows = batch.num_rows();
    s.failed_done.assign(requests.size(), false);
    for (size_t i = 0; i < requests.size(); ++i) s.failed_done[i] = requests[i].done;
  } else {
    s.failed_columns.clear();
    s.failed_rows = -1;
    s.failed_done.clear();
  }
  return st;
}

Status HttpOutput::Close() {
  impl_->Cleanup();
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Registration

namespace {

ConfigSpec HttpOutputSpec() {
  ConfigSpec spec(
      "Sends rows as HTTP requests (libcurl, several in flight). The body of a row is its codec "
      "encoding, the `body_field` column, `__value__`, or else the row as a JSON object. "
      "`batch_format` sends one request per row or one NDJSON / JSON-array body per batch. "
      "Connection errors, timeouts, 429 and 5xx are retried `retry_count` times with exponential "
      "backoff; other 4xx are not. A batch is acknowledged only when every request got a 2xx.");
  spec.String("url",
              "Destination URL; `{column}` is replaced by the row's value of that column "
              "(percent-encoded); `{{` and `}}` are literal braces.")
      .Required();
  spec.String("method", "HTTP method.")
      .Default("POST")
      .OneOf({"GET", "POST", "PUT", "PATCH", "DELETE"});
  spec.StringMap("headers",
                 "Extra request headers. Content-Type defaults to application/json "
                 "(application/x-ndjson for batch_format ndjson).");
  AddHttpAuthOption(spec, "Credentials sent in the Authorization header.");
  spec.Duration("timeout", "Timeout of one request attempt.").Default("30s");
  spec.Int("timeout_ms", "ArkFlow's spelling of `timeout`, in milliseconds; overrides it.").Min(1);
  spec.Int("retry_count", "Retries of a failed request (connection error, timeout, 429, 5xx).")
      .Default("3")
      .Min(0);
  spec.Duration("retry_backoff", "Delay before the first retry; doubled for each further one.")
      .Default("100ms");
  spec.Duration("max_retry_backoff", "Longest delay between retries.").Default("10s");
  spec.String("batch_format",
              "`row`: one request per row; `ndjson`: one request per batch (and URL) with one "
              "line per row; `json_array`: one request per batch (and URL) with a JSON array.")
      .Default("row")
      .OneOf({"row", "ndjson", "json_array"});
  spec.String("body_field", "A string/binary column whose value is the body of each row.");
  spec.Int("max_in_flight", "Most requests in flight at once.").Default("16").Min(1);
  ConfigSpec tls("TLS settings for https URLs.");
  tls.String("ca_file", "PEM file of the certificate authorities to trust.");
  tls.Bool("skip_verify", "Do not verify the server's certificate (testing only).")
      .Default("false");
  spec.Object("tls", "TLS settings for https URLs.", std::move(tls));
  AddCodecOption(spec, "Encodes each row with this codec ({type: json|csv|arrow}).");
  return spec;
}

}  // namespace

void RegisterHttpOutput(Registry& registry) {
  registry.AddOutput(
      {.name = "http",
       .summary = "Sends rows as HTTP requests, one per row or batched, with retries.",
       .spec = HttpOutputSpec(),
       .example = "output:\n  type: http\n  url: http://localhost:8080/devices/{device}\n  "
                  "method: POST\n  batch_format: ndjson\n  retry_count: 3\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Output>> {
        HttpOutputOptions o;
        o.url = cfg.GetString("url");
        Result<UrlTemplate> url = UrlTemplate::Parse(o.url);
        if (!url.ok()) return cfg.NodeOf("url").Error(url.status().message());
        o.method = cfg.GetString("method");
        if (cfg.Has("headers")) o.headers = cfg.GetStringMap("headers");
        ARK_ASSIGN_OR_RETURN(o.auth, ReadHttpAuth(cfg));
        o.timeout =
            std::chrono::duration_cast<std::chrono::milliseconds>(cfg.GetDuration("timeout"));
        if (cfg.IsSet("timeout_ms"))
          o.timeout = std::chrono::milliseconds(cfg.GetInt("timeout_ms"));
        if (o.timeout.count() < 1) o.timeout = std::chrono::milliseconds(1);
        o.retry_count = static_cast<int>(std::min<int64_t>(cfg.GetInt("retry_count"), 1000));
        o.retry_backoff =
            std::chrono::duration_cast<std::chrono::milliseconds>(cfg.GetDuration("retry_backoff"));
        o.max_retry_backoff = std::chrono::duration_cast<std::chrono::milliseconds>(
            cfg.GetDuration("max_retry_backoff"));
        std::string format = cfg.GetString("batch_format");
        o.batch_format = format == "ndjson"       ? HttpBatchFormat::kNdjson
                         : format == "json_array" ? HttpBatchFormat::kJsonArray
                                                  : HttpBatchFormat::kRow;
        if (cfg.IsSet("body_field")) o.body_field = cfg.GetString("body_field");
        o.max_in_flight = static_cast<int>(std::min<int64_t>(cfg.GetInt("max_in_flight"), 1024));
        if (cfg.IsSet("tls")) {
          ComponentConfig tls = cfg.GetObject("tls");
          if (tls.IsSet("ca_file")) o.tls_ca_file = tls.GetString("ca_file");
          o.tls_skip_verify = tls.GetBool("skip_verify");
        }
        std::unique_ptr<Encoder> encoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(encoder, MakeCodecEncoder(*codec, ctx));
        }
        ARK_ASSIGN_OR_RETURN(std::unique_ptr<Encoder> json,
                             MakeCodecEncoder(MakeCodecNode("json", cfg.node()), ctx));
        return std::make_unique<HttpOutput>(std::move(o), std::move(url).value(),
                                            std::move(encoder), std::move(json));
      });
}

}  // namespace ark
