// Each accepted socket becomes a Connection that reads one request, answers it, then closes the
// way HTTP servers must when the client may still be sending (a 413 arrives before the body
// does): shut down our sending side and read and drop whatever comes until the client closes, so
// the client's kernel is not sent a reset that would throw away the reply it has not read yet.
#include "exchange/http_listener.hpp"

#include "base/failure.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <type_traits>
#include <utility>

namespace cartera::exchange {

namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string to_string(const tcp::endpoint &e) {
  const std::string address = e.address().to_string();
  return (e.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(e.port());
}

HttpReply plain(unsigned status, std::string body) {
  HttpReply reply;
  reply.status = status;
  reply.body = std::move(body) + "\n";
  return reply;
}
} // namespace

std::string HttpRequest::header(const std::string &name) const {
  const auto found = headers.find(lowercase(name));
  return found == headers.end() ? std::string() : found->second;
}

struct detail::ListenerState {
  ListenerState(net::io_context &ioc, HttpListener::Handler h, std::chrono::milliseconds timeout)
      : acceptor(ioc), retry(ioc), handler(std::move(h)), read_timeout(timeout) {}
  std::optional<net::ssl::context> tls; // set: every connection speaks TLS first
  tcp::acceptor acceptor;
  net::steady_timer retry; // waits a moment after a failed accept (out of file descriptors)
  HttpListener::Handler handler;
  std::chrono::milliseconds read_timeout;
  bool stopped = false;
};

namespace {

// Stream: a plain TCP socket, or TLS over one (the handshake comes first, under the same
// deadline as the request, and a TLS close_notify ends it).
template <class Stream> class Connection : public std::enable_shared_from_this<Connection<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

public:
  Connection(tcp::socket socket, std::shared_ptr<detail::ListenerState> state)
      : socket_(make_stream(std::move(socket), *state)), timer_(socket_.get_executor()), state_(std::move(state)) {}

  void start() {
    parser_.body_limit(kMaxRequestBody);
    arm_deadline(state_->read_timeout);
    if constexpr (kTls) {
      socket_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
        if (ec) {
          self->close(); // not TLS, or a certificate the client refused: nobody to answer
          return;
        }
        self->read();
      });
    } else {
      read();
    }
  }

private:
  static Stream make_stream(tcp::socket socket, detail::ListenerState &state) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *state.tls);
    } else {
      (void)state;
      return socket;
    }
  }

  tcp::socket &lowest() { return beast::get_lowest_layer(socket_); }

  void read() {
    http::async_read(socket_, buffer_, parser_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  // Cancels whatever is pending on the socket when the deadline passes. Each arming starts a new
  // generation, so a timer that fired just before it was re-armed cancels nothing.
  void arm_deadline(std::chrono::milliseconds after) {
    const unsigned generation = ++generation_;
    expired_ = false;
    timer_.expires_after(after);
    timer_.async_wait([self = this->shared_from_this(), generation](error_code ec) {
      if (!ec && generation == self->generation_) {
        self->expired_ = true;
        error_code ignored;
        self->lowest().cancel(ignored);
      }
    });
  }

  void on_read(error_code ec) {
    if (ec && expired_) {
      reply(plain(408, "no complete request within " + std::to_string(state_->read_timeout.count()) + " ms"));
    } else if (ec == http::error::body_limit) {
      reply(plain(413, "the body is larger than " + std::to_string(kMaxRequestBody) + " bytes"));
    } else if (ec == http::error::header_limit) {
      reply(plain(431, "the request's header is too large"));
    } else if (ec == http::error::end_of_stream ||
               (ec && ec.category() != http::make_error_code(http::error::bad_method).category())) {
      close(); // the client left, or the network failed: nobody to answer
    } else if (ec) {
      reply(plain(400, "not a valid HTTP request: " + ec.message()));
    } else {
      reply(answer(parser_.release()));
    }
  }

  [[nodiscard]] HttpReply answer(http::request<http::string_body> message) const {
    if (message.method() != http::verb::get && message.method() != http::verb::post) {
      HttpReply r = plain(405, "only GET and POST are accepted");
      r.headers["Allow"] = "GET, POST";
      return r;
    }
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto &field : message) {
      auto [it, fresh] = request.headers.try_emplace(lowercase(std::string(field.name_string())), field.value());
      if (!fresh) {
        it->second += ", " + std::string(field.value());
      }
    }
    request.body = std::move(message.body());
    error_code ignored;
    request.remote = to_string(beast::get_lowest_layer(socket_).remote_endpoint(ignored));
    try {
      return state_->handler(request);
    } catch (const std::exception &e) {
      return plain(500, e.what());
    } catch (...) {
      return plain(500, "the handler failed");
    }
  }

  void reply(HttpReply r) {
    if (r.status < 100 || r.status > 999) {
      reply(plain(500, "the handler answered with status " + std::to_string(r.status)));
      return;
    }
    response_.result(r.status);
    response_.version(11);
    response_.set(http::field::server, "cartera");
    response_.set(http::field::content_type, r.content_type);
    response_.set(http::field::connection, "close");
    for (const auto &[name, value] : r.headers) {
      response_.set(name, value);
    }
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    arm_deadline(state_->read_timeout);
    http::async_write(socket_, response_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) {
        self->close();
        return;
      }
      self->arm_deadline(self->state_->read_timeout);
      if constexpr (kTls) {
        // TLS ends with close_notify both ways; then the socket closes.
        self->socket_.async_shutdown([self](error_code) { self->close(); });
      } else {
        error_code ignored;
        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
        self->drain();
      }
    });
  }

  // Reads and drops what the client still sends, until it closes or the deadline passes.
  void drain() {
    socket_.async_read_some(net::buffer(scratch_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) {
        self->close();
      } else {
        self->drain();
      }
    });
  }

  void close() {
    ++generation_;
    timer_.cancel();
    error_code ignored;
    lowest().close(ignored);
  }

  Stream socket_;
  net::steady_timer timer_;
  std::shared_ptr<detail::ListenerState> state_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> response_;
  std::array<char, std::size_t{16} * 1024> scratch_{};
  unsigned generation_ = 0;
  bool expired_ = false;
};

void accept(const std::shared_ptr<detail::ListenerState> &state) {
  state->acceptor.async_accept([state](error_code ec, tcp::socket socket) {
    if (state->stopped) {
      return;
    }
    if (ec) {
      state->retry.expires_after(std::chrono::milliseconds(100));
      state->retry.async_wait([state](error_code) {
        if (!state->stopped) {
          accept(state);
        }
      });
      return;
    }
    if (state->tls) {
      std::make_shared<Connection<net::ssl::stream<tcp::socket>>>(std::move(socket), state)->start();
    } else {
      std::make_shared<Connection<tcp::socket>>(std::move(socket), state)->start();
    }
    accept(state);
  });
}

} // namespace

HttpListener::HttpListener(boost::asio::io_context &ioc, const std::string &address, unsigned short port,
                           Handler handler, std::chrono::milliseconds read_timeout, const ListenerTls &tls)
    : state_(std::make_shared<detail::ListenerState>(ioc, std::move(handler), read_timeout)) {
  if (!tls.certificate.empty()) {
    // TLS 1.2 and later only; the certificate file holds the chain, leaf first (PEM).
    net::ssl::context &context = state_->tls.emplace(net::ssl::context::tls_server);
    context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                        net::ssl::context::single_dh_use);
    error_code tls_ec;
    context.use_certificate_chain_file(tls.certificate, tls_ec);
    if (tls_ec) {
      runtime::refuse_input("TLS certificate " + tls.certificate + ": " + tls_ec.message());
    }
    context.use_private_key_file(tls.key, net::ssl::context::pem, tls_ec);
    if (tls_ec) {
      runtime::refuse_input("TLS key " + tls.key + ": " + tls_ec.message());
    }
  }
  error_code ec;
  const auto ip = net::ip::make_address(address, ec);
  if (ec) {
    runtime::refuse_input("cannot listen on \"" + address + "\": not an IP address");
  }
  const tcp::endpoint endpoint(ip, port);
  auto &acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    runtime::fail("cannot listen on " + to_string(endpoint) + ": " + ec.message());
  }
  port_ = acceptor.local_endpoint().port();
  accept(state_);
}

HttpListener::~HttpListener() {
  stop();
}

void HttpListener::stop() {
  state_->stopped = true;
  error_code ignored;
  state_->acceptor.close(ignored);
  state_->retry.cancel();
}

} // namespace cartera::exchange
