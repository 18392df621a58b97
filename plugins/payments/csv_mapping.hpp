// The mapping of a bank's CSV export (schemas/xml/bank-csv-mapping.xsd): every bank (and every
// version of its online banking) exports different columns, date and number formats, so the
// mapping — an XML document the host validated against the schema — says which column feeds
// which BankEntry field. CSV exports rarely name the account or the currency, so the mapping
// gives them too. csv_statement.hpp reads a file through it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

// The BankEntry fields a column can feed. Named in the mapping and in messages as
// csv_field_name() gives them ("booking-date", "amount", ...).
enum class CsvField {
  kBookingDate,
  kValueDate,
  kAmount, // signed: negative is money out
  kCredit, // money in, never negative
  kDebit,  // money out, never negative
  kBankReference,
  kEndToEndId,
  kRemittance,
  kStructuredReference,
  kPayerName,
  kPayerId,
  kChannel,
};

const char *csv_field_name(CsvField f) noexcept;

enum class CsvDateFormat {
  kIso,          // YYYY-MM-DD
  kDayMonthYear, // DD/MM/YYYY
  kCompact,      // YYYYMMDD
};

// A column, by its header text (matched trimmed and ignoring ASCII case) or, when header is
// empty, by its 1-based position.
struct CsvColumn {
  std::string header;
  std::size_t position = 0;
};

struct CsvMapping {
  std::string bank;
  std::string account;
  std::string currency; // ISO 4217
  char delimiter = ',';
  bool header_row = true;
  CsvDateFormat date_format = CsvDateFormat::kIso;
  char decimal_separator = '.'; // '.' or ','
  char thousands_separator = 0; // 0 (none), '.' or ','
  // booking-date and either amount or both credit and debit are required.
  std::map<CsvField, CsvColumn> columns;
  // Fields whose values make an entry's key. Empty: bank-reference when mapped (for a row where
  // it is blank, every mapped field), else every mapped field.
  std::vector<CsvField> key_fields;
};

// Reads a mapping document (namespace urn:cartera:bank-csv-mapping:1). Assumes the host
// validated it against the schema, but refuses a DOCTYPE and checks what the schema cannot
// (booking-date and amount or credit+debit mapped, distinct separators, header names only with
// a header row). Throws std::invalid_argument saying why.
CsvMapping parse_csv_mapping(std::string_view xml);

// What parse_csv_mapping checks beyond the schema, for a mapping however it was made (the CSV
// reader checks it again). Throws std::invalid_argument saying why.
void check_csv_mapping(const CsvMapping &m);

// A cell, a header or a mapping's text as compared: without the spaces and tabs around it.
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

} // namespace cartera::payments
