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

// The rows of one table of an ERP export, whatever form it came in (CSV file or XML section),
// addressed by the interchange column names.
class Rows {
public:
  virtual ~Rows() = default;
  [[nodiscard]] virtual std::size_t rows() const noexcept = 0;
  [[nodiscard]] virtual std::size_t line(std::size_t row) const noexcept = 0;
  // Valid as long as the Rows are.
  [[nodiscard]] virtual std::string_view get(std::size_t row, const std::string &column) const = 0;
  // Data beyond the interchange columns, as "name=value" lines (kept, not interpreted).
  [[nodiscard]] virtual std::string extra(std::size_t row) const = 0;
  // "customers.csv:12: column id_number: '900123456-7': <why>" (exit 3)
  [[noreturn]] virtual void refuse(std::size_t row, const std::string &column, const std::string &why) const = 0;
};

class CsvFile : public Rows {
public:
  // Reads and splits the whole file; refuses (exit 3) bad UTF-8, unbalanced quotes, a row
  // whose field count differs from the header's, and a header without the required columns.
  CsvFile(const std::filesystem::path &path, const std::vector<std::string> &required_columns);

  [[nodiscard]] std::size_t rows() const noexcept override { return lines_.size(); }
  [[nodiscard]] std::size_t line(std::size_t row) const noexcept override { return lines_[row]; }
  [[nodiscard]] std::string_view get(std::size_t row, const std::string &column) const override;
  [[nodiscard]] std::string extra(std::size_t row) const override;
  [[noreturn]] void refuse(std::size_t row, const std::string &column, const std::string &why) const override;
  [[nodiscard]] const std::filesystem::path &path() const noexcept { return path_; }

private:
  void check_header(const std::string &name, const std::vector<std::string> &required);
  [[nodiscard]] std::string_view field_view(std::size_t index) const;

  std::filesystem::path path_;
  std::vector<std::string> header_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::size_t> extra_columns_;
  std::string data_;               // every field of every row, one after another
  std::vector<std::size_t> ends_;  // where each field ends in data_, row after row
  std::vector<std::size_t> lines_; // the line each row starts on
};

// One section of a receivables-export XML document (schemas/xml/receivables-export.xsd): the
// <element> children of <section>, one attribute per column; <extra> children are kept.
class XmlRows : public Rows {
public:
  // text must already have been validated against the schema; file names the document.
  XmlRows(const std::string &file, const std::string &text, const std::string &section, const std::string &element,
          const std::vector<std::string> &columns);

  [[nodiscard]] std::size_t rows() const noexcept override { return rows_.size(); }
  [[nodiscard]] std::size_t line(std::size_t row) const noexcept override { return lines_[row]; }
  [[nodiscard]] std::string_view get(std::size_t row, const std::string &column) const override;
  [[nodiscard]] std::string extra(std::size_t row) const override { return extras_[row]; }
  [[noreturn]] void refuse(std::size_t row, const std::string &column, const std::string &why) const override;

private:
  std::string file_;
  std::string element_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> extras_;
  std::vector<std::size_t> lines_;
};

} // namespace cartera::reference
