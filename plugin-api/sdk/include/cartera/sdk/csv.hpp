// Reading RFC 4180 CSV, the one way modules split a file someone saved from a spreadsheet:
// a UTF-8 byte-order mark is skipped (Excel's "CSV UTF-8" writes one), records end at CRLF or
// LF, fields are separated by commas, and a double-quoted field may hold commas, doubled
// quotes and line breaks. Each record knows the line it starts on, for messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::sdk {

struct CsvRecord {
  std::size_t line = 0; // 1-based line of the file where the record starts
  std::vector<std::string> fields;
};

struct CsvError {
  std::size_t line = 0;
  std::string reason; // "a quoted field is not closed", "a quote inside an unquoted field"
};

// Every record of text, blank lines skipped (a line holding only a comma is a record of two
// empty fields). Returns the first error instead when the text is not CSV.
struct CsvSplit {
  std::vector<CsvRecord> records;
  std::optional<CsvError> error;
};
CsvSplit split_csv(std::string_view text);

// text without a leading UTF-8 byte-order mark.
std::string_view without_bom(std::string_view text) noexcept;

} // namespace cartera::sdk
