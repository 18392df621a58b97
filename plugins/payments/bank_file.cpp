#include "bank_file.hpp"

#include <cstdio>

namespace cartera::payments {

BankFileError::BankFileError(std::uint64_t line, std::string field, std::string value, const std::string &reason)
    : std::runtime_error("line " + std::to_string(line) + ": field " + field + ", value '" + value + "': " + reason),
      line_(line), field_(std::move(field)), value_(std::move(value)) {}

void refuse(std::uint64_t line, std::string field, std::string value, const std::string &reason) {
  throw BankFileError(line, std::move(field), std::move(value), reason);
}

bool is_digits(std::string_view s) noexcept {
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

} // namespace cartera::payments
