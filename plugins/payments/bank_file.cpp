#include "bank_file.hpp"

namespace cartera::payments {

BankFileError::BankFileError(std::uint64_t line, std::string field, std::string value, const std::string &reason)
    : std::runtime_error("line " + std::to_string(line) + ": field " + field + ", value '" + value + "': " + reason),
      line_(line), field_(std::move(field)), value_(std::move(value)) {}

} // namespace cartera::payments
