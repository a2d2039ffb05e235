// A minimal HTTP/1.1 client over a plain socket, for tests of the admin server: one request per
// connection ("Connection: close"), response read to EOF.
//
// Thread-safety: pure function.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace ark::testing {

struct HttpResponse {
  int status = 0;  // 0 when the request failed
  std::string headers;
  std::string body;
  std::string error;
};

inline HttpResponse HttpRequest(int port, std::string_view method, std::string_view path) {
  HttpResponse res;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    res.error = "socket failed";
    return res;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    res.error = "connect failed";
    return res;
  }
  std::string req =
      fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", method, path);
  size_t sent = 0;
  while (sent < req.size()) {
    ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[4096];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) {
    res.error = "malformed response: " + raw;
    return res;
  }
  res.status = std::stoi(raw.substr(9, 3));
  res.headers = raw.substr(0, head_end);
  res.body = raw.substr(head_end + 4);
  return res;
}

inline HttpResponse HttpGet(int port, std::string_view path) {
  return HttpRequest(port, "GET", path);
}

}  // namespace ark::testing
