// The only translation unit that includes Boost.Beast (slow to compile); keep it that way.
#include "runtime/admin_server.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <pthread.h>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace ark {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// A client that sends nothing for this long is disconnected.
constexpr std::chrono::seconds kIdleTimeout{30};

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

Result<HostPort> ParseAddress(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument(
        "health_check address \"{}\" is not host:port (e.g. \"127.0.0.1:8080\")", address);
  }
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    return Status::InvalidArgument(
        "health_check address \"{}\": port \"{}\" is not a number from 0 to 65535", address,
        port_text);
  }
  HostPort hp;
  hp.host = host.empty() ? "0.0.0.0" : std::string(host);
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

// What the server answers; shared read-only with the sessions.
struct Routes {
  AdminServerOptions options;
  AdminServer::ReadinessFn readiness;
  AdminServer::MetricsFn metrics;

  Response Handle(const Request& req) const;
};

// One HTTP connection: read a request, answer, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Routes* routes) : stream_(std::move(socket)), routes_(routes) {}

  void Run() { Read(); }

 private:
  void Read() {
    request_ = {};
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, request_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) {
      Close();
      return;
    }
    response_ = routes_->Handle(request_);
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec || !self->response_.keep_alive()) {
                          self->Close();
                        } else {
                          self->Read();
                        }
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Request request_;
  Response response_;
  const Routes* routes_;
};

Response MakeResponse(const Request& req, http::status status, std::string_view content_type,
                      std::string body) {
  Response res{status, req.version()};
  res.set(http::field::server, "arkflow");
  res.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  if (req.method() != http::verb::head) res.body() = std::move(body);
  return res;
}

Response Routes::Handle(const Request& req) const {
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    Response res = MakeResponse(req, http::status::method_not_allowed, "application/json",
                                R"({"error":"method not allowed"})");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  if (target == options.health_path || target == options.liveness_path) {
    return MakeResponse(req, http::status::ok, "application/json", R"({"status":"ok"})");
  }
  if (target == options.readiness_path || target == "/ready") {
    Readiness r = readiness ? readiness() : Readiness{true, R"({"ready":true})"};
    return MakeResponse(req, r.ready ? http::status::ok : http::status::service_unavailable,
                        "application/json", std::move(r.json));
  }
  if (metrics && !options.metrics_path.empty() && target == options.metrics_path) {
    return MakeResponse(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                        metrics());
  }
  return MakeResponse(req, http::status::not_found, "application/json", R"({"error":"not found"})");
}

}  // namespace

struct AdminServer::Impl {
  Routes routes;
  asio::io_context ioc{1};
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
  std::atomic<int> port{0};
  std::mutex mu;
  bool started = false;  // GUARDED_BY(mu)
  bool stopped = false;  // GUARDED_BY(mu)

  void Accept();
};

void AdminServer::Impl::Accept() {
  acceptor->async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // closed by Stop()
    if (!ec) std::make_shared<Session>(std::move(socket), &routes)->Run();
    Accept();
  });
}

AdminServer::AdminServer(AdminServerOptions options, ReadinessFn readiness, MetricsFn metrics)
    : impl_(std::make_unique<Impl>()) {
  impl_->routes.options = std::move(options);
  impl_->routes.readiness = std::move(readiness);
  impl_->routes.metrics = std::move(metrics);
}

AdminServer::~AdminServer() { Stop(); }

Status AdminServer::Start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.started) return Status::Internal("the admin server was started twice");
  const std::string& address = s.routes.options.address;
  Result<HostPort> hp = ParseAddress(address);
  if (!hp.ok()) return hp.status();

  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto endpoints = resolver.resolve(hp->host, std::to_string(hp->port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Status::IoError(
        "cannot listen on health_check address \"{}\": cannot resolve \"{}\": {}", address,
        hp->host, ec ? ec.message() : "no address");
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor acceptor(s.ioc);
  // Each step leaves `ec` set on failure; later steps are skipped.
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  tcp::endpoint bound;
  if (!ec) bound = acceptor.local_endpoint(ec);
  if (ec) {
    return Status::IoError("cannot listen on health_check address \"{}\": {}", address,
                           ec.message());
  }
  s.port.store(bound.port());
  s.acceptor.emplace(std::move(acceptor));
  s.started = true;
  s.Accept();
  s.thread = std::thread([&s] {
    pthread_setname_np(pthread_self(), "ark-admin");
    s.ioc.run();
  });
  return Status::OK();
}

void AdminServer::Stop() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.ioc.stop();
  if (s.thread.joinable()) s.thread.join();
  // The thread has ended: nothing else touches the acceptor now.
  beast::error_code ec;
  s.acceptor->close(ec);
  s.port.store(0);
}

int AdminServer::port() const { return impl_->port.load(); }

}  // namespace ark
