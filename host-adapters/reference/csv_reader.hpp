// RFC 4180 CSV as ERP exports write it: UTF-8 (validated, with a BOM tolerated), a header
// row, comma separated, double quotes around fields that need them. Every refusal names the
// file, the line, the column and the value.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::reference {

class CsvFile {
public:
  // Reads and splits the whole file; refuses (exit 3) bad UTF-8, unbalanced quotes, a row
  // whose field count differs from the header's, and a header without the required columns.
  CsvFile(const std::filesystem::path &path, const std::vector<std::string> &required_columns);

  [[nodiscard]] std::size_t rows() const noexcept { return rows_.size(); }
  [[nodiscard]] std::size_t line(std::size_t row) const noexcept { return lines_[row]; }
  [[nodiscard]] const std::string &get(std::size_t row, const std::string &column) const;
  // Columns beyond the required ones, as "name=value" lines (kept, not interpreted).
  [[nodiscard]] std::string extra(std::size_t row) const;

  // "customers.csv:12: column id_number: '900123456-7': <why>"
  [[noreturn]] void refuse(std::size_t row, const std::string &column, const std::string &why) const;
  [[nodiscard]] const std::filesystem::path &path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
  std::vector<std::string> header_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::size_t> extra_columns_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_; // the line each row starts on
};

// The byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view s) noexcept;

} // namespace cartera::reference
