// A bank file, read: the statement's account and the entries it reports, whatever the format
// (camt.053, Asobancaria 2001, a mapped CSV). Parsers are pure functions over the file's
// bytes; they check the file's own arithmetic (balances, control totals) and throw
// BankFileError naming where the file is wrong. intake.cpp stores what they return.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

// Why a file is refused: the line (1-based; 0 when the file as a whole is wrong), the field
// as the format names it (e.g. "Ntry/Amt", "06 valor recaudado", "amount"), the offending
// value, and the reason. what() is "line L: field F, value 'V': reason".
class BankFileError : public std::runtime_error {
public:
  BankFileError(std::uint64_t line, std::string field, std::string value, const std::string &reason);
  [[nodiscard]] std::uint64_t line() const noexcept { return line_; }
  [[nodiscard]] const std::string &field() const noexcept { return field_; }
  [[nodiscard]] const std::string &value() const noexcept { return value_; }

private:
  std::uint64_t line_;
  std::string field_;
  std::string value_;
};

// One movement on the account. Amounts are integer centavos: positive for money in (credit,
// a customer's payment), negative for money out (debit). reversal marks a movement that undoes
// an earlier one: a camt entry with RvslInd (its sign is the direction it moved the account),
// or an Asobancaria detail with a cause of return, which the file still reports positive and
// counts in its totals: matching must not take it for money received.
// Throws BankFileError: how the line-oriented readers refuse a file.
[[noreturn]] void refuse(std::uint64_t line, std::string field, std::string value, const std::string &reason);

struct BankEntry {
  std::uint64_t line = 0; // where it starts in the file
  std::string key;        // the movement's name across files: the same movement in two files has the same key
  // What makes it the same money: key + booking date + signed amount + reversal, and its place
  // among identical ones of the file ("#2"...). Two movements with one key (a reused bank
  // reference) have two identities; the same movement in two files has one (finish_bank_file).
  std::string identity;
  std::string account;           // the company's account (IBAN, local number)
  std::int64_t booking_date = 0; // days since 1970-01-01 (cartera/sdk/date.hpp)
  std::int64_t value_date = 0;   // = booking_date when the file gives none
  std::int64_t amount = 0;
  std::string currency;       // ISO 4217, e.g. COP
  bool reversal = false;      // camt RvslInd, or a returned-check cause
  std::string bank_reference; // AcctSvcrRef, Asobancaria operation/authorization, CSV column
  std::string end_to_end_id;
  std::string remittance;           // unstructured text (Ustrd), or Asobancaria's main reference
  std::string structured_reference; // Strd/CdtrRefInf/Ref
  std::string payer_name;
  std::string payer_id; // NIT, CC... as the bank gives it
  std::string channel;  // Asobancaria procedencia/medio de pago, camt BkTxCd, free text
};

struct BankFile {
  std::string format;       // camt053 | asobancaria2001 | csv
  std::string statement_id; // camt Stmt/Id; Asobancaria NIT+date+modifier; CSV: empty
  std::string account;
  std::string currency;
  std::int64_t opening_balance = 0; // camt only; 0 elsewhere
  std::int64_t closing_balance = 0;
  bool has_balances = false;
  std::vector<BankEntry> entries;
  std::vector<std::uint64_t> skipped_zero_lines; // booked entries of 0.00: no movement, but said
};

// Limits at intake (README "Limits"): a bank file larger than this is refused before it is
// read, and so is any text a movement would store that is longer than kMaxTextField bytes.
constexpr std::size_t kMaxBankFileBytes = std::size_t{256} << 20;
constexpr std::size_t kMaxTextField = 2048;

// The first step of every parser: refuses (line 0, field "file") a file above kMaxBankFileBytes.
void check_bank_file_size(std::string_view bytes);

// What each stored text is called in the format, for refusals.
struct TextFieldNames {
  const char *account;
  const char *statement_id;
  const char *bank_reference;
  const char *end_to_end_id;
  const char *remittance;
  const char *structured_reference;
  const char *payer_name;
  const char *payer_id;
  const char *channel;
};

// The last step of every parser: each stored text checked (at most kMaxTextField bytes; no C0
// control but tab, and newlines only in the remittance text), then the identities given.
// Throws BankFileError with the entry's line and the format's field name.
void finish_bank_file(BankFile &file, const TextFieldNames &names);

// What the fixed-width and CSV parsers both need to say: only ASCII digits (and not empty);
// a byte as "0xE9" in a refusal.
bool is_digits(std::string_view s) noexcept;
std::string hex_byte(unsigned char c);

} // namespace cartera::payments
