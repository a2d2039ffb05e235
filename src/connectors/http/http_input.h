// `http` input: an HTTP server (Boost.Beast over Asio, one I/O thread) whose POST (or PUT) requests
// on `path` carry rows into the stream.
//
// A request body is one JSON object, a JSON array of objects or NDJSON (json_body.h); with a
// `codec` it is decoded by that codec instead (json: the same three shapes; csv: a header line and
// rows; arrow: an IPC stream). Without a codec each JSON object becomes one raw message
// (`__value__`), so ArkFlow's `http → json_to_arrow` pipelines run unchanged. Every row also gets
//   __meta_source       the request path (without the query string)
//   __meta_remote_addr  the client's "ip:port"
//   __meta_ingest_time  when the request was accepted (timestamp)
//   __meta_header_<h>   for each name in `metadata_headers` (lower case, '-' → '_'), the header's
//                       value, null when the request has none.
//
// Answers:
//   200 {"accepted":N}  once the N rows were handed to the pipeline (Read returned them); a
//                       request is accepted whole or not at all
//   400 {"error":...}   the body is malformed: "line L, byte B: <parser message>"
//   401                 `auth` is set and the Authorization header does not match (compared in
//                       constant time); WWW-Authenticate says which scheme
//   404 / 405           another path / another method
//   413                 the body is longer than `max_body_bytes`
//   429 + Retry-After   backpressure: more than `max_buffered_bytes` of accepted bodies wait for
//                       the pipeline (a slow output), so memory stays bounded
//   503 + Retry-After   the input is shutting down; the rows of that request were not taken
// With `cors_enabled`, OPTIONS preflights are answered (204) and every answer carries
// Access-Control-Allow-Origin: *. With `tls` the server speaks HTTPS only.
//
// Thread-safety: the server runs on its own thread; Connect/Read/Close come from the reader
// thread (Input contract).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connectors/http/http_common.h"
#include "runtime/input.h"
#include "runtime/registry.h"

namespace ark {

struct HttpInputOptions {
  std::string address = "0.0.0.0:8080";  // host:port; port 0 picks a free port
  std::string path = "/";
  bool cors_enabled = false;
  HttpAuth auth;
  std::string tls_cert_file;  // PEM certificate chain; TLS when set
  std::string tls_key_file;   // PEM private key
  int64_t batch_size = 8192;  // rows per read (whole requests; a larger request is one batch)
  size_t max_buffered_bytes = size_t{64} << 20;
  size_t max_body_bytes = size_t{16} << 20;
  std::chrono::seconds retry_after{1};
  std::vector<std::string> metadata_headers;
  std::chrono::seconds idle_timeout{60};
};

class HttpInput final : public Input {
 public:
  // `decoder_factory` builds the codec's decoder (null: raw JSON messages); `reuse_decoder` says
  // whether one decoder serves every request (json) or each request needs a fresh one (csv header,
  // arrow schema).
  using DecoderFactory = std::function<Result<std::unique_ptr<Decoder>>()>;
  HttpInput(HttpInputOptions options, DecoderFactory decoder_factory, bool reuse_decoder);
  ~HttpInput() override;

  // Binds and starts the server; IoError naming the address when it cannot listen.
  Status Connect() override;
  Result<InputBatch> Read(std::stop_token stop) override;
  // Answers what still waits with 503 and stops the server.
  Status Close() override;

  // The bound port after Connect (useful with port 0).
  int port() const;

  // The implementation (server, sessions, queue); named here only so the .cc's sessions can.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

void RegisterHttpInput(Registry& registry);

}  // namespace ark
