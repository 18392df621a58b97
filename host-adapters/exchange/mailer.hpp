// The messages owed to customers (cartera_message, queued by modules through ABI 1.2's
// queue_message), sent through the configured SMTP server, each only when Ley 2300 de 2023
// allows it: inside the contact hours and the frequency limits the contact log shows
// (runtime/call/contact_policy.hpp). A message that may not go yet keeps its place with the instant
// it may; every attempt to send is a row of the contact log.
//
// Each message is settled in its own short transaction after the server answered: a process
// killed between the server's 250 and that transaction sends that one message again on the next
// run (the same Message-ID, so the recipient's mail system can tell). Nothing else repeats.
#pragma once

#include "runtime/host/host.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace cartera::exchange {

struct MailReport {
  std::size_t sent = 0;
  std::size_t deferred = 0; // outside a window or a frequency limit: they wait
  std::size_t failed = 0;   // refused for good (a 5xx, an address that is not one)
  std::size_t retry = 0;    // a transient failure: tried again later
  bool configured = true;   // false: cartera.xml has no <mail>, nothing was attempted
};

// Sends what is due at the host's clock. progress(done, total) for the terminal.
MailReport send_due_messages(runtime::Host &host, const std::string &user,
                             const std::function<void(std::uint64_t, std::uint64_t)> &progress = {});

} // namespace cartera::exchange
