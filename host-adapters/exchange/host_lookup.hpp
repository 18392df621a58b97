// A host name looked up with a deadline, for the exchange's clients (HTTP, SMTP): getaddrinfo
// cannot be cancelled, so a name is looked up on a thread of its own; when the lookup outlasts
// the deadline, the thread finishes alone and its answer is dropped. An IP address needs no
// lookup.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace cartera::exchange {

struct HostLookup {
  boost::system::error_code ec;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  bool timed_out = false;
};

HostLookup look_up_host(const std::string &host, std::uint16_t port, std::chrono::steady_clock::time_point deadline);

} // namespace cartera::exchange
