#include "bank_file.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/text.hpp>

#include <cstdio>
#include <unordered_map>

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

namespace {

// A long value, cut for a message on a character boundary.
std::string shown(std::string_view value) {
  if (value.size() <= 60) {
    return std::string(value);
  }
  std::size_t end = 60;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0u) == 0x80u) {
    --end;
  }
  return std::string(value.substr(0, end)) + "... (" + std::to_string(value.size()) + " bytes)";
}

void check_text(const BankEntry &e, std::string_view value, const char *field, bool multiline) {
  if (value.size() > kMaxTextField) {
    refuse(e.line, field, shown(value),
           std::to_string(value.size()) + " bytes; cartera stores at most " + std::to_string(kMaxTextField) +
               " bytes of any text of a movement");
  }
  if (const std::size_t at = sdk::first_control_char(value, multiline); at != std::string_view::npos) {
    const auto c = static_cast<unsigned char>(value[at]);
    refuse(e.line, field, sdk::describe_control_char(c),
           "control character " + sdk::describe_control_char(c) + " at character " + std::to_string(at + 1) +
               " of the text: only tab" + (multiline ? ", newline and carriage return are" : " is") + " allowed here");
  }
}

} // namespace

void check_bank_file_size(std::string_view bytes) {
  if (bytes.size() > kMaxBankFileBytes) {
    refuse(0, "file", std::to_string(bytes.size()) + " bytes",
           "larger than the " + std::to_string(kMaxBankFileBytes >> 20) +
               " MB cartera reads in one bank file (a day of 200,000 camt.053 movements is about 150 MB); ask the "
               "bank for the statement in parts");
  }
}

void finish_bank_file(BankFile &file, const TextFieldNames &names) {
  if (file.statement_id.size() > kMaxTextField ||
      sdk::first_control_char(file.statement_id) != std::string_view::npos) {
    BankEntry whole;
    check_text(whole, file.statement_id, names.statement_id, false);
  }
  std::unordered_map<std::string, int> uses;
  uses.reserve(file.entries.size());
  for (BankEntry &e : file.entries) {
    check_text(e, e.account, names.account, false);
    check_text(e, e.bank_reference, names.bank_reference, false);
    check_text(e, e.end_to_end_id, names.end_to_end_id, false);
    check_text(e, e.remittance, names.remittance, true);
    check_text(e, e.structured_reference, names.structured_reference, false);
    check_text(e, e.payer_name, names.payer_name, false);
    check_text(e, e.payer_id, names.payer_id, false);
    check_text(e, e.channel, names.channel, false);

    std::string id;
    id.reserve(e.key.size() + 32);
    id += e.key;
    id += ':';
    id += sdk::format_iso_date(e.booking_date);
    id += ':';
    id += std::to_string(e.amount);
    if (e.reversal) {
      id += ":R";
    }
    const int n = ++uses[id];
    if (n > 1) {
      id += '#';
      id += std::to_string(n);
    }
    e.identity = std::move(id);
  }
}

} // namespace cartera::payments
