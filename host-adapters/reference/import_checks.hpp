// The import's checks of one value, each refusing (exit 3) with file, line, column and value
// (Rows::refuse) when the value is not what the column holds.
#pragma once

#include "reference/csv_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cartera::reference {

std::int64_t date_or_refuse(const Rows &f, std::size_t row, const std::string &col);
// Pesos with '.' and up to two decimals, as centavos; zero only when zero_ok, negative only when
// negative_ok.
std::int64_t amount_or_refuse(const Rows &f, std::size_t row, const std::string &col, bool zero_ok,
                              bool negative_ok = false);
void require_text(const Rows &f, std::size_t row, const std::string &col);
// Ids are the ERP's keys: printable, no control characters, at most 64 bytes.
void require_id(const Rows &f, std::size_t row, const std::string &col);
// A whole number of at least `least`, written as digits alone.
long long whole_or_refuse(const Rows &f, std::size_t row, const std::string &col, long long least,
                          const std::string &why);
// first_line keys on views into the CSV's own storage, which outlives the check.
void unique_or_refuse(const Rows &f, std::size_t row, const std::string &col,
                      std::unordered_map<std::string_view, std::size_t> &first_line);

} // namespace cartera::reference
