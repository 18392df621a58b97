// One document, one HTTP/1.1 POST: plain TCP for http://, TLS with certificate and host-name
// verification for https://. Synchronous, with one deadline for the whole exchange (connect,
// handshake, write, read), so a caller (the exchange's retry loop) never waits longer than it
// asked. Network failures come back as text in HttpResult, never as exceptions.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace cartera::exchange {

struct HttpTarget {
  std::string scheme;      // "http" or "https"
  std::string host;        // a DNS name, an IPv4 address, or an IPv6 address without brackets
  unsigned short port = 0; // 80 or 443 unless the URL says otherwise
  std::string target;      // path and query, always starting with '/'; no fragment
  std::string ca_file;     // https only: trust this PEM file instead of the system's CA paths
};

struct HttpResult {
  std::string error;           // empty when a response arrived; otherwise what went wrong, for a person
  int status = 0;              // the response's status code, when error is empty
  std::string body;            // the first kMaxResponseBody bytes of the response body
  bool body_truncated = false; // the response body was longer than kMaxResponseBody

  [[nodiscard]] bool ok() const { return error.empty(); } // a response arrived (any status)
};

constexpr std::size_t kMaxResponseBody = std::size_t{64} * 1024;

// Parses "http://host[:port]/path?query" and "https://...". Refuses (runtime::Failure with exit
// code kInputRefused) other schemes, user-info ("user:pass@"), an empty host, a port that is not
// 1-65535, and characters a URL may not hold (spaces, controls). The fragment ("#...") is dropped.
HttpTarget parse_http_url(std::string_view url);

// POSTs body to target with Content-Type "application/xml; charset=utf-8" and Connection: close,
// plus the caller's headers (Idempotency-Key, ...; a caller's Content-Type replaces the default).
// Every failure of the network or the peer (refused, reset, timed out, TLS handshake or
// certificate verification, an unreadable CA file, a malformed response) comes back in
// HttpResult::error. Throws std::invalid_argument only for a programming error: an unparsed
// target (no scheme) or a header name or value that would break the request (CR, LF, NUL).
// Host names are resolved on a helper thread: a lookup that outlasts the deadline is abandoned.
HttpResult post_document(const HttpTarget &target, std::string_view body,
                         const std::map<std::string, std::string> &headers, std::chrono::milliseconds timeout);

} // namespace cartera::exchange
