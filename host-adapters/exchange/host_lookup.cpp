#include "exchange/host_lookup.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <future>
#include <memory>
#include <thread>

namespace cartera::exchange {

HostLookup look_up_host(const std::string &host, std::uint16_t port, std::chrono::steady_clock::time_point deadline) {
  namespace net = boost::asio;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (!ec) {
    return {{}, {net::ip::tcp::endpoint(address, port)}};
  }
  auto promise = std::make_shared<std::promise<HostLookup>>();
  auto answer = promise->get_future();
  std::thread([promise, host, port] {
    HostLookup lookup;
    net::io_context ioc;
    net::ip::tcp::resolver resolver(ioc);
    for (const auto &entry : resolver.resolve(host, std::to_string(port), lookup.ec)) {
      lookup.endpoints.push_back(entry.endpoint());
    }
    promise->set_value(std::move(lookup));
  }).detach();
  if (answer.wait_until(deadline) == std::future_status::timeout) {
    HostLookup late;
    late.timed_out = true;
    return late;
  }
  return answer.get();
}

} // namespace cartera::exchange
