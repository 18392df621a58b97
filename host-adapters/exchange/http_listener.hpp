// The HTTP side of `cartera serve`: a minimal HTTP/1.1 server (over TLS when given a
// certificate) on the caller's io_context. One
// request per connection (the reply says Connection: close), bodies up to 8 MiB (413 beyond), a
// read deadline (408), GET and POST only (405), anything malformed 400. It runs on the thread that
// runs the io_context; the handler is called there too, so it must not block for long.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace cartera::exchange {

struct HttpRequest {
  std::string method;                         // "GET" or "POST"
  std::string target;                         // as sent: path and query ("/documents?x=1")
  std::map<std::string, std::string> headers; // names lowercased; repeated headers joined with ", "
  std::string body;
  std::string remote; // the peer's address and port, for logs

  // The value of a header, by name in any case; "" when absent.
  [[nodiscard]] std::string header(const std::string &name) const;
};

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers; // extra headers
};

constexpr std::size_t kMaxRequestBody = std::size_t{8} * 1024 * 1024;

// The certificate chain and private key (PEM files) to speak TLS with; empty: plain HTTP.
struct ListenerTls {
  std::string certificate;
  std::string key;
};

namespace detail {
struct ListenerState; // the acceptor and the handler, shared with the pending operations
} // namespace detail

class HttpListener {
public:
  // Called once per request. An exception it throws becomes a 500 reply carrying its message.
  using Handler = std::function<HttpReply(const HttpRequest &)>;

  // Binds and listens at once on address, an IP address ("127.0.0.1", "::", ...; port 0 = an
  // ephemeral port, port() tells which) and accepts once the io_context runs. Throws
  // runtime::Failure when the address is not an IP address or cannot be bound.
  // read_timeout bounds reading each request, from accept to the end of the body (408).
  // With tls, every connection speaks TLS (1.2 or later) with that certificate; a file that
  // cannot be used refuses (runtime::Failure, exit 3).
  HttpListener(boost::asio::io_context &ioc, const std::string &address, unsigned short port, Handler handler,
               std::chrono::milliseconds read_timeout = std::chrono::seconds(30), const ListenerTls &tls = {});
  ~HttpListener();
  HttpListener(const HttpListener &) = delete;
  HttpListener &operator=(const HttpListener &) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }

  // Closes the acceptor: no new connections. Requests already accepted are still answered, and
  // io_context::run returns once their clients have closed (each of reading the request, writing
  // the reply and waiting for the close is bounded by read_timeout). Safe to call twice; call it on
  // the io_context's thread (post it there) while the io_context runs.
  void stop();

private:
  std::shared_ptr<detail::ListenerState> state_;
  unsigned short port_ = 0;
};

} // namespace cartera::exchange
