// The only translation unit of the websocket connectors that includes Boost.Beast.
#include "connectors/websocket/websocket.h"

#include <openssl/ssl.h>

#include <optional>
#include <variant>

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "base/time.h"
#include "connectors/common/batch_writer.h"
#include "connectors/common/codec_option.h"
#include "connectors/common/input_util.h"
#include "core/column_builder.h"
#include "core/raw_message.h"
#include "runtime/backoff.h"

namespace ark {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

Result<WsUrl> ParseWsUrl(std::string_view url) {
  WsUrl out;
  std::string_view rest;
  if (url.substr(0, 5) == "ws://") {
    rest = url.substr(5);
  } else if (url.substr(0, 6) == "wss://") {
    out.tls = true;
    rest = url.substr(6);
  } else {
    return Status::InvalidArgument("websocket url \"{}\" does not start with ws:// or wss://", url);
  }
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.target.empty() && out.target[0] == '?') out.target = "/" + out.target;
  size_t colon = authority.rfind(':');
  size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty()) return Status::InvalidArgument("websocket url \"{}\" has no host", url);
  if (out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos ||
      out.port.size() > 5) {
    return Status::InvalidArgument("websocket url \"{}\": port \"{}\" is not a number", url,
                                   out.port);
  }
  return out;
}

// One WebSocket connection, driven on the calling thread. Every operation runs its io_context in
// slices of at most kSlice so that `stop` is seen promptly, and gives up after its deadline.
class WsClient {
 public:
  explicit WsClient(const WsClientOptions& options) : options_(options) {}
  ~WsClient() { Abort(); }

  // Resolves, connects, TLS and WebSocket handshakes. Unavailable on any failure.
  Status Connect(const std::stop_token& stop) {
    Abort();
    ioc_.restart();
    const WsUrl& u = options_.parsed;
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(u.host, u.port, ec);
    if (ec) return Unavailable("cannot resolve host", ec);
    if (u.tls) {
      tls_ctx_.emplace(ssl::context::tls_client);
      if (options_.tls_skip_verify) {
        tls_ctx_->set_verify_mode(ssl::verify_none);
      } else {
        tls_ctx_->set_verify_mode(ssl::verify_peer);
        if (!options_.tls_ca_file.empty()) {
          tls_ctx_->load_verify_file(options_.tls_ca_file, ec);
          if (ec) {
            return Status::InvalidArgument("websocket {}: cannot load tls ca_file \"{}\": {}",
                                           options_.url, options_.tls_ca_file, ec.message());
          }
        } else {
          tls_ctx_->set_default_verify_paths(ec);
        }
        tls_ctx_->set_verify_callback(ssl::host_name_verification(u.host));
      }
      auto& ws = stream_.emplace<TlsWs>(ioc_, *tls_ctx_);
      SSL_set_tlsext_host_name(ws.next_layer().native_handle(), u.host.c_str());
    } else {
      stream_.emplace<PlainWs>(ioc_);
    }
    auto decorate = [this](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "arkflow");
      for (const auto& [k, v] : options_.headers) req.set(k, v);
    };
    std::string host_header = u.host + ":" + u.port;
    // Completion state on this frame; the handlers all run inside RunUntil/Abort below.
    struct Outcome {
      bool done = false;
      beast::error_code result;
    } outcome;
    Outcome* out = &outcome;
    const std::string* host = &host_header;
    const std::string* target = &options_.parsed.target;
    std::chrono::milliseconds timeout = options_.timeout;
    std::visit(
        [&](auto& ws) {
          using WsType = std::decay_t<decltype(ws)>;
          if constexpr (!std::is_same_v<WsType, std::monostate>) {
            WsType* wsp = &ws;
            ws.set_option(websocket::stream_base::decorator(decorate));
            beast::get_lowest_layer(ws).expires_after(timeout);
            auto finish = [out](beast::error_code ec) {
              out->result = ec;
              out->done = true;
            };
            auto handshake = [wsp, host, target, timeout, finish]() {
              beast::get_lowest_layer(*wsp).expires_after(timeout);
              wsp->async_handshake(*host, *target, finish);
            };
            beast::get_lowest_layer(ws).async_connect(
                endpoints, [wsp, finish, handshake](beast::error_code ec, const tcp::endpoint&) {
                  if (ec) return finish(ec);
                  if constexpr (std::is_same_v<WsType, TlsWs>) {
                    wsp->next_layer().async_handshake(ssl::stream_base::client,
                                                      [finish, handshake](beast::error_code ec) {
                                                        if (ec) return finish(ec);
                                                        handshake();
                                                      });
                  } else {
                    handshake();
                  }
                });
          }
        },
        stream_);
    bool& done = outcome.done;
    beast::error_code& result = outcome.result;
    if (!RunUntil(done, stop)) {
      Abort();
      return Status::Cancelled("websocket {}: stopped while connecting", options_.url);
    }
    if (result) {
      Abort();
      return Unavailable("cannot connect", result);
    }
    // Past the handshake, websocket's own timeouts apply (no deadline for idle reads).
    std::visit(
        [&](auto& ws) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(ws)>, std::monostate>) {
            beast::get_lowest_layer(ws).expires_never();
            ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
          }
        },
        stream_);
    connected_ = true;
    return Status::OK();
  }

  bool connected() const { return connected_; }

  // Waits up to `wait` for a message. OK(true) with the message in `out`; OK(false) when none
  // came in time; Unavailable when the connection is lost; Cancelled when stopped.
  Result<bool> Read(std::string* out, std::chrono::milliseconds wait, const std::stop_token& stop) {
    if (!connected_) return Status::Unavailable("websocket {}: not connected", options_.url);
    if (!read_pending_) {
      read_pending_ = true;
      read_done_ = false;
      read_buffer_.clear();
      std::visit(
          [&](auto& ws) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(ws)>, std::monostate>) {
              ws.async_read(read_buffer_, [this](beast::error_code ec, size_t) {
                read_error_ = ec;
                read_done_ = true;
              });
            }
          },
          stream_);
    }
    int64_t deadline = MonotonicMicros() + wait.count() * 1000;
    while (!read_done_) {
      if (stop.stop_requested()) return Status::Cancelled("websocket input stopped");
      int64_t left = deadline - MonotonicMicros();
      if (left <= 0) return false;
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_one_for(std::chrono::microseconds(std::min<int64_t>(left, kSliceUs)));
    }
    read_pending_ = false;
    if (read_error_) {
      Status st =
          Unavailable(read_error_ == websocket::error::closed ? "the server closed the connection"
                                                              : "connection lost",
                      read_error_);
      Abort();
      return st;
    }
    out->assign(static_cast<const char*>(read_buffer_.cdata().data()), read_buffer_.size());
    return true;
  }

  // Sends one message; Unavailable when the connection is lost.
  Status Write(std::string_view message, bool binary, const std::stop_token& stop) {
    if (!connected_) return Status::Unavailable("websocket {}: not connected", options_.url);
    bool done = false;
    beast::error_code result;
    std::visit(
        [&](auto& ws) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(ws)>, std::monostate>) {
            ws.binary(binary);
            ws.async_write(asio::buffer(message.data(), message.size()),
                           [&](beast::error_code ec, size_t) {
                             result = ec;
                             done = true;
                           });
          }
        },
        stream_);
    if (!RunUntil(done, stop)) {
      Abort();
      return Status::Cancelled("websocket {}: stopped while sending", options_.url);
    }
    if (result) {
      Status st = Unavailable("sending failed", result);
      Abort();
      return st;
    }
    return Status::OK();
  }

  // Closes politely (close frame), briefly.
  void Close() {
    if (connected_ && !read_pending_) {
      bool done = false;
      std::visit(
          [&](auto& ws) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(ws)>, std::monostate>) {
              beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(2));
              ws.async_close(websocket::close_code::normal,
                             [&](beast::error_code) { done = true; });
            }
          },
          stream_);
      std::stop_source never;
      RunUntil(done, never.get_token());
    }
    Abort();
  }

 private:
  using PlainWs = websocket::stream<beast::tcp_stream>;
  using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
  static constexpr int64_t kSliceUs = 100'000;

  Status Unavailable(std::string_view what, const beast::error_code& ec) const {
    return Status::Unavailable("websocket {}: {}: {}", options_.url, what, ec.message());
  }

  // Runs handlers until `done` or stop; false when stopped.
  bool RunUntil(const bool& done, const std::stop_token& stop) {
    while (!done) {
      if (stop.stop_requested()) return false;
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_one_for(std::chrono::microseconds(kSliceUs));
    }
    return true;
  }

  // Drops the connection at once and runs the cancelled handlers.
  void Abort() {
    std::visit(
        [&](auto& ws) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(ws)>, std::monostate>) {
            beast::error_code ec;
            beast::get_lowest_layer(ws).socket().close(ec);
          }
        },
        stream_);
    if (ioc_.stopped()) ioc_.restart();
    ioc_.poll();
    stream_.emplace<std::monostate>();
    read_pending_ = false;
    connected_ = false;
  }

  const WsClientOptions& options_;
  asio::io_context ioc_{1};
  std::optional<ssl::context> tls_ctx_;
  std::variant<std::monostate, PlainWs, TlsWs> stream_;
  bool connected_ = false;
  bool read_pending_ = false;
  bool read_done_ = false;
  beast::error_code read_error_;
  beast::flat_buffer read_buffer_;
};

// ---------------------------------------------------------------------------------------------
// Input

WebSocketInput::WebSocketInput(WebSocketInputOptions options, std::unique_ptr<Decoder> decoder,
                               std::string error_component)
    : options_(std::move(options)),
      decoder_(std::move(decoder)),
      error_component_(std::move(error_component)) {
  client_ = std::make_unique<WsClient>(options_.client);
}

WebSocketInput::~WebSocketInput() = default;

Status WebSocketInput::Connect() {
  std::stop_source never;
  Status st = client_->Connect(never.get_token());
  if (st.ok()) spdlog::info("websocket input connected to {}", options_.client.url);
  return st;
}

Result<InputBatch> WebSocketInput::MakeBatch(std::vector<std::string>& messages) {
  std::vector<std::string_view> views(messages.begin(), messages.end());
  RawBatchBuilder b(RawBatchBuilder::kSource | RawBatchBuilder::kIngestTime);
  for (std::string_view m : views) b.Add(m, {.source = options_.client.url});
  Batch raw = b.Finish();
  if (decoder_ == nullptr) return InputBatch{std::move(raw), AckToken(), std::nullopt};
  ARK_ASSIGN_OR_RETURN(ColumnPtr payloads, raw.GetColumn(kValueColumn));
  Result<DecodeResult> decoded = decoder_->DecodeMessages(*payloads);
  if (!decoded.ok()) return decoded.status().WithContext("websocket input");
  InputBatch out{std::move(decoded->batch), AckToken(), std::nullopt};
  if (!decoded->errors.empty()) {
    out.errors = MakeInputErrorBatch(decoded->errors, error_component_, options_.client.url);
  }
  return out;
}

Result<InputBatch> WebSocketInput::Read(std::stop_token stop) {
  std::vector<std::string> messages;
  std::string message;
  while (!stop.stop_requested()) {
    if (!client_->connected()) {
      if (next_backoff_.count() > 0 && !SleepUnlessStopped(stop, next_backoff_)) break;
      Status st = client_->Connect(stop);
      if (st.IsCancelled()) break;
      if (!st.ok()) {
        next_backoff_ = next_backoff_.count() == 0
                            ? options_.reconnect_backoff
                            : std::min(next_backoff_ * 2, options_.max_reconnect_backoff);
        spdlog::warn("{}; reconnecting in {} ms", st.message(), next_backoff_.count());
        continue;
      }
      spdlog::info("websocket input reconnected to {}", options_.client.url);
      next_backoff_ = std::chrono::milliseconds(0);
    }
    // Wait for the first message; then take what has already arrived.
    auto wait = messages.empty() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(0);
    Result<bool> got = client_->Read(&message, wait, stop);
    if (!got.ok()) {
      if (got.status().IsCancelled()) break;
      spdlog::warn("{}; reconnecting", got.status().message());
      next_backoff_ = options_.reconnect_backoff;
      if (!messages.empty()) return MakeBatch(messages);
      continue;
    }
    if (*got) {
      messages.push_back(std::move(message));
      if (static_cast<int64_t>(messages.size()) < options_.batch_size) continue;
    }
    if (!messages.empty()) return MakeBatch(messages);
  }
  if (!messages.empty()) return MakeBatch(messages);
  return Status::Cancelled("websocket input stopped");
}

Status WebSocketInput::Close() {
  client_->Close();
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Output

WebSocketOutput::WebSocketOutput(WebSocketOutputOptions options, std::unique_ptr<Encoder> encoder,
                                 std::unique_ptr<Encoder> json_encoder)
    : options_(std::move(options)),
      encoder_(std::move(encoder)),
      json_encoder_(std::move(json_encoder)) {
  client_ = std::make_unique<WsClient>(options_.client);
}

WebSocketOutput::~WebSocketOutput() = default;

Status WebSocketOutput::Connect() {
  std::stop_source never;
  return client_->Connect(never.get_token());
}

Status WebSocketOutput::Write(const Batch& batch) {
  if (batch.num_rows() == 0) return Status::OK();
  std::stop_source never;
  if (!client_->connected()) ARK_RETURN_IF_ERROR(client_->Connect(never.get_token()));
  ColumnPtr payloads;
  if (encoder_ != nullptr) {
    ARK_ASSIGN_OR_RETURN(payloads, encoder_->EncodeMessages(batch));
  } else if (ColumnPtr raw = RawValueColumn(batch)) {
    payloads = raw;
  } else {
    ARK_ASSIGN_OR_RETURN(payloads, json_encoder_->EncodeMessages(batch.DropColumns(IsMetaColumn)));
  }
  std::vector<std::string> owned;
  std::vector<std::string_view> messages;
  auto view = [&](int64_t i) {
    return payloads->IsNull(i) ? std::string_view() : payloads->GetView(i);
  };
  if (options_.batch_format == WsBatchFormat::kRow) {
    for (int64_t i = 0; i < payloads->length(); ++i) messages.push_back(view(i));
  } else {
    bool array = options_.batch_format == WsBatchFormat::kJsonArray;
    std::string& body = owned.emplace_back(array ? "[" : "");
    for (int64_t i = 0; i < payloads->length(); ++i) {
      if (array && i > 0) body += ',';
      body += view(i);
      if (!array) body += '\n';
    }
    if (array) body += ']';
    messages.push_back(body);
  }
  size_t start = 0;
  if (partial_rows_ == batch.num_rows() && partial_columns_ == batch.columns()) {
    start = partial_sent_;
  }
  for (size_t i = start; i < messages.size(); ++i) {
    Status st = client_->Write(messages[i], options_.binary, never.get_token());
    if (!st.ok()) {
      partial_columns_ = batch.columns();
      partial_rows_ = batch.num_rows();
      partial_sent_ = i;
      return st;
    }
  }
  partial_columns_.clear();
  partial_rows_ = -1;
  partial_sent_ = 0;
  return Status::OK();
}

Status WebSocketOutput::Close() {
  client_->Close();
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Registration

namespace {

void AddClientOptions(ConfigSpec& spec) {
  spec.String("url", "Server URL: ws://host:port/path or wss://host:port/path.").Required();
  spec.StringMap("headers", "Headers of the opening handshake (e.g. Authorization).");
  spec.Int("timeout", "Connect and handshake timeout in seconds (ArkFlow's option).")
      .Default("10")
      .Min(1);
  ConfigSpec tls("TLS settings for wss:// URLs.");
  tls.String("ca_file",
             "PEM file of the certificate authorities to trust (default: the system's).");
  tls.Bool("skip_verify", "Do not verify the server's certificate (testing only).")
      .Default("false");
  spec.Object("tls", "TLS settings for wss:// URLs.", std::move(tls));
}

Result<WsClientOptions> ReadClientOptions(const ComponentConfig& cfg) {
  WsClientOptions o;
  o.url = cfg.GetString("url");
  Result<WsUrl> parsed = ParseWsUrl(o.url);
  if (!parsed.ok()) return cfg.NodeOf("url").Error(parsed.status().message());
  o.parsed = std::move(parsed).value();
  if (cfg.Has("headers")) o.headers = cfg.GetStringMap("headers");
  o.timeout = std::chrono::seconds(cfg.GetInt("timeout"));
  if (cfg.IsSet("tls")) {
    ComponentConfig tls = cfg.GetObject("tls");
    if (tls.IsSet("ca_file")) o.tls_ca_file = tls.GetString("ca_file");
    o.tls_skip_verify = tls.GetBool("skip_verify");
  }
  return o;
}

ConfigSpec WebSocketInputSpec() {
  ConfigSpec spec(
      "A WebSocket client receiving messages from a server. Each message is one raw message "
      "(`__value__`) with `__meta_source` (the URL) and `__meta_ingest_time`, or with a `codec` "
      "the rows decoded from it. Reconnects with exponential backoff when the connection drops.");
  AddClientOptions(spec);
  AddCodecOption(spec, "Decodes each message with this codec ({type: json|csv|arrow}).");
  spec.Int("batch_size", "Most messages per batch (a batch never waits to fill up).")
      .Default("1024")
      .Min(1);
  spec.Duration("reconnect_backoff",
                "Delay before the first reconnection attempt; doubled after "
                "each failed attempt.")
      .Default("100ms");
  spec.Duration("max_reconnect_backoff", "Longest delay between reconnection attempts.")
      .Default("10s");
  return spec;
}

ConfigSpec WebSocketOutputSpec() {
  ConfigSpec spec(
      "A WebSocket client sending rows to a server: one message per row (the codec's encoding, "
      "`__value__`, or the row as JSON), or one per batch (`ndjson` or `json_array`). A failed "
      "send is retried by the runtime over a new connection; rows already sent are not repeated.");
  AddClientOptions(spec);
  AddCodecOption(spec, "Encodes each row with this codec ({type: json|csv|arrow}).");
  spec.String("batch_format",
              "`row`: one message per row; `ndjson`: one message per batch, a line per row; "
              "`json_array`: one message per batch holding a JSON array.")
      .Default("row")
      .OneOf({"row", "ndjson", "json_array"});
  spec.String("message_type", "Send `text` or `binary` frames.")
      .Default("text")
      .OneOf({"text", "binary"});
  return spec;
}

}  // namespace

void RegisterWebSocketInput(Registry& registry) {
  registry.AddInput(
      {.name = "websocket",
       .summary = "A WebSocket client receiving messages, reconnecting with backoff.",
       .spec = WebSocketInputSpec(),
       .example = "input:\n  type: websocket\n  url: ws://localhost:8080/ws\n  headers:\n    "
                  "Authorization: Bearer ${WS_TOKEN:-change-me}\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Input>> {
        WebSocketInputOptions o;
        ARK_ASSIGN_OR_RETURN(o.client, ReadClientOptions(cfg));
        o.batch_size = cfg.GetInt("batch_size");
        o.reconnect_backoff = std::max(std::chrono::milliseconds(1),
                                       std::chrono::duration_cast<std::chrono::milliseconds>(
                                           cfg.GetDuration("reconnect_backoff")));
        o.max_reconnect_backoff =
            std::max(o.reconnect_backoff, std::chrono::duration_cast<std::chrono::milliseconds>(
                                              cfg.GetDuration("max_reconnect_backoff")));
        std::unique_ptr<Decoder> decoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(decoder, MakeCodecDecoder(*codec, ctx));
        }
        return std::make_unique<WebSocketInput>(std::move(o), std::move(decoder),
                                                InputErrorComponent(ctx, "websocket"));
      });
}

void RegisterWebSocketOutput(Registry& registry) {
  registry.AddOutput(
      {.name = "websocket",
       .summary = "A WebSocket client sending one message per row or per batch.",
       .spec = WebSocketOutputSpec(),
       .example = "output:\n  type: websocket\n  url: ws://localhost:8080/ws\n"},
      [](const ComponentConfig& cfg,
         const ComponentContext& ctx) -> Result<std::unique_ptr<Output>> {
        WebSocketOutputOptions o;
        ARK_ASSIGN_OR_RETURN(o.client, ReadClientOptions(cfg));
        std::string format = cfg.GetString("batch_format");
        o.batch_format = format == "ndjson"       ? WsBatchFormat::kNdjson
                         : format == "json_array" ? WsBatchFormat::kJsonArray
                                                  : WsBatchFormat::kRow;
        o.binary = cfg.GetString("message_type") == "binary";
        std::unique_ptr<Encoder> encoder;
        if (const ConfigValue* codec = CodecNode(cfg)) {
          ARK_ASSIGN_OR_RETURN(encoder, MakeCodecEncoder(*codec, ctx));
        }
        ARK_ASSIGN_OR_RETURN(std::unique_ptr<Encoder> json,
                             MakeCodecEncoder(MakeCodecNode("json", cfg.node()), ctx));
        return std::make_unique<WebSocketOutput>(std::move(o), std::move(encoder), std::move(json));
      });
}

}  // namespace ark
