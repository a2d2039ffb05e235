// `websocket` input and output: WebSocket clients (Boost.Beast) of a remote server, ws:// or
// wss://.
//
// Input (ArkFlow's `url`, `headers`, `timeout`): every message received is one raw message
// (`__value__`, text or binary alike) with `__meta_source` (the URL) and `__meta_ingest_time`, or
// with a `codec` the rows decoded from it. A read returns what has arrived, up to `batch_size`
// messages, without waiting for a full batch. When the connection drops (or the server closes
// it) the input reconnects with exponential backoff (`reconnect_backoff` doubled up to
// `max_reconnect_backoff`) until it stops; messages the server sends while no connection is up are
// not seen (WebSocket has no replay).
//
// Output: sends each row as one message (`batch_format: row`: the codec's encoding, `__value__`,
// or the row as JSON), or each batch as one message (`ndjson`, `json_array`), as text frames
// (`message_type: text`) or binary frames. A failed send reports Unavailable (the runtime retries
// the batch; the connection is re-opened on the next Write, and the rows of that batch already
// sent are not sent again).
//
// Thread-safety: each component is used by its one reader or writer thread; the network I/O runs
// on that thread (an io_context driven in short slices so that a stop request is seen promptly).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "codec/codec.h"
#include "runtime/input.h"
#include "runtime/output.h"
#include "runtime/registry.h"

namespace ark {

// ws[s]://host[:port][/target]
struct WsUrl {
  bool tls = false;
  std::string host;
  std::string port;    // "80"/"443" when not given
  std::string target;  // "/" when not given
};
// InvalidArgument naming the URL when it is not ws:// or wss://.
Result<WsUrl> ParseWsUrl(std::string_view url);

struct WsClientOptions {
  std::string url;
  WsUrl parsed;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds timeout{10000};  // connect + handshake
  std::string tls_ca_file;
  bool tls_skip_verify = false;
};

class WsClient;

struct WebSocketInputOptions {
  WsClientOptions client;
  int64_t batch_size = 1024;
  std::chrono::milliseconds reconnect_backoff{100};
  std::chrono::milliseconds max_reconnect_backoff{10000};
};

class WebSocketInput final : public Input {
 public:
  WebSocketInput(WebSocketInputOptions options, std::unique_ptr<Decoder> decoder,
                 std::string error_component);
  ~WebSocketInput() override;

  // Unavailable when the server cannot be reached (the runtime retries with backoff).
  Status Connect() override;
  Result<InputBatch> Read(std::stop_token stop) override;
  Status Close() override;

 private:
  Result<InputBatch> MakeBatch(std::vector<std::string>& messages);

  WebSocketInputOptions options_;
  std::unique_ptr<Decoder> decoder_;
  std::string error_component_;
  std::unique_ptr<WsClient> client_;
  std::chrono::milliseconds next_backoff_{0};
};

enum class WsBatchFormat { kRow, kNdjson, kJsonArray };

struct WebSocketOutputOptions {
  WsClientOptions client;
  WsBatchFormat batch_format = WsBatchFormat::kRow;
  bool binary = false;
};

class WebSocketOutput final : public Output {
 public:
  WebSocketOutput(WebSocketOutputOptions options, std::unique_ptr<Encoder> encoder,
                  std::unique_ptr<Encoder> json_encoder);
  ~WebSocketOutput() override;

  Status Connect() override;
  Status Write(const Batch& batch) override;
  Status Close() override;

 private:
  WebSocketOutputOptions options_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<Encoder> json_encoder_;
  std::unique_ptr<WsClient> client_;
  // The batch of a Write that failed part way, and how many of its messages went out.
  std::vector<ColumnPtr> partial_columns_;
  int64_t partial_rows_ = -1;
  size_t partial_sent_ = 0;
};

void RegisterWebSocketInput(Registry& registry);
void RegisterWebSocketOutput(Registry& registry);

}  // namespace ark
