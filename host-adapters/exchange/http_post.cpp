// post_document is written as a sequence of steps, each an asynchronous Beast operation followed
// by running the private io_context until it completes: it reads like blocking code, but the
// tcp_stream's expiry (set once, to the deadline) bounds connect, handshake, write and read
// together, which Beast's blocking calls cannot do.
#include "exchange/http_post.hpp"
#include "exchange/host_lookup.hpp"
#include "exchange/rfc_text.hpp"

#include "base/failure.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cartera::exchange {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_ip_address(const std::string &host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

bool is_host_name(std::string_view host) {
  return std::all_of(host.begin(), host.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_'; });
}

std::string authority(const HttpTarget &t) {
  std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
  const unsigned short default_port = t.scheme == "https" ? 443 : 80;
  return t.port == default_port ? host : host + ":" + std::to_string(t.port);
}

// Runs the steps of one exchange on a private io_context and turns a failed step into text.
class Steps {
public:
  Steps(net::io_context &ioc, Clock::time_point deadline, std::chrono::milliseconds timeout)
      : ioc_(ioc), deadline_(deadline), timeout_(timeout) {}

  // Starts op (an asynchronous operation waiting for its completion handler) and runs the
  // io_context until it completes. Returns "" on success, else what went wrong.
  template <class Op> std::string run(const char *doing, const char *failed, Op op) {
    beast::error_code ec;
    op([&ec](beast::error_code e, auto &&...) { ec = e; });
    ioc_.restart();
    ioc_.run();
    if (!ec) {
      return {};
    }
    if (ec == beast::error::timeout || Clock::now() >= deadline_) {
      return "timed out after " + std::to_string(timeout_.count()) + " ms " + doing;
    }
    std::string error = std::string(failed) + ": " + ec.message();
    if (tls_ != nullptr && SSL_get_verify_result(tls_) != X509_V_OK) {
      // What OpenSSL found wrong with the certificate: "self-signed certificate", "hostname mismatch".
      error += std::string(" (") + X509_verify_cert_error_string(SSL_get_verify_result(tls_)) + ")";
    }
    return error;
  }

  void explain_certificates_of(SSL *tls) { tls_ = tls; }

private:
  net::io_context &ioc_;
  Clock::time_point deadline_;
  std::chrono::milliseconds timeout_;
  SSL *tls_ = nullptr;
};

using Request = http::request<http::string_body>;

template <class Stream>
std::string exchange(Steps &steps, Stream &stream, const std::vector<tcp::endpoint> &endpoints, Request &request,
                     HttpResult &result) {
  auto &socket = beast::get_lowest_layer(stream);
  std::string error = steps.run("connecting", "cannot connect",
                                [&](auto handler) { socket.async_connect(endpoints, std::move(handler)); });
  if (error.empty()) {
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      steps.explain_certificates_of(stream.native_handle());
      error = steps.run("in the TLS handshake", "TLS handshake failed",
                        [&](auto handler) { stream.async_handshake(ssl::stream_base::client, std::move(handler)); });
    }
  }
  if (error.empty()) {
    error = steps.run("sending the request", "cannot send the request",
                      [&](auto handler) { http::async_write(stream, request, std::move(handler)); });
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  // No limit: the loop below stops reading at kMaxResponseBody. (Not boost::none, which Beast 1.74
  // compares as smaller than every length, so that any body is "over the limit".)
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (error.empty()) {
    error = steps.run("waiting for the response", "cannot read the response",
                      [&](auto handler) { http::async_read_header(stream, buffer, parser, std::move(handler)); });
  }
  while (error.empty() && !parser.is_done() && parser.get().body().size() <= kMaxResponseBody) {
    error = steps.run("reading the response", "cannot read the response",
                      [&](auto handler) { http::async_read_some(stream, buffer, parser, std::move(handler)); });
  }
  if (error.empty()) {
    result.status = parser.get().result_int();
    result.body = std::move(parser.get().body());
    result.body_truncated = result.body.size() > kMaxResponseBody;
    if (result.body_truncated) {
      result.body.resize(kMaxResponseBody);
    }
  }
  return error;
}

} // namespace

HttpTarget parse_http_url(std::string_view url) {
  const std::string quoted = "URL \"" + std::string(url) + "\": ";
  const auto refuse = [&quoted](const std::string &why) { runtime::refuse_input(quoted + why); };

  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    refuse("not an http:// or https:// URL");
  }
  HttpTarget t;
  t.scheme = lowercase(url.substr(0, scheme_end));
  if (t.scheme != "http" && t.scheme != "https") {
    refuse("the scheme \"" + t.scheme + "\" is not supported; use http:// or https://");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const auto authority_end = std::min(rest.find('/'), rest.find('?'));
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view path = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);

  if (authority.find('@') != std::string_view::npos) {
    // Said without repeating the URL: it may carry a password.
    runtime::refuse_input("a URL with user information (user:password@host) is refused; credentials belong in "
                          "headers, not in the URL");
  }
  const bool bracketed = !authority.empty() && authority.front() == '[';
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (bracketed) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      refuse("the IPv6 address has no closing ']'");
    }
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      refuse("unexpected \"" + std::string(after) + "\" after the IPv6 address");
    }
    has_port = !after.empty();
    port = has_port ? after.substr(1) : after;
    boost::system::error_code ec;
    net::ip::make_address_v6(std::string(host), ec);
    if (ec && !host.empty()) {
      refuse("\"" + std::string(host) + "\" is not an IPv6 address");
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
    if (port.find(':') != std::string_view::npos) {
      refuse("an IPv6 address must be written in brackets, as in http://[::1]:8080/");
    }
  }
  if (host.empty()) {
    refuse("the host is empty");
  }
  if (!bracketed && !is_host_name(host)) {
    refuse("\"" + std::string(host) + "\" is not a host name or an IP address");
  }
  t.host = lowercase(host);

  t.port = t.scheme == "https" ? 443 : 80;
  if (has_port) {
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    const unsigned long number = digits ? std::stoul(std::string(port)) : 0;
    if (number < 1 || number > 65535) {
      refuse("the port \"" + std::string(port) + "\" is not a number from 1 to 65535");
    }
    t.port = static_cast<unsigned short>(number);
  }

  for (const unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7f) {
      refuse("the path holds a space, a control character or a non-ASCII byte; percent-encode it");
    }
  }
  t.target = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
  return t;
}

HttpResult post_document(const HttpTarget &target, std::string_view body,
                         const std::map<std::string, std::string> &headers, std::chrono::milliseconds timeout) {
  if ((target.scheme != "http" && target.scheme != "https") || target.host.empty() || target.port == 0 ||
      target.target.empty() || target.target.front() != '/') {
    throw std::invalid_argument("post_document: the target is not a parsed http(s) URL (use parse_http_url)");
  }
  Request request(http::verb::post, target.target, 11);
  request.set(http::field::host, authority(target));
  request.set(http::field::user_agent, "cartera");
  request.set(http::field::content_type, "application/xml; charset=utf-8");
  request.set(http::field::connection, "close");
  for (const auto &[name, value] : headers) {
    if (!is_rfc_token(name) || value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      throw std::invalid_argument("post_document: header \"" + name + "\" would break the request");
    }
    request.set(name, value);
  }
  request.body() = std::string(body);
  request.prepare_payload();

  const auto deadline = Clock::now() + timeout;
  const std::string url = target.scheme + "://" + authority(target) + target.target;
  HttpResult result;
  const auto failed = [&](const std::string &error) {
    result.error = "POST " + url + ": " + error;
    return result;
  };

  const HostLookup lookup = look_up_host(target.host, target.port, deadline);
  if (lookup.timed_out) {
    return failed("timed out after " + std::to_string(timeout.count()) + " ms looking up the host name");
  }
  if (lookup.ec) {
    return failed("cannot look up the host name: " + lookup.ec.message());
  }

  net::io_context ioc;
  Steps steps(ioc, deadline, timeout);
  std::string error;
  if (target.scheme == "http") {
    beast::tcp_stream stream(ioc);
    stream.expires_at(deadline); // one deadline for every step from here on
    error = exchange(steps, stream, lookup.endpoints, request, result);
  } else {
    ssl::context tls(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    tls.set_verify_mode(ssl::verify_peer);
    beast::error_code ec;
    if (target.ca_file.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.load_verify_file(target.ca_file, ec);
    }
    if (ec) {
      return failed("cannot load the trusted certificates" +
                    (target.ca_file.empty() ? std::string() : " from " + target.ca_file) + ": " + ec.message());
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
    SSL *ssl = stream.native_handle();
    // The certificate must name the host: OpenSSL checks it during the handshake, and
    // SSL_get_verify_result then says "hostname mismatch" rather than a bare "verify failed".
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    if (is_ip_address(target.host)) {
      X509_VERIFY_PARAM_set1_ip_asc(param, target.host.c_str());
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, target.host.c_str(), target.host.size());
      SSL_set_tlsext_host_name(ssl, target.host.c_str()); // SNI carries names only, never addresses
    }
    beast::get_lowest_layer(stream).expires_at(deadline);
    error = exchange(steps, stream, lookup.endpoints, request, result);
  }
  return error.empty() ? result : failed(error);
}

} // namespace cartera::exchange
