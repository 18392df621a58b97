// Delivering what recipients are owed (cartera.xml <exchange>): each recipient's documents in
// the order they were emitted, by its transport, with retries that back off and, after the
// recipient's max-attempts, a failed state and a delivery alert. The document id travels with
// each (the file name, the Idempotency-Key header, the interface table's key), so delivering
// twice after a crash is seen by the receiver as the same document, never a new one.
#pragma once

#include "runtime/host/host.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace cartera::exchange {

struct DeliveryReport {
  std::size_t delivered = 0;
  std::size_t retries_scheduled = 0; // failed attempts that will be tried again
  std::size_t failed = 0;            // gave up: marked failed, alert raised
  std::size_t pending = 0;           // still owed after the pass (not due yet, or behind a failure)
  // Recipients another process was delivering at the time (each claimed before it is
  // delivered), with who: their documents are that process's to send.
  std::vector<std::string> busy;
};

struct DeliveryOptions {
  // Keep going until nothing is pending or this long has passed (0: one pass).
  std::chrono::seconds wait{0};
  // Called after each document; for the progress line.
  std::function<void(const std::string &recipient, const std::string &document, const std::string &outcome)> on_event;
};

// The wall clock, not the run's --now: retries wait real time.
std::string utc_now_iso();

DeliveryReport deliver(runtime::Host &host, const DeliveryOptions &options);

} // namespace cartera::exchange
