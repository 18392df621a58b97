#include <cartera/sdk/money.hpp>

#include <charconv>
#include <limits>

namespace cartera::sdk {

ParsedAmount parse_pesos(std::string_view text, bool allow_negative) noexcept {
  ParsedAmount r;
  if (text.empty()) {
    r.error = AmountError::kEmpty;
    return r;
  }
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) {
    r.error = AmountError::kSyntax;
    return r;
  }
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t pesos = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') {
      r.error = AmountError::kSyntax;
      return r;
    }
    if (pesos > (kMax / 100 - 9) / 10) {
      r.error = AmountError::kOverflow;
      return r;
    }
    pesos = pesos * 10 + (c - '0');
  }
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < frac.size(); ++i) {
    if (frac[i] < '0' || frac[i] > '9') {
      r.error = AmountError::kSyntax;
      return r;
    }
    if (i >= 2) {
      r.error = AmountError::kTooManyDecimals;
      return r;
    }
    cents += static_cast<std::int64_t>(frac[i] - '0') * (i == 0 ? 10 : 1);
  }
  if (negative && !allow_negative) {
    r.error = AmountError::kNegative;
    return r;
  }
  const std::int64_t total = pesos * 100 + cents;
  if (total > kMaxAmountCentavos) {
    r.error = AmountError::kOverflow;
    return r;
  }
  r.centavos = negative ? -total : total;
  return r;
}

ParsedAmount parse_decimal_pesos(std::string_view text, bool allow_negative) noexcept {
  ParsedAmount r;
  if (text.empty()) {
    r.error = AmountError::kEmpty;
    return r;
  }
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) {
    r.error = AmountError::kSyntax;
    return r;
  }
  for (const std::string_view part : {whole, frac}) {
    for (const char c : part) {
      if (c < '0' || c > '9') {
        r.error = AmountError::kSyntax;
        return r;
      }
    }
  }
  // Only zeros may follow the centavos; leading zeros of the pesos change nothing either.
  while (frac.size() > 2 && frac.back() == '0') {
    frac.remove_suffix(1);
  }
  if (frac.size() > 2) {
    r.error = AmountError::kTooManyDecimals;
    return r;
  }
  while (whole.size() > 1 && whole.front() == '0') {
    whole.remove_prefix(1);
  }
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t pesos = 0;
  for (const char c : whole) {
    if (pesos > (kMax / 100 - 9) / 10) {
      r.error = AmountError::kOverflow;
      return r;
    }
    pesos = pesos * 10 + (c - '0');
  }
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < frac.size(); ++i) {
    cents += static_cast<std::int64_t>(frac[i] - '0') * (i == 0 ? 10 : 1);
  }
  const std::int64_t total = pesos * 100 + cents;
  if (total > kMaxAmountCentavos) {
    r.error = AmountError::kOverflow;
    return r;
  }
  if (negative && total != 0 && !allow_negative) {
    r.error = AmountError::kNegative;
    return r;
  }
  r.centavos = negative ? -total : total;
  return r;
}

std::int64_t add_centavos(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    throw MoneyOverflow("a sum of money overflows: " + format_pesos_plain(a) + " + " + format_pesos_plain(b) +
                        " is beyond what cartera can hold");
  }
  return sum;
}

const char *describe(AmountError e) noexcept {
  switch (e) {
  case AmountError::kEmpty:
    return "empty amount";
  case AmountError::kSyntax:
    return "not an amount (digits, optional '.' and up to two decimals)";
  case AmountError::kTooManyDecimals:
    return "more than two decimals";
  case AmountError::kNegative:
    return "negative amount";
  case AmountError::kOverflow:
    return "amount too large (at most 10000000000000.00, ten trillion pesos)";
  }
  return "bad amount";
}

void append_pesos_plain(std::string &out, std::int64_t centavos) {
  // Work in unsigned so that INT64_MIN has a magnitude.
  const std::uint64_t mag =
      centavos < 0 ? 0 - static_cast<std::uint64_t>(centavos) : static_cast<std::uint64_t>(centavos);
  if (centavos < 0) {
    out += '-';
  }
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, mag / 100).ptr);
  const auto cents = static_cast<unsigned>(mag % 100);
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
}

std::string format_pesos_plain(std::int64_t centavos) {
  std::string out;
  append_pesos_plain(out, centavos);
  return out;
}

namespace {
// "1234567" -> "1.234.567"
std::string group_thousands(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      grouped += '.';
    }
    grouped += digits[i];
  }
  return grouped;
}
} // namespace

std::string format_count_co(std::int64_t n) {
  const std::uint64_t mag = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  // Appended, not "-" + grouped: g++ 12 at -O3 inlines operator+(const char *, string &&) into a
  // memcpy it then warns may overlap (-Wrestrict): a known false positive of g++ 12.
  std::string out = n < 0 ? "-" : "";
  out += group_thousands(mag);
  return out;
}

std::string format_pesos_co(std::int64_t centavos) {
  const bool negative = centavos < 0;
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(centavos) : static_cast<std::uint64_t>(centavos);
  const std::string grouped = group_thousands(mag / 100);
  const auto cents = static_cast<unsigned>(mag % 100);
  std::string out = negative ? "-$ " : "$ ";
  out += grouped;
  out += ',';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return out;
}

} // namespace cartera::sdk
