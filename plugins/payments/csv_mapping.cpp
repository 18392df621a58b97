// Reading the mapping document of a bank's CSV export, and checking what its schema cannot.
#include "csv_mapping.hpp"
#include "bank_file.hpp"
#include "xml_names.hpp"

#include <pugixml.hpp>

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace cartera::payments {

namespace {

constexpr std::array<std::pair<CsvField, const char *>, 12> kFieldNames = {{
    {CsvField::kBookingDate, "booking-date"},
    {CsvField::kValueDate, "value-date"},
    {CsvField::kAmount, "amount"},
    {CsvField::kCredit, "credit"},
    {CsvField::kDebit, "debit"},
    {CsvField::kBankReference, "bank-reference"},
    {CsvField::kEndToEndId, "end-to-end-id"},
    {CsvField::kRemittance, "remittance"},
    {CsvField::kStructuredReference, "structured-reference"},
    {CsvField::kPayerName, "payer-name"},
    {CsvField::kPayerId, "payer-id"},
    {CsvField::kChannel, "channel"},
}};

constexpr std::string_view kMappingNamespace = "urn:cartera:bank-csv-mapping:1";

[[noreturn]] void bad_mapping(const std::string &why) {
  throw std::invalid_argument("bank CSV mapping: " + why);
}

std::optional<CsvField> field_by_name(std::string_view name) {
  for (const auto &[f, n] : kFieldNames) {
    if (name == n) {
      return f;
    }
  }
  return std::nullopt;
}

std::string_view mapping_text(const pugi::xml_node &n) {
  return trim_blanks(n.child_value());
}

char separator(std::string_view word, std::string_view what) {
  if (word == "comma") {
    return ',';
  }
  if (word == "dot") {
    return '.';
  }
  if (word == "semicolon") {
    return ';';
  }
  if (word == "tab") {
    return '\t';
  }
  if (word == "pipe") {
    return '|';
  }
  if (word == "none") {
    return 0;
  }
  bad_mapping(std::string(what) + " '" + std::string(word) + "' is not known");
}

} // namespace

void check_csv_mapping(const CsvMapping &m) {
  if (trim_blanks(m.account).empty()) {
    bad_mapping("no account (CSV exports rarely name it, so the mapping must)");
  }
  if (m.currency.size() != 3 || m.currency.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
    bad_mapping("currency '" + m.currency + "' is not an ISO 4217 code");
  }
  if (m.delimiter == 0 || m.delimiter == '"' || m.delimiter == '\r' || m.delimiter == '\n') {
    bad_mapping("the delimiter cannot be a quote or a line break");
  }
  if (m.decimal_separator != '.' && m.decimal_separator != ',') {
    bad_mapping("the decimal separator must be '.' or ','");
  }
  if (m.thousands_separator != 0 && m.thousands_separator != '.' && m.thousands_separator != ',') {
    bad_mapping("the thousands separator must be none, '.' or ','");
  }
  if (m.thousands_separator == m.decimal_separator) {
    bad_mapping("the decimal and thousands separators are the same");
  }
  const auto mapped = [&](CsvField f) { return m.columns.count(f) != 0; };
  if (!mapped(CsvField::kBookingDate)) {
    bad_mapping("booking-date is not mapped");
  }
  const bool amount = mapped(CsvField::kAmount);
  const bool credit = mapped(CsvField::kCredit);
  const bool debit = mapped(CsvField::kDebit);
  if (amount && (credit || debit)) {
    bad_mapping("map either amount or credit and debit, not both");
  }
  if (!amount && !(credit && debit)) {
    bad_mapping("map amount, or both credit and debit");
  }
  for (const auto &[field, column] : m.columns) {
    if (column.header.empty() && column.position == 0) {
      bad_mapping(std::string(csv_field_name(field)) + " names no column");
    }
    if (!column.header.empty() && !m.header_row) {
      bad_mapping(std::string(csv_field_name(field)) + " names column '" + column.header +
                  "' but the file has no header row: give its position");
    }
  }
  for (std::size_t i = 0; i < m.key_fields.size(); ++i) {
    const CsvField f = m.key_fields[i];
    if (!mapped(f)) {
      bad_mapping(std::string("key field ") + csv_field_name(f) + " is not mapped");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (m.key_fields[j] == f) {
        bad_mapping(std::string("key field ") + csv_field_name(f) + " is listed twice");
      }
    }
  }
}

const char *csv_field_name(CsvField f) noexcept {
  for (const auto &[field, name] : kFieldNames) {
    if (field == f) {
      return name;
    }
  }
  return "?";
}

CsvMapping parse_csv_mapping(std::string_view xml) {
  pugi::xml_document doc;
  if (const std::string refused = load_config_document(doc, xml, "bank-csv-mapping", kMappingNamespace);
      !refused.empty()) {
    bad_mapping(refused);
  }
  const pugi::xml_node root = doc.document_element();

  CsvMapping m;
  m.bank = mapping_text(child(root, "bank"));
  m.account = mapping_text(child(root, "account"));
  m.currency = mapping_text(child(root, "currency"));
  const pugi::xml_node format = child(root, "format");
  m.delimiter = separator(format.attribute("delimiter").as_string("comma"), "delimiter");
  const std::string_view header_row = format.attribute("header-row").as_string("true");
  m.header_row = header_row == "true" || header_row == "1";
  const std::string_view date_format = format.attribute("date-format").value();
  if (date_format == "YYYY-MM-DD") {
    m.date_format = CsvDateFormat::kIso;
  } else if (date_format == "DD/MM/YYYY") {
    m.date_format = CsvDateFormat::kDayMonthYear;
  } else if (date_format == "YYYYMMDD") {
    m.date_format = CsvDateFormat::kCompact;
  } else {
    bad_mapping("date-format '" + std::string(date_format) + "' is not known");
  }
  m.decimal_separator = separator(format.attribute("decimal-separator").value(), "decimal-separator");
  m.thousands_separator = separator(format.attribute("thousands-separator").as_string("none"), "thousands-separator");

  for (const pugi::xml_node column : child(root, "columns").children()) {
    if (column.type() != pugi::node_element) {
      continue;
    }
    const std::string_view name = column.attribute("field").value();
    const std::optional<CsvField> field = field_by_name(name);
    if (!field) {
      bad_mapping("field '" + std::string(name) + "' is not known");
    }
    if (m.columns.count(*field) != 0) {
      bad_mapping("field " + std::string(name) + " is mapped twice");
    }
    CsvColumn c;
    if (const pugi::xml_node header = child(column, "header")) {
      c.header = mapping_text(header);
    } else {
      const std::string_view position = mapping_text(child(column, "position"));
      if (!is_digits(position) || position.size() > 6) {
        bad_mapping("field " + std::string(name) + ": position '" + std::string(position) + "' is not a number");
      }
      c.position = std::stoul(std::string(position));
    }
    m.columns[*field] = std::move(c);
  }
  for (const pugi::xml_node f : child(root, "key").children()) {
    if (f.type() != pugi::node_element) {
      continue;
    }
    const std::optional<CsvField> field = field_by_name(mapping_text(f));
    if (!field) {
      bad_mapping("key field '" + std::string(mapping_text(f)) + "' is not known");
    }
    m.key_fields.push_back(*field);
  }
  check_csv_mapping(m);
  return m;
}

} // namespace cartera::payments
