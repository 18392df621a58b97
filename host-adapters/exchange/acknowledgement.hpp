// A recipient's answer to a delivered document (schemas/xml/acknowledgement.xsd): accepted with
// the number of what it issued, or rejected with why. Checked whole before anything changes:
// not XML, a DOCTYPE, the wrong schema, a document cartera never sent that recipient, or an
// answer that contradicts the one recorded are refused (runtime::Failure, exit 3) and change
// nothing. The same answer twice is recorded once.
#pragma once

#include "runtime/host/host.hpp"

#include <string>
#include <string_view>

namespace cartera::exchange {

struct Answer {
  std::string document;
  std::string from;
  bool accepted = false;
  std::string number; // accepted
  std::string reason; // rejected
  bool already_recorded = false;
};

// source names the bytes in messages (a file path, "HTTP POST from 127.0.0.1"). sender: the
// recipient the bytes are known to come from (authenticated by serve); an answer naming
// another recipient is refused (runtime::Failure kNotPermitted) before anything changes. Empty
// for the inbox, whose folder's permissions are its credential.
Answer receive_acknowledgement(runtime::Host &host, std::string_view bytes, const std::string &source,
                               const std::string &sender = "");

} // namespace cartera::exchange
