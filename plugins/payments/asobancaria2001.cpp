#include "asobancaria2001.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace cartera::payments {

namespace {

constexpr std::size_t kRecordLength = 162;

// Positions are 1-based and inclusive, as in colombia.md's tables, so each call reads like the
// layout. A field cut short by trimmed filler comes back shorter (or empty).
std::string_view at(std::string_view record, std::size_t pos, std::size_t len) {
  if (pos - 1 >= record.size()) {
    return {};
  }
  return record.substr(pos - 1, len);
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

// "000123" -> "123", "000" -> "0", "" -> "".
std::string strip_leading_zeros(std::string_view s) {
  const std::size_t first = s.find_first_not_of('0');
  if (first == std::string_view::npos) {
    return s.empty() ? std::string() : std::string("0");
  }
  return std::string(s.substr(first));
}

// Only for fields already checked to be at most 18 digits, which always fit in int64.
std::int64_t digits_value(std::string_view digits) {
  std::int64_t v = 0;
  for (const char c : digits) {
    v = v * 10 + (c - '0');
  }
  return v;
}

// The way the file writes an amount, so a message's computed figure lines up with the field.
std::string zero_padded(std::int64_t v, std::size_t width) {
  std::string s = std::to_string(v);
  if (s.size() < width) {
    s.insert(0, width - s.size(), '0');
  }
  return s;
}

std::optional<std::int64_t> parse_aaaammdd(std::string_view s) {
  if (s.size() != 8 || !is_digits(s)) {
    return std::nullopt;
  }
  std::string iso;
  iso.reserve(10);
  iso.append(s.substr(0, 4)).append("-").append(s.substr(4, 2)).append("-").append(s.substr(6, 2));
  return sdk::parse_iso_date(iso);
}

// A DOS end-of-file mark (0x1A) still ends files from some bank systems; it carries nothing.
bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\x1A") == std::string_view::npos;
}

enum class State { kStart, kAfter01, kAfter05, kAfter06, kAfter08, kAfter09 };

// Where each record's last meaningful field ends: anything shorter lost data, anything after it
// up to 162 is reserved filler. The 06's causal de devolución (95-97) is optional and blank when
// absent, so a 06 whose filler was trimmed together with that blank causal ends at 94.
std::size_t min_length(std::string_view type) {
  if (type == "01") {
    return 55;
  }
  if (type == "05") {
    return 19;
  }
  if (type == "06") {
    return 94;
  }
  if (type == "08") {
    return 33;
  }
  return 29; // 09
}

struct Lot {
  std::uint64_t line = 0; // its 05
  std::string number;
  std::int64_t count = 0;
  std::int64_t total = 0;
};

class Parser {
public:
  BankFile run(std::string_view bytes);

private:
  void record(std::uint64_t line, std::string_view rec);
  void check_order(std::uint64_t line, std::string_view type);
  void file_header(std::uint64_t line, std::string_view rec);
  void lot_header(std::uint64_t line, std::string_view rec);
  void detail(std::uint64_t line, std::string_view rec);
  void lot_control(std::uint64_t line, std::string_view rec);
  void file_control(std::uint64_t line, std::string_view rec);

  State state_ = State::kStart;
  BankFile file_;
  std::string nit_;
  std::string fecha_recaudo_;
  std::int64_t booking_date_ = 0;
  Lot lot_;
  std::int64_t file_count_ = 0;
  std::int64_t file_total_ = 0;
  std::unordered_map<std::string, int> key_uses_;
};

std::string_view digits_field(std::uint64_t line, std::string_view rec, std::size_t pos, std::size_t len,
                              const char *field) {
  const std::string_view v = at(rec, pos, len);
  if (v.size() != len || !is_digits(v)) {
    refuse(line, field, std::string(v), "not a number (" + std::to_string(len) + " digits)");
  }
  return v;
}

std::int64_t date_field(std::uint64_t line, std::string_view rec, std::size_t pos, const char *field) {
  const std::string_view v = at(rec, pos, 8);
  const std::optional<std::int64_t> days = parse_aaaammdd(v);
  if (!days) {
    refuse(line, field, std::string(v),
           is_digits(v) && v.size() == 8 ? "no such date (AAAAMMDD)" : "not a date (AAAAMMDD)");
  }
  return *days;
}

// Digits, possibly padded with spaces on either side; trimmed.
std::string_view padded_digits_field(std::uint64_t line, std::string_view rec, std::size_t pos, std::size_t len,
                                     const char *field) {
  const std::string_view v = at(rec, pos, len);
  const std::string_view t = trim_spaces(v);
  if (!t.empty() && !is_digits(t)) {
    refuse(line, field, std::string(v), "not a number (digits, padded with spaces)");
  }
  return t;
}

BankFile Parser::run(std::string_view bytes) {
  file_.format = "asobancaria2001";
  file_.currency = "COP";
  file_.has_balances = false;

  // One entry per line at most; reserving spares a 200,000-detail file its reallocations.
  file_.entries.reserve(static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n')) + 1);

  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
    refuse(1, "codificación",
           hex_byte(static_cast<unsigned char>(bytes[0])) + " " + hex_byte(static_cast<unsigned char>(bytes[1])),
           "a UTF-16 byte-order mark: Asobancaria 2001 files are plain ASCII (ask the bank for ASCII, or convert the "
           "file)");
  }

  std::uint64_t line = 0;
  std::uint64_t last_line = 0;
  std::uint64_t pending_blank = 0; // a blank line seen before the 09: wrong unless nothing follows
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t nl = bytes.find('\n', pos);
    std::string_view rec = bytes.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? bytes.size() : nl + 1;
    ++line;
    if (!rec.empty() && rec.back() == '\r') {
      rec.remove_suffix(1);
    }
    for (std::size_t i = 0; i < rec.size(); ++i) {
      const auto c = static_cast<unsigned char>(rec[i]);
      if (c == 0) {
        refuse(line, "codificación", "0x00",
               "byte " + std::to_string(i + 1) +
                   " is NUL: not an ASCII file (UTF-16?); Asobancaria 2001 files are plain ASCII");
      }
      if (c >= 0x80) {
        refuse(line, "registro", hex_byte(c),
               "byte " + std::to_string(i + 1) + " is not ASCII; Asobancaria 2001 files are plain ASCII");
      }
    }
    if (is_blank(rec)) {
      if (state_ != State::kAfter09 && pending_blank == 0) {
        pending_blank = line;
      }
      continue;
    }
    if (pending_blank != 0) {
      refuse(pending_blank, "registro", "", "blank line inside the file (only trailing blank lines are allowed)");
    }
    record(line, rec);
    last_line = line;
  }

  switch (state_) {
  case State::kAfter09:
    break;
  case State::kStart:
    refuse(0, "registro 01", "", "empty file: no 01 file header");
  case State::kAfter05:
  case State::kAfter06:
    refuse(0, "registro 09", "",
           "the file ends at line " + std::to_string(last_line) + " inside lot " + lot_.number +
               ", without its 08 lot control and 09 file control records");
  default:
    refuse(0, "registro 09", "",
           "the file ends at line " + std::to_string(last_line) + " without its 09 file control record");
  }
  return std::move(file_);
}

void Parser::check_order(std::uint64_t line, std::string_view type) {
  const char *reason = nullptr;
  switch (state_) {
  case State::kStart:
    if (type != "01") {
      reason = "a file starts with its 01 file header";
    }
    break;
  case State::kAfter01:
    if (type != "05") {
      reason = "expected 05 (lot header) after the 01 file header";
    }
    break;
  case State::kAfter05:
    if (type != "06") {
      reason = "expected 06 (detail) after a 05 lot header: a lot holds at least one payment";
    }
    break;
  case State::kAfter06:
    if (type != "06" && type != "08") {
      reason = "expected 06 (detail) or 08 (lot control) after a 06 detail";
    }
    break;
  case State::kAfter08:
    if (type != "05" && type != "09") {
      reason = "expected 05 (next lot header) or 09 (file control) after an 08 lot control";
    }
    break;
  case State::kAfter09:
    reason = "nothing may follow the 09 file control record";
    break;
  }
  if (reason != nullptr) {
    refuse(line, "tipo de registro", std::string(type), reason);
  }
}

void Parser::record(std::uint64_t line, std::string_view rec) {
  const std::string_view type = at(rec, 1, 2);
  check_order(line, type);
  const std::size_t min = min_length(type);
  if (rec.size() < min || rec.size() > kRecordLength) {
    refuse(line, "registro " + std::string(type), std::to_string(rec.size()),
           "wrong record length: expected " + std::to_string(min) + " to " + std::to_string(kRecordLength) +
               " characters, found " + std::to_string(rec.size()));
  }
  // Positions after the last meaningful field are "reservado". Real files fill them with spaces
  // or zeros, but nothing here reads them, and refusing a bank's file for what it writes in
  // space the layout leaves to it would only stop a collection day; so any ASCII is accepted.
  if (type == "01") {
    file_header(line, rec);
    state_ = State::kAfter01;
  } else if (type == "05") {
    lot_header(line, rec);
    state_ = State::kAfter05;
  } else if (type == "06") {
    detail(line, rec);
    state_ = State::kAfter06;
  } else if (type == "08") {
    lot_control(line, rec);
    state_ = State::kAfter08;
  } else {
    file_control(line, rec);
    state_ = State::kAfter09;
  }
}

void Parser::file_header(std::uint64_t line, std::string_view rec) {
  nit_ = digits_field(line, rec, 3, 10, "01 NIT empresa facturadora");
  fecha_recaudo_ = at(rec, 13, 8);
  booking_date_ = date_field(line, rec, 13, "01 fecha de recaudo");
  digits_field(line, rec, 21, 3, "01 código de la entidad financiera recaudadora");
  const std::string_view account = padded_digits_field(line, rec, 24, 17, "01 número de cuenta");
  if (account.empty()) {
    refuse(line, "01 número de cuenta", std::string(at(rec, 24, 17)), "blank account number");
  }
  date_field(line, rec, 41, "01 fecha de generación del archivo");
  digits_field(line, rec, 49, 4, "01 hora de generación del archivo");
  const char modifier = rec[52];
  if (!((modifier >= 'A' && modifier <= 'Z') || (modifier >= '0' && modifier <= '9'))) {
    refuse(line, "01 modificador de archivo", std::string(1, modifier), "not a letter A-Z or a digit");
  }
  digits_field(line, rec, 54, 2, "01 tipo de cuenta");
  file_.account = strip_leading_zeros(account);
  file_.statement_id = nit_ + "-" + fecha_recaudo_ + "-" + modifier;
}

void Parser::lot_header(std::uint64_t line, std::string_view rec) {
  digits_field(line, rec, 3, 13, "05 código del servicio recaudado");
  lot_ = Lot{line, std::string(digits_field(line, rec, 16, 4, "05 número de lote")), 0, 0};
}

void Parser::detail(std::uint64_t line, std::string_view rec) {
  const std::string_view reference_field = at(rec, 3, 48);
  for (const char c : reference_field) {
    if (c < 0x20 || c == 0x7F) {
      refuse(line, "06 referencia principal del usuario", std::string(reference_field),
             "control character in the reference");
    }
  }
  const std::string reference = strip_leading_zeros(trim_spaces(reference_field));

  const std::string_view valor = at(rec, 51, 14);
  if (!is_digits(valor)) {
    refuse(line, "06 valor recaudado", std::string(valor), "not a number (14 digits, the last two are centavos)");
  }
  const std::int64_t amount = digits_value(valor);
  if (amount <= 0) {
    refuse(line, "06 valor recaudado", std::string(valor), "a payment must be greater than zero");
  }

  const std::string_view procedencia = digits_field(line, rec, 65, 2, "06 procedencia de pago");
  const std::string_view medio = digits_field(line, rec, 67, 2, "06 medio de pago");
  const std::string_view operation = padded_digits_field(line, rec, 69, 6, "06 número de operación");
  const std::string_view authorization = padded_digits_field(line, rec, 75, 6, "06 número de autorización");
  digits_field(line, rec, 81, 3, "06 código entidad financiera debitada");
  digits_field(line, rec, 84, 4, "06 código de sucursal");
  const std::string_view secuencia = digits_field(line, rec, 88, 7, "06 secuencia");
  // Optional and possibly cut by trimmed filler; banks write "000" or blanks for "not returned".
  const std::string_view causal_field = at(rec, 95, 3);
  const std::string_view causal = trim_spaces(causal_field);
  for (const char c : causal) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
      refuse(line, "06 causal de devolución", std::string(causal_field), "not a code (digits or capital letters)");
    }
  }

  // Totals are checked against the 08 and 09; 14-digit values need ~92,000 maximal records to
  // overflow, so refusing then costs nothing and keeps the sums exact.
  if (__builtin_add_overflow(lot_.total, amount, &lot_.total) ||
      __builtin_add_overflow(file_total_, amount, &file_total_)) {
    refuse(line, "06 valor recaudado", std::string(valor), "the file's total overflows");
  }
  ++lot_.count;
  ++file_count_;

  BankEntry e;
  e.line = line;
  e.account = file_.account;
  e.booking_date = booking_date_;
  e.value_date = booking_date_;
  e.amount = amount;
  e.currency = file_.currency;
  e.reversal = !causal.empty() && causal != "000";
  e.bank_reference = "op " + std::string(operation) + " aut " + std::string(authorization);
  e.remittance = reference;
  e.channel = std::string(procedencia) + "/" + std::string(medio);
  // No file modifier and no generation time: a bank's re-sent or corrected file (modifier B)
  // repeats details with the same date, lot, sequence, reference and value, and they must be
  // recognised as already imported. A file holding two details that agree on all of these gets
  // "#2", "#3" on the repeats so none is lost; the same file read twice gives the same keys.
  std::string key = "aso2001:" + nit_ + ":" + file_.account + ":" + fecha_recaudo_ + ":" + lot_.number + ":" +
                    std::string(secuencia) + ":" + reference + ":" + std::to_string(amount);
  const int uses = ++key_uses_[key];
  if (uses > 1) {
    key += "#" + std::to_string(uses);
  }
  e.key = std::move(key);
  file_.entries.push_back(std::move(e));
}

void Parser::lot_control(std::uint64_t line, std::string_view rec) {
  const std::string_view count = digits_field(line, rec, 3, 9, "08 total registros del lote");
  const std::string_view total = digits_field(line, rec, 12, 18, "08 valor total recaudado del lote");
  const std::string_view number = digits_field(line, rec, 30, 4, "08 número de lote");
  if (number != lot_.number) {
    refuse(line, "08 número de lote", std::string(number),
           "the lot opened by the 05 at line " + std::to_string(lot_.line) + " is " + lot_.number);
  }
  // "Total registros del lote" counts the lot's 06 details only, not its 05 and 08: the one real
  // file in colombia.md (micros/asobancaria ejemplos/11JULIO.TXT) has 17 details and writes
  // 000000017 in both its 08 and 09, and the 09 (total registros recaudados) cannot count
  // headers of lots it does not list.
  if (digits_value(count) != lot_.count) {
    refuse(line, "08 total registros del lote", std::string(count),
           "lot " + lot_.number + " has " + std::to_string(lot_.count) + " detail (06) records");
  }
  if (digits_value(total) != lot_.total) {
    refuse(line, "08 valor total recaudado del lote", std::string(total),
           "lot " + lot_.number + "'s detail (06) records add up to " + zero_padded(lot_.total, 18) + " (" +
               sdk::format_pesos_co(lot_.total) + ")");
  }
}

void Parser::file_control(std::uint64_t line, std::string_view rec) {
  const std::string_view count = digits_field(line, rec, 3, 9, "09 total registros recaudados");
  const std::string_view total = digits_field(line, rec, 12, 18, "09 valor total recaudado");
  if (digits_value(count) != file_count_) {
    refuse(line, "09 total registros recaudados", std::string(count),
           "the file has " + std::to_string(file_count_) + " detail (06) records");
  }
  if (digits_value(total) != file_total_) {
    refuse(line, "09 valor total recaudado", std::string(total),
           "the file's detail (06) records add up to " + zero_padded(file_total_, 18) + " (" +
               sdk::format_pesos_co(file_total_) + ")");
  }
}

} // namespace

BankFile parse_asobancaria2001(std::string_view bytes) {
  check_bank_file_size(bytes);
  Parser p;
  BankFile file = p.run(bytes);
  finish_bank_file(file,
                   TextFieldNames{"01 número de cuenta", "01 NIT empresa facturadora", "06 número de operación", "",
                                  "06 referencia principal del usuario", "", "", "", "06 procedencia de pago"});
  return file;
}

} // namespace cartera::payments
