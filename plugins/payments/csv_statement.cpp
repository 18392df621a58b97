#include "csv_statement.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <utility>

namespace cartera::payments {

namespace {

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// The mapping's column as people see it in the file, for messages.
std::string describe_column(const CsvColumn &c) {
  return c.header.empty() ? "column " + std::to_string(c.position) : "column '" + c.header + "'";
}

struct Record {
  std::uint64_t line = 0; // the physical line it starts on
  std::vector<std::string> fields;
};

// RFC 4180: fields separated by the delimiter, records by CRLF or LF; a field in double quotes
// may hold the delimiter, line breaks and doubled quotes. Leniencies, because spreadsheets
// write them: spaces before an opening quote are dropped, a quote inside an unquoted field is
// kept as text, and rows with every field empty (",,,," as spreadsheets pad) are skipped.
std::vector<Record> split_records(std::string_view text, char delimiter) {
  std::vector<Record> records;
  Record current;
  std::string field;
  bool quoted = false;
  bool was_quoted = false; // the current field had a closing quote: only spaces may follow
  std::uint64_t line = 1;
  current.line = 1;
  const auto end_field = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    was_quoted = false;
  };
  const auto end_record = [&] {
    end_field();
    bool blank = true;
    for (const std::string &f : current.fields) {
      blank = blank && f.empty();
    }
    if (!blank) {
      records.push_back(std::move(current));
    }
    current = Record{};
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
          was_quoted = true;
        }
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        // A line break inside a field is kept as LF, so a CRLF and an LF export of the same
        // statement read the same.
      } else {
        if (c == '\n') {
          ++line;
        }
        field += c;
      }
      continue;
    }
    if (c == delimiter) {
      end_field();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') {
        ++i;
      }
      end_record();
      ++line;
      current.line = line;
    } else if (was_quoted) {
      if (c != ' ' && c != '\t') {
        refuse(line, "record", std::string(1, c), "text after the closing quote of a quoted field");
      }
    } else if (c == '"' && trim_blanks(field).empty()) {
      field.clear();
      quoted = true;
    } else {
      field += c;
    }
  }
  if (quoted) {
    refuse(current.line, "record", "", "a quoted field opened on this line is never closed");
  }
  end_record();
  return records;
}

std::optional<std::int64_t> parse_date(std::string_view s, CsvDateFormat format) {
  std::string iso;
  switch (format) {
  case CsvDateFormat::kIso:
    iso = s;
    break;
  case CsvDateFormat::kDayMonthYear:
    if (s.size() != 10 || s[2] != '/' || s[5] != '/') {
      return std::nullopt;
    }
    iso.append(s.substr(6, 4)).append("-").append(s.substr(3, 2)).append("-").append(s.substr(0, 2));
    break;
  case CsvDateFormat::kCompact:
    if (s.size() != 8 || !is_digits(s)) {
      return std::nullopt;
    }
    iso.append(s.substr(0, 4)).append("-").append(s.substr(4, 2)).append("-").append(s.substr(6, 2));
    break;
  }
  return sdk::parse_iso_date(iso);
}

const char *date_format_text(CsvDateFormat f) {
  switch (f) {
  case CsvDateFormat::kIso:
    return "YYYY-MM-DD";
  case CsvDateFormat::kDayMonthYear:
    return "DD/MM/YYYY";
  case CsvDateFormat::kCompact:
    return "YYYYMMDD";
  }
  return "?";
}

// An amount written with the mapping's separators, rewritten as parse_pesos reads it ("-1234.56")
// and parsed there, so the rules on decimals, signs and overflow are the SDK's. Thousands
// separators are optional, but where present must group by three ("1.234.567", not "12.34").
sdk::ParsedAmount parse_amount(std::string_view text, const CsvMapping &m, bool allow_negative) {
  std::string plain;
  if (!text.empty() && text.front() == '-') {
    plain += '-';
    text.remove_prefix(1);
  }
  const std::size_t decimal = text.find(m.decimal_separator);
  const std::string_view whole = text.substr(0, decimal);
  const std::string_view fraction = decimal == std::string_view::npos ? std::string_view{} : text.substr(decimal + 1);
  sdk::ParsedAmount syntax;
  syntax.error = sdk::AmountError::kSyntax;
  if (m.thousands_separator != 0 && whole.find(m.thousands_separator) != std::string_view::npos) {
    std::size_t group = 0;
    std::size_t groups = 0;
    for (const char c : whole) {
      if (c == m.thousands_separator) {
        if (group == 0 || group > 3 || (groups > 0 && group != 3)) {
          return syntax;
        }
        group = 0;
        ++groups;
      } else {
        plain += c;
        ++group;
      }
    }
    if (group != 3) {
      return syntax;
    }
  } else {
    plain += whole;
  }
  if (decimal != std::string_view::npos) {
    if (fraction.find(m.decimal_separator) != std::string_view::npos) {
      return syntax;
    }
    plain += '.';
    plain += fraction;
  }
  return sdk::parse_pesos(plain, allow_negative);
}

// Keys join field values with ':'; escaping the separator keeps "a:b" + "c" apart from
// "a" + "b:c".
void append_key_part(std::string &key, std::string_view value) {
  key += ':';
  for (const char c : value) {
    if (c == '%') {
      key += "%25";
    } else if (c == ':') {
      key += "%3A";
    } else {
      key += c;
    }
  }
}

class StatementReader {
public:
  explicit StatementReader(const CsvMapping &m) : m_(m) {}
  BankFile read(std::string_view bytes);

private:
  void resolve_columns(const std::vector<Record> &records);
  void row(const Record &r);
  std::string_view cell(const Record &r, CsvField f) const;
  std::int64_t date(const Record &r, CsvField f) const;
  std::optional<std::int64_t> amount(const Record &r, CsvField f, bool allow_negative) const;

  const CsvMapping &m_;
  std::map<CsvField, std::size_t> index_; // 0-based
  std::size_t field_count_ = 0;
  BankFile file_;
  std::map<std::string, int> key_uses_;
};

BankFile StatementReader::read(std::string_view bytes) {
  check_csv_mapping(m_);
  file_.format = "csv";
  file_.account = std::string(trim_blanks(m_.account));
  file_.currency = m_.currency;
  file_.has_balances = false;

  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
  }
  if (const std::size_t bad = sdk::first_invalid_utf8(bytes); bad != std::string_view::npos) {
    const std::string_view before = bytes.substr(0, bad);
    std::uint64_t line = 1;
    for (const char c : before) {
      line += c == '\n' ? 1 : 0;
    }
    const std::size_t line_start = before.rfind('\n');
    const std::size_t column = bad - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    refuse(line, "encoding", hex_byte(static_cast<unsigned char>(bytes[bad])),
           "byte " + std::to_string(column) + " is not UTF-8; export the file as UTF-8");
  }

  const std::vector<Record> records = split_records(bytes, m_.delimiter);
  if (records.empty()) {
    refuse(1, "record", "", m_.header_row ? "empty file: no header row" : "empty file");
  }
  resolve_columns(records);
  for (std::size_t i = m_.header_row ? 1 : 0; i < records.size(); ++i) {
    row(records[i]);
  }
  return std::move(file_);
}

void StatementReader::resolve_columns(const std::vector<Record> &records) {
  const Record &first = records.front();
  field_count_ = first.fields.size();
  for (const auto &[field, column] : m_.columns) {
    if (column.header.empty()) {
      if (column.position > field_count_) {
        refuse(first.line, csv_field_name(field), std::to_string(column.position),
               "missing column " + std::to_string(column.position) + ": the " +
                   (m_.header_row ? "header" : "first row") + " has " + std::to_string(field_count_) + " columns");
      }
      index_[field] = column.position - 1;
      continue;
    }
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < first.fields.size(); ++i) {
      if (equal_ignoring_ascii_case(trim_blanks(first.fields[i]), trim_blanks(column.header))) {
        found.push_back(i);
      }
    }
    if (found.empty()) {
      refuse(first.line, csv_field_name(field), column.header, "missing column '" + column.header + "'");
    }
    if (found.size() > 1) {
      refuse(first.line, csv_field_name(field), column.header,
             "column '" + column.header + "' appears " + std::to_string(found.size()) +
                 " times in the header (columns " + std::to_string(found[0] + 1) + " and " +
                 std::to_string(found[1] + 1) + ")");
    }
    index_[field] = found.front();
  }
}

std::string_view StatementReader::cell(const Record &r, CsvField f) const {
  const auto it = index_.find(f);
  return it == index_.end() ? std::string_view{} : trim_blanks(r.fields[it->second]);
}

std::int64_t StatementReader::date(const Record &r, CsvField f) const {
  const std::string_view text = cell(r, f);
  const std::optional<std::int64_t> days = parse_date(text, m_.date_format);
  if (!days) {
    refuse(r.line, csv_field_name(f), std::string(text),
           std::string(text.empty() ? "empty date" : "not a date") + " (" + date_format_text(m_.date_format) +
               ", a real day) in " + describe_column(m_.columns.at(f)));
  }
  return *days;
}

// nullopt for an empty cell.
std::optional<std::int64_t> StatementReader::amount(const Record &r, CsvField f, bool allow_negative) const {
  const std::string_view text = cell(r, f);
  if (text.empty()) {
    return std::nullopt;
  }
  const sdk::ParsedAmount parsed = parse_amount(text, m_, allow_negative);
  if (!parsed.centavos) {
    std::string why = sdk::describe(parsed.error);
    if (parsed.error == sdk::AmountError::kSyntax) {
      why = std::string("not an amount with decimal separator '") + m_.decimal_separator + "'" +
            (m_.thousands_separator != 0 ? std::string(" and thousands separator '") + m_.thousands_separator + "'"
                                         : std::string(" and no thousands separator"));
    } else if (parsed.error == sdk::AmountError::kNegative) {
      why = "negative amount: credit and debit columns hold amounts without sign";
    }
    refuse(r.line, csv_field_name(f), std::string(text), why + " in " + describe_column(m_.columns.at(f)));
  }
  return parsed.centavos;
}

void StatementReader::row(const Record &r) {
  if (r.fields.size() != field_count_) {
    refuse(r.line, "record", std::to_string(r.fields.size()),
           "expected " + std::to_string(field_count_) + " fields, found " + std::to_string(r.fields.size()));
  }
  BankEntry e;
  e.line = r.line;
  e.account = file_.account;
  e.currency = file_.currency;
  e.booking_date = date(r, CsvField::kBookingDate);
  e.value_date = cell(r, CsvField::kValueDate).empty() ? e.booking_date : date(r, CsvField::kValueDate);

  std::map<CsvField, std::string> key_values; // what each field contributes to the key
  if (m_.columns.count(CsvField::kAmount) != 0) {
    const std::optional<std::int64_t> a = amount(r, CsvField::kAmount, true);
    if (!a || *a == 0) {
      refuse(r.line, "amount", std::string(cell(r, CsvField::kAmount)),
             "no movement: the amount is empty or zero in " + describe_column(m_.columns.at(CsvField::kAmount)));
    }
    e.amount = *a;
    key_values[CsvField::kAmount] = std::to_string(*a);
  } else {
    const std::optional<std::int64_t> credit = amount(r, CsvField::kCredit, false);
    const std::optional<std::int64_t> debit = amount(r, CsvField::kDebit, false);
    const bool has_credit = credit.value_or(0) != 0;
    const bool has_debit = debit.value_or(0) != 0;
    if (!has_credit && !has_debit) {
      refuse(r.line, "credit", std::string(cell(r, CsvField::kCredit)),
             "neither a credit nor a debit (" + describe_column(m_.columns.at(CsvField::kCredit)) + " and " +
                 describe_column(m_.columns.at(CsvField::kDebit)) + " are empty or zero)");
    }
    if (has_credit && has_debit) {
      refuse(r.line, "debit", std::string(cell(r, CsvField::kDebit)),
             "both a credit and a debit on one row: which one happened is not clear");
    }
    e.amount = has_credit ? *credit : -*debit;
    key_values[CsvField::kCredit] = credit ? std::to_string(*credit) : "";
    key_values[CsvField::kDebit] = debit ? std::to_string(*debit) : "";
  }

  e.bank_reference = cell(r, CsvField::kBankReference);
  e.end_to_end_id = cell(r, CsvField::kEndToEndId);
  e.remittance = cell(r, CsvField::kRemittance);
  e.structured_reference = cell(r, CsvField::kStructuredReference);
  e.payer_name = cell(r, CsvField::kPayerName);
  e.payer_id = cell(r, CsvField::kPayerId);
  e.channel = cell(r, CsvField::kChannel);

  for (const auto &[field, column] : m_.columns) {
    if (field == CsvField::kBookingDate || field == CsvField::kValueDate) {
      key_values[field] = sdk::format_iso_date(field == CsvField::kBookingDate ? e.booking_date : e.value_date);
    } else if (key_values.count(field) == 0) {
      key_values[field] = cell(r, field);
    }
  }
  // The key must be the same for this movement in any later export. A bank reference is made
  // for that; without one, all mapped fields together are the best identity there is. Two
  // consequences: the same file read twice gives the same keys ("#2", "#3" included, as rows
  // keep their order), but two overlapping exports whose rows lack a bank reference give
  // identical movements (two equal payments the same day from the same payer) keys that depend
  // on how many of them each export holds, so an import may count such a row twice or merge
  // two real payments into one. Mapping a bank reference column avoids both.
  std::vector<CsvField> key_fields = m_.key_fields;
  if (key_fields.empty()) {
    if (!e.bank_reference.empty()) {
      key_fields.push_back(CsvField::kBankReference);
    } else {
      for (const auto &[field, column] : m_.columns) {
        key_fields.push_back(field);
      }
    }
  }
  std::string key = "csv:" + file_.account;
  for (const CsvField f : key_fields) {
    append_key_part(key, key_values[f]);
  }
  const int uses = ++key_uses_[key];
  if (uses > 1) {
    key += "#" + std::to_string(uses);
  }
  e.key = std::move(key);
  file_.entries.push_back(std::move(e));
}

} // namespace

BankFile parse_csv_statement(std::string_view bytes, const CsvMapping &m) {
  check_bank_file_size(bytes);
  StatementReader reader(m);
  BankFile file = reader.read(bytes);
  finish_bank_file(file,
                   TextFieldNames{"account", "statement", csv_field_name(CsvField::kBankReference),
                                  csv_field_name(CsvField::kEndToEndId), csv_field_name(CsvField::kRemittance),
                                  csv_field_name(CsvField::kStructuredReference), csv_field_name(CsvField::kPayerName),
                                  csv_field_name(CsvField::kPayerId), csv_field_name(CsvField::kChannel)});
  return file;
}

} // namespace cartera::payments
