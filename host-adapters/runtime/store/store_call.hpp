// The runtime store's one way to report a database error: what it was doing, and SOCI's reason.
#pragma once

#include "base/failure.hpp"

#include <soci/soci.h>

#include <string>

namespace cartera::runtime::detail {

template <class F> auto db_call(const std::string &what, F &&f) {
  try {
    return f();
  } catch (const soci::soci_error &e) {
    fail(what + ": " + e.get_error_message());
  }
}

} // namespace cartera::runtime::detail
