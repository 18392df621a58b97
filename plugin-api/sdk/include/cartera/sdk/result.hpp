// A job's tabular result: the columns it declares (cartera::Context::columns, the host's
// result_columns), the same way in every module.
#pragma once

#include <cartera/abi.h>

#include <cstdint>
#include <string_view>

namespace cartera::sdk {

// A result column: name in lower_snake ("days_past_due"), type a CARTERA_TYPE_*. The name is
// borrowed; result_columns copies it.
constexpr cartera_column column(std::string_view name, std::int32_t type) noexcept {
  return cartera_column{cartera_str{name.data(), name.size()}, type, 0};
}

} // namespace cartera::sdk
