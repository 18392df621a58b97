// A bank statement exported as CSV, read through the bank's mapping (csv_mapping.hpp), which
// says which column feeds which BankEntry field, and gives the account and currency that CSV
// exports rarely name.
#pragma once

#include "bank_file.hpp"
#include "csv_mapping.hpp"

#include <string_view>

namespace cartera::payments {

// Reads a UTF-8 CSV export (RFC 4180 quoting; a BOM is skipped) through the mapping. Throws
// std::invalid_argument when the mapping itself is inconsistent and BankFileError, naming the
// physical line, the mapped field and the value, when the file is wrong.
BankFile parse_csv_statement(std::string_view bytes, const CsvMapping &m);

} // namespace cartera::payments
