// The only translation unit of the `http` input that includes Boost.Beast (slow to compile).
#include "connectors/http/http_input.h"

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "base/time.h"
#include "connectors/common/codec_option.h"
#include "connectors/http/json_body.h"
#include "core/column_builder.h"
#include "core/raw_message.h"

namespace ark {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::string_view kRemoteAddrColumn = "__meta_remote_addr";
constexpr size_t kHeaderLimit = 64 << 10;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// "__meta_header_" + the header name in lower case with '-' as '_'.
std::string HeaderColumnName(std::string_view header) {
  std::string name = "__meta_header_";
  for (char c : header) {
    name += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

// JSON string literal of `text` (for error bodies).
std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
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
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// The response to one request, written by its session.
struct Answer {
  http::status status = http::status::ok;
  std::string body;
  bool retry_after = false;   // add Retry-After
  std::string_view www_auth;  // WWW-Authenticate value, for 401
  std::string_view allow;     // Allow value, for 405
  bool preflight = false;     // CORS preflight answer
  std::string allow_headers;  // echoed Access-Control-Request-Headers
};

Answer ErrorAnswer(http::status status, std::string_view message) {
  return Answer{.status = status, .body = fmt::format("{{\"error\":{}}}", JsonQuote(message))};
}

// A connection, as the request handler sees it: answer the current request.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Send(Answer answer) = 0;
};

// What a request handed to the queue waits for: called once, with whether its rows were taken by
// the pipeline (200) or dropped at shutdown (503). Runs on the reader thread; posts to the server.
using Waiter = std::function<void(bool taken)>;

// Raw-message columns of a chunk.
struct RawColumns {
  BinaryBuilder value;
  StringBuilder source;
  StringBuilder remote;
  Int64Builder ingest{DataType::Timestamp()};
  std::vector<std::unique_ptr<StringBuilder>> headers;
};

// Whole requests that Read hands on together: at most about batch_size rows, one schema.
struct Chunk {
  std::unique_ptr<RawColumns> raw;  // raw mode
  std::vector<Batch> batches;       // codec mode, equal schemas
  int64_t rows = 0;
  size_t bytes = 0;
  std::vector<Waiter> waiters;
};

}  // namespace

struct HttpInput::Impl {
  HttpInputOptions options;
  DecoderFactory decoder_factory;
  bool reuse_decoder = true;
  std::vector<std::string> header_columns;

  // Used on the server thread only.
  JsonBodySplitter splitter;
  JsonRecords records;
  std::unique_ptr<Decoder> decoder;

  asio::io_context ioc{1};
  std::optional<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
  std::atomic<int> port{0};
  std::atomic<int> writes_in_flight{0};
  std::atomic<bool> stopping{false};
  bool started = false;  // reader thread only

  std::mutex mu;
  std::condition_variable_any cv;
  std::deque<Chunk> chunks;  // GUARDED_BY(mu)
  size_t queued_bytes = 0;   // GUARDED_BY(mu)
  bool closed = false;       // GUARDED_BY(mu)

  void Accept();
  void Handle(const Request& req, const std::string& remote, std::shared_ptr<SessionBase> session);
  Answer Enqueue(const Request& req, std::string_view path, const std::string& remote,
                 std::shared_ptr<SessionBase> session);
  // Decodes `body` with the codec; InvalidArgument with the first bad record's position.
  Result<Batch> DecodeBody(std::string_view body);
  // Appends the parsed request to the newest chunk (or a new one). REQUIRES: mu held.
  void AppendRaw(const Request& req, std::string_view path, const std::string& remote,
                 int64_t now_us, Waiter waiter);
  void AppendBatch(Batch batch, size_t bytes, Waiter waiter);
  Batch FinishRaw(RawColumns& raw, int64_t rows) const;
  void StopServer();
};

namespace {

// One HTTP connection over `Stream` (beast::tcp_stream or beast::ssl_stream of it): read a
// request, hand it to the input, write the answer, repeat while keep-alive.
template <typename Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <typename... Args>
  Session(HttpInput::Impl* impl, std::string remote, Args&&... stream_args)
      : impl_(impl), remote_(std::move(remote)), stream_(std::forward<Args>(stream_args)...) {}

  void Run() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(impl_->options.idle_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Shutdown();
                                self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

  void Send(Answer a) override {
    Response& res = response_;
    res = Response(a.status, version_);
    res.set(http::field::server, "arkflow");
    res.set(http::field::content_type, "application/json");
    if (impl_->options.cors_enabled) {
      res.set(http::field::access_control_allow_origin, "*");
      if (a.preflight) {
        res.set(http::field::access_control_allow_methods, "POST, PUT, OPTIONS");
        res.set(http::field::access_control_allow_headers,
                a.allow_headers.empty() ? "Content-Type, Authorization" : a.allow_headers);
        res.set(http::field::access_control_max_age, "86400");
      }
    }
    if (a.retry_after) {
      res.set(http::field::retry_after, std::to_string(impl_->options.retry_after.count()));
    }
    if (!a.www_auth.empty()) {
      res.set(http::field::www_authenticate,
              beast::string_view(a.www_auth.data(), a.www_auth.size()));
    }
    if (!a.allow.empty())
      res.set(http::field::allow, beast::string_view(a.allow.data(), a.allow.size()));
    res.body() = std::move(a.body);
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    impl_->writes_in_flight.fetch_add(1);
    beast::get_lowest_layer(stream_).expires_after(impl_->options.idle_timeout);
    http::async_write(stream_, res,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        self->impl_->writes_in_flight.fetch_sub(1);
                        if (ec || !self->keep_alive_) return self->Shutdown();
                        self->ReadHeader();
                      });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(impl_->options.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_after(impl_->options.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // curl waits for this before sending a larger body.
      continue_.emplace(http::status::continue_, version_);
      http::async_write(stream_, *continue_,
                        [self = this->shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->Shutdown();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    beast::get_lowest_layer(stream_).expires_after(impl_->options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    // No timeout while the request waits for the pipeline.
    beast::get_lowest_layer(stream_).expires_never();
    impl_->Handle(parser_->get(), remote_, this->shared_from_this());
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;  // the rest of the body is not read
      Send(ErrorAnswer(http::status::payload_too_large,
                       fmt::format("the body is longer than max_body_bytes ({} bytes)",
                                   impl_->options.max_body_bytes)));
      return;
    }
    if (ec == http::error::header_limit) {
      keep_alive_ = false;
      Send(ErrorAnswer(http::status::request_header_fields_too_large,
                       "the request header is longer than 64 KiB"));
      return;
    }
    Shutdown();
  }

  void Shutdown() {
    beast::error_code ec;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().close(ignored);
      });
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  HttpInput::Impl* impl_;
  std::string remote_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  Response response_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
};

}  // namespace

void HttpInput::Impl::Accept() {
  acceptor->async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // closed by Close()
    if (!ec) {
      beast::error_code ep_ec;
      tcp::endpoint ep = socket.remote_endpoint(ep_ec);
      std::string remote = ep_ec ? std::string("unknown")
                                 : fmt::format("{}:{}", ep.address().to_string(), ep.port());
      socket.set_option(tcp::no_delay(true), ep_ec);
      if (tls) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(this, std::move(remote),
                                                                        std::move(socket), *tls)
            ->Run();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(this, std::move(remote), std::move(socket))
            ->Run();
      }
    }
    Accept();
  });
}

void HttpInput::Impl::Handle(const Request& req, const std::string& remote,
                             std::shared_ptr<SessionBase> session) {
  std::string_view target = View(req.target());
  std::string_view path = target.substr(0, target.find('?'));
  if (path != options.path) {
    return session->Send(ErrorAnswer(http::status::not_found,
                                     fmt::format("no such path; POST to {}", options.path)));
  }
  if (req.method() == http::verb::options && options.cors_enabled) {
    Answer a{.status = http::status::no_content, .preflight = true};
    a.allow_headers = std::string(View(req[http::field::access_control_request_headers]));
    return session->Send(std::move(a));
  }
  if (req.method() != http::verb::post && req.method() != http::verb::put) {
    Answer a = ErrorAnswer(http::status::method_not_allowed, "use POST or PUT");
    a.allow = options.cors_enabled ? "POST, PUT, OPTIONS" : "POST, PUT";
    return session->Send(std::move(a));
  }
  if (options.auth.type != HttpAuthType::kNone &&
      !ConstantTimeEquals(View(req[http::field::authorization]), options.auth.header)) {
    Answer a = ErrorAnswer(http::status::unauthorized, "missing or wrong credentials");
    a.www_auth = options.auth.type == HttpAuthType::kBasic ? "Basic realm=\"arkflow\""
                                                           : "Bearer realm=\"arkflow\"";
    return session->Send(std::move(a));
  }
  Answer a = Enqueue(req, path, remote, session);
  // OK answers are sent when the pipeline takes the rows.
  if (a.status != http::status::ok || !a.body.empty()) session->Send(std::move(a));
}

Answer HttpInput::Impl::Enqueue(const Request& req, std::string_view path,
                                const std::string& remote, std::shared_ptr<SessionBase> session) {
  auto overloaded = [&] {
    Answer a = ErrorAnswer(http::status::too_many_requests,
                           "the pipeline is behind; retry after the Retry-After delay");
    a.retry_after = true;
    return a;
  };
  auto shutting_down = [&] {
    Answer a = ErrorAnswer(http::status::service_unavailable, "the input is shutting down");
    a.retry_after = true;
    return a;
  };
  const std::string& body = req.body();
  // Cheap refusal before parsing; checked again when appending.
  {
    std::lock_guard lock(mu);
    if (closed) return shutting_down();
    if (queued_bytes > 0 && queued_bytes + body.size() > options.max_buffered_bytes) {
      return overloaded();
    }
  }
  int64_t now_us = NowMicros();
  // Runs on the reader thread: answer on the server thread.
  auto make_waiter = [this, session](int64_t rows) -> Waiter {
    return [this, session, rows](bool taken) {
      asio::post(ioc, [session, rows, taken] {
        if (taken) {
          session->Send(Answer{.body = fmt::format("{{\"accepted\":{}}}", rows)});
        } else {
          Answer a = ErrorAnswer(http::status::service_unavailable,
                                 "the input shut down before the rows were taken");
          a.retry_after = true;
          session->Send(std::move(a));
        }
      });
    };
  };
  if (!decoder_factory) {
    if (Status st = splitter.Split(body, &records); !st.ok()) {
      return ErrorAnswer(http::status::bad_request, st.message());
    }
    int64_t rows = static_cast<int64_t>(records.records.size());
    if (rows == 0) return Answer{.body = "{\"accepted\":0}"};
    std::lock_guard lock(mu);
    if (closed) return shutting_down();
    if (queued_bytes > 0 && queued_bytes + body.size() > options.max_buffered_bytes) {
      return overloaded();
    }
    AppendRaw(req, path, remote, now_us, make_waiter(rows));
    queued_bytes += body.size();
  } else {
    Result<Batch> decoded = DecodeBody(body);
    if (!decoded.ok()) return ErrorAnswer(http::status::bad_request, decoded.status().message());
    Batch batch = std::move(decoded).value();
    int64_t rows = batch.num_rows();
    if (rows == 0) return Answer{.body = "{\"accepted\":0}"};
    // Metadata columns, constant per request.
    auto constant = [rows](std::string_view v) {
      StringBuilder b;
      b.Reserve(rows);
      for (int64_t i = 0; i < rows; ++i) b.Append(v);
      return b.Finish();
    };
    std::vector<std::pair<Field, ColumnPtr>> meta;
    meta.emplace_back(Field(std::string(kMetaSource), DataType::String()), constant(path));
    meta.emplace_back(Field(std::string(kRemoteAddrColumn), DataType::String()), constant(remote));
    Int64Builder ingest(DataType::Timestamp());
    ingest.Reserve(rows);
    for (int64_t i = 0; i < rows; ++i) ingest.Append(now_us);
    meta.emplace_back(Field(std::string(kMetaIngestTime), DataType::Timestamp()), ingest.Finish());
    for (size_t h = 0; h < options.metadata_headers.size(); ++h) {
      auto it = req.find(options.metadata_headers[h]);
      StringBuilder b;
      b.Reserve(rows);
      for (int64_t i = 0; i < rows; ++i) {
        if (it == req.end()) {
          b.AppendNull();
        } else {
          b.Append(View(it->value()));
        }
      }
      meta.emplace_back(Field(header_columns[h], DataType::String()), b.Finish());
    }
    for (auto& [field, column] : meta) {
      Result<Batch> with = batch.SetColumn(field, std::move(column));
      if (!with.ok())
        return ErrorAnswer(http::status::internal_server_error, with.status().message());
      batch = std::move(with).value();
    }
    std::lock_guard lock(mu);
    if (closed) return shutting_down();
    if (queued_bytes > 0 && queued_bytes + body.size() > options.max_buffered_bytes) {
      return overloaded();
    }
    AppendBatch(std::move(batch), body.size(), make_waiter(rows));
    queued_bytes += body.size();
  }
  cv.notify_one();
  return Answer{};  // answered later
}

Result<Batch> HttpInput::Impl::DecodeBody(std::string_view body) {
  std::unique_ptr<Decoder> fresh;
  Decoder* d = decoder.get();
  if (!reuse_decoder || d == nullptr) {
    ARK_ASSIGN_OR_RETURN(fresh, decoder_factory());
    d = fresh.get();
    if (reuse_decoder) {
      decoder = std::move(fresh);
      d = decoder.get();
    }
  }
  auto first_error = [&](const DecodeResult& r) {
    const RecordError& e = r.errors.front();
    std::string more = r.errors.size() > 1
                           ? fmt::format(" (and {} more bad records)", r.errors.size() - 1)
                           : std::string();
    return Status::InvalidArgument("line {}, byte {}: {}{}", e.line, e.byte_offset, e.message,
                                   more);
  };
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Batch();
  bool lines = reuse_decoder;  // json: NDJSON, a multi-line object or an array
  if (lines && body[first] == '[') {
    std::string_view payload = body;
    ARK_ASSIGN_OR_RETURN(DecodeResult r, d->DecodeMessages(*MakeRawBatch({&payload, 1}).column(0)));
    if (!r.errors.empty()) return first_error(r);
    return std::move(r.batch);
  }
  ARK_ASSIGN_OR_RETURN(DecodeResult r, d->DecodeChunk(body, ChunkPosition{}));
  if (r.errors.empty()) return std::move(r.batch);
  if (lines) {
    // Perhaps one object spread over several lines.
    std::string_view payload = body;
    ARK_ASSIGN_OR_RETURN(DecodeResult whole,
                         d->DecodeMessages(*MakeRawBatch({&payload, 1}).column(0)));
    if (whole.errors.empty()) return std::move(whole.batch);
  }
  return first_error(r);
}

void HttpInput::Impl::AppendRaw(const Request& req, std::string_view path,
                                const std::string& remote, int64_t now_us, Waiter waiter) {
  if (chunks.empty() || chunks.back().rows >= options.batch_size) {
    Chunk c;
    c.raw = std::make_unique<RawColumns>();
    for (size_t h = 0; h < options.metadata_headers.size(); ++h) {
      c.raw->headers.push_back(std::make_unique<StringBuilder>());
    }
    chunks.push_back(std::move(c));
  }
  Chunk& c = chunks.back();
  RawColumns& raw = *c.raw;
  int64_t rows = static_cast<int64_t>(records.records.size());
  raw.value.Reserve(rows);
  raw.source.Reserve(rows);
  raw.remote.Reserve(rows);
  raw.ingest.Reserve(rows);
  for (std::string_view r : records.records) {
    raw.value.Append(r);
    raw.source.Append(path);
    raw.remote.Append(remote);
    raw.ingest.Append(now_us);
  }
  for (size_t h = 0; h < options.metadata_headers.size(); ++h) {
    auto it = req.find(options.metadata_headers[h]);
    StringBuilder& b = *raw.headers[h];
    b.Reserve(rows);
    for (int64_t i = 0; i < rows; ++i) {
      if (it == req.end()) {
        b.AppendNull();
      } else {
        b.Append(View(it->value()));
      }
    }
  }
  c.rows += rows;
  c.bytes += req.body().size();
  c.waiters.push_back(std::move(waiter));
}

void HttpInput::Impl::AppendBatch(Batch batch, size_t bytes, Waiter waiter) {
  if (chunks.empty() || chunks.back().rows >= options.batch_size ||
      !chunks.back().batches.front().schema()->Equals(*batch.schema())) {
    chunks.emplace_back();
  }
  Chunk& c = chunks.back();
  c.rows += batch.num_rows();
  c.bytes += bytes;
  c.batches.push_back(std::move(batch));
  c.waiters.push_back(std::move(waiter));
}

Batch HttpInput::Impl::FinishRaw(RawColumns& raw, int64_t rows) const {
  std::vector<Field> fields = {Field(std::string(kValueColumn), DataType::Binary()),
                               Field(std::string(kMetaSource), DataType::String()),
                               Field(std::string(kRemoteAddrColumn), DataType::String()),
                               Field(std::string(kMetaIngestTime), DataType::Timestamp())};
  std::vector<ColumnPtr> columns = {raw.value.Finish(), raw.source.Finish(), raw.remote.Finish(),
                                    raw.ingest.Finish()};
  for (size_t h = 0; h < raw.headers.size(); ++h) {
    fields.emplace_back(header_columns[h], DataType::String());
    columns.push_back(raw.headers[h]->Finish());
  }
  return Batch(Schema::Make(std::move(fields)), std::move(columns), rows);
}

void HttpInput::Impl::StopServer() {
  if (!thread.joinable()) return;
  // Let the server write the answers already posted (503s at shutdown), briefly.
  std::promise<void> drained;
  std::future<void> posted = drained.get_future();
  asio::post(ioc, [&] {
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    drained.set_value();
  });
  posted.wait_for(std::chrono::seconds(2));
  int64_t deadline = MonotonicMicros() + 1'000'000;
  while (writes_in_flight.load() > 0 && MonotonicMicros() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ioc.stop();
  thread.join();
  port.store(0);
}

HttpInput::HttpInput(HttpInputOptions options, DecoderFactory decoder_factory, bool reuse_decoder)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.batch_size < 1) impl_->options.batch_size = 1;
  impl_->decoder_factory = std::move(decoder_factory);
  impl_->reuse_decoder = reuse_decoder;
  for (const std::string& h : impl_->options.metadata_headers) {
    impl_->header_columns.push_back(HeaderColumnName(h));
  }
}

HttpInput::~HttpInput() { (void)Close(); }

Status HttpInput::Connect() {
  Impl& s = *impl_;
  if (s.started) return Status::OK();
  const std::string& address = s.options.address;
  ARK_ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(address, "http input address"));
  if (!s.options.tls_cert_file.empty()) {
    ssl::context ctx(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    ctx.use_certificate_chain_file(s.options.tls_cert_file, ec);
    if (ec) {
      return Status::InvalidArgument("http input: cannot load the TLS certificate \"{}\": {}",
                                     s.options.tls_cert_file, ec.message());
    }
    ctx.use_private_key_file(s.options.tls_key_file, ssl::context::pem, ec);
    if (ec) {
      return Status::InvalidArgument("http input: cannot load the TLS private key \"{}\": {}",
                                     s.options.tls_key_file, ec.message());
    }
    s.tls.emplace(std::move(ctx));
  }
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto endpoints = resolver.resolve(hp.host, std::to_string(hp.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Status::IoError("http input: cannot listen on \"{}\": cannot resolve \"{}\": {}",
                           address, hp.host, ec ? ec.message() : "no address");
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor acceptor(s.ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  tcp::endpoint bound;
  if (!ec) bound = acceptor.local_endpoint(ec);
  if (ec) return Status::IoError("http input: cannot listen on \"{}\": {}", address, ec.message());
  s.port.store(bound.port());
  s.acceptor.emplace(std::move(acceptor));
  s.started = true;
  s.Accept();
  s.thread = std::thread([&s] {
    pthread_setname_np(pthread_self(), "ark-http-in");
    s.ioc.run();
  });
  spdlog::info("http input listening on {}://{}:{}{}", s.tls ? "https" : "http",
               bound.address().to_string(), bound.port(), s.options.path);
  return Status::OK();
}

Result<InputBatch> HttpInput::Read(std::stop_token stop) {
  Impl& s = *impl_;
  Chunk chunk;
  {
    std::unique_lock lock(s.mu);
    s.cv.wait(lock, stop, [&] { return !s.chunks.empty() || s.closed; });
    if (s.chunks.empty()) return Status::Cancelled("http input stopped");
    chunk = std::move(s.chunks.front());
    s.chunks.pop_front();
    s.queued_bytes -= chunk.bytes;
  }
  Batch batch;
  if (chunk.raw) {
    batch = s.FinishRaw(*chunk.raw, chunk.rows);
  } else if (chunk.batches.size() == 1) {
    batch = std::move(chunk.batches.front());
  } else {
    Result<Batch> all = ConcatBatches(chunk.batches);
    if (!all.ok()) {
      for (Waiter& w : chunk.waiters) w(false);
      return all.status().WithContext("http input");
    }
    batch = std::move(all).value();
  }
  // The rows are the runtime's now; a shutdown from here on drains them to the outputs.
  for (Waiter& w : chunk.waiters) w(true);
  return InputBatch{std::move(batch), AckToken(), std::nullopt};
}

Status HttpInput::Close() {
  Impl& s = *impl_;
  std::deque<Chunk> left;
  {
    std::lock_guard lock(s.mu);
    if (s.closed && !s.thread.joinable()) return Status::OK();
    s.closed = true;
    left.swap(s.chunks);
    s.queued_bytes = 0;
  }
  s.cv.notify_all();
  for (Chunk& c : left) {
    for (Waiter& w : c.waiters) w(false);
  }
  s.StopServer();
  return Status::OK();
}

int HttpInput::port() const { return impl_->port.load(); }

// ---------------------------------------------------------------------------------------------
// Registration

namespace {

ConfigSpec HttpInputSpec() {
  ConfigSpec spec(
      "An HTTP server: POST (or PUT) requests on `path` carry rows. A body is one JSON object, a "
      "JSON array of objects or NDJSON (with a `codec`: what that codec reads). Without a codec "
      "each object is one raw message (`__value__`). A request is answered 200 {\"accepted\":N} "
      "once its rows were handed to the pipeline, 400 with the parse error (line, byte) for a bad "
      "body, 401 for missing or wrong credentials, 413 for a body over `max_body_bytes`, 429 with "
      "Retry-After while `max_buffered_bytes` of accepted bodies wait for a slow pipeline, and 503 "
      "with Retry-After during shutdown. Rows carry `__meta_source` (the path), "
      "`__meta_remote_addr` (client ip:port), `__meta_ingest_time` and the `metadata_headers`.");
  spec.String("address", "Listen address host:port (\"0.0.0.0:8080\"); port 0 picks a free port.")
      .Required();
  spec.String("path", "The path that accepts rows (\"/data\"); other paths answer 404.").Required();
  spec.Bool("cors_enabled",
            "Answer CORS preflights (OPTIONS) and allow every origin (Access-Control-Allow-Origin: "
            "*).")
      .Default("false");
  AddHttpAuthOption(spec,
                    "Credentials every request must carry in its Authorization header; others "
                    "get 401. Compared in constant time.");
  ConfigSpec tls("HTTPS: the server's certificate and key (PEM).");
  tls.String("cert_file", "PEM certificate chain file.").Required();
  tls.String("key_file", "PEM private key file.").Required();
  spec.Object("tls", "Serve HTTPS with this certificate and key; unset: plain HTTP.",
              std::move(tls));
  AddCodecOption(spec,
                 "Decodes bodies with this codec ({type: json|csv|arrow, ...}); unset: one raw "
                 "JSON message (`__value__`) per object.");
  spec.Int("batch_size",
           "Most rows per batch handed to the pipeline (whole requests: a larger request is one "
           "batch).")
      .Default("8192")
      .Min(1);
  spec.ByteSize("max_buffered_bytes",
                "Most body bytes accepted but not yet taken by the pipeline; beyond it requests "
                "get 429.")
      .Default("64MiB");
  spec.ByteSize("max_body_bytes", "Longest request body; a longer one gets 413.").Default("16MiB");
  spec.Duration("retry_after", "The Retry-After of 429 and 503 answers (whole seconds).")
      .Default("1s");
  spec.StringList("metadata_headers",
                  "Request headers copied into `__meta_header_<name>` columns (lower case, '-' as "
                  "'_'); null when a request lacks one.");
  return spec;
}

}  // namespace

void RegisterHttpInput(Registry& registry) {
  registry.AddInput(
      {.name = "http",
       .summary = "An HTTP server receiving JSON (object, array or NDJSON) rows by POST.",
       .spec = HttpInputSpec(),
       .example = "input:\n  type: http\n  address: 0.0.0.0:8080\n  path: /data\n  auth:\n    "
                  "type: bearer\n    token: ${HTTP_TOKEN:-change-me}\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Input>> {
        HttpInputOptions o;
        o.address = cfg.GetString("address");
        o.path = cfg.GetString("path");
        if (o.path.empty() || o.path[0] != '/') {
          return cfg.NodeOf("path").Error("`path` must start with '/'");
        }
        if (auto hp = ParseHostPort(o.address, "`address`"); !hp.ok()) {
          return cfg.NodeOf("address").Error(hp.status().message());
        }
        o.cors_enabled = cfg.GetBool("cors_enabled");
        ARK_ASSIGN_OR_RETURN(o.auth, ReadHttpAuth(cfg));
        if (cfg.IsSet("tls")) {
          ComponentConfig tls = cfg.GetObject("tls");
          o.tls_cert_file = tls.GetString("cert_file");
          o.tls_key_file = tls.GetString("key_file");
        }
        o.batch_size = cfg.GetInt("batch_size");
        o.max_buffered_bytes = cfg.GetByteSize("max_buffered_bytes");
        o.max_body_bytes = cfg.GetByteSize("max_body_bytes");
        auto retry =
            std::chrono::duration_cast<std::chrono::seconds>(cfg.GetDuration("retry_after"));
        o.retry_after = std::max(retry, std::chrono::seconds(1));
        if (cfg.Has("metadata_headers")) o.metadata_headers = cfg.GetStringList("metadata_headers");
        HttpInput::DecoderFactory factory;
        bool reuse = true;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ConfigValue node = *codec;
          // Build one now so that a bad codec config fails at start-up.
          ARK_RETURN_IF_ERROR(MakeCodecDecoder(node, ctx).status());
          factory = [node, ctx]() { return MakeCodecDecoder(node, ctx); };
          reuse = FramingOf(node) == CodecFraming::kLines;
        }
        return std::make_unique<HttpInput>(std::move(o), std::move(factory), reuse);
      });
}

}  // namespace ark
