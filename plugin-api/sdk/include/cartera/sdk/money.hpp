// Money as integer centavos. Never floating point: parsing and formatting are exact.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cartera::sdk {

// The most one figure of money may hold: 10^15 centavos, $ 10.000.000.000.000,00 (ten
// trillion pesos, beyond any invoice, payment or bank movement). The parsers refuse more
// (kOverflow), so that a portfolio of 10^15 pesos, summed, stays a thousand times inside
// int64_t; every sum is checked all the same (add_centavos).
inline constexpr std::int64_t kMaxAmountCentavos = 1'000'000'000'000'000;

// A sum of money left the range of int64_t: it never wraps, in any build.
class MoneyOverflow : public std::overflow_error {
public:
  using std::overflow_error::overflow_error;
};

// a + b, checked: MoneyOverflow names both when the sum does not fit. Every sum of money in
// cartera goes through here (totals, balances, aging buckets, statements).
[[nodiscard]] std::int64_t add_centavos(std::int64_t a, std::int64_t b);
// total += b, checked.
inline void accumulate_centavos(std::int64_t &total, std::int64_t b) {
  total = add_centavos(total, b);
}

// Why an amount failed to parse, for messages that name the problem.
enum class AmountError { kEmpty, kSyntax, kTooManyDecimals, kNegative, kOverflow };

struct ParsedAmount {
  std::optional<std::int64_t> centavos;
  AmountError error = AmountError::kEmpty;
};

// Parses pesos written "1234", "1234.5" or "1234.56" (dot decimal separator, at most two
// decimals, optional leading '-' only when allow_negative). No thousands separators, no
// exponent, no spaces.
ParsedAmount parse_pesos(std::string_view text, bool allow_negative = false) noexcept;

// Parses an amount in xs:decimal's lexical form, as XML documents write them (camt.053, the
// rule file): optional sign ('+', or '-' only when allow_negative), digits with an optional
// '.', digits on at least one side of it (".6", "6.", "18.150"). Decimals past the second must
// be zeros, since they say nothing a centavo cannot ("18.150" is 18.15, "18.155" is
// kTooManyDecimals). No exponent, no spaces, no separators.
ParsedAmount parse_decimal_pesos(std::string_view text, bool allow_negative = false) noexcept;

const char *describe(AmountError e) noexcept;

// "1234.56" — the interchange form.
std::string format_pesos_plain(std::int64_t centavos);
// The same: amounts as the XML documents modules write carry them (xs:decimal, two decimals).
inline std::string pesos(std::int64_t centavos) {
  return format_pesos_plain(centavos);
}
// The same, appended to out (no temporary string: exports write a million of these).
void append_pesos_plain(std::string &out, std::int64_t centavos);

// "$ 1.234.567,89" — es-CO, as customers read it; negatives as "-$ 1.234,00".
std::string format_pesos_co(std::int64_t centavos);

// A count as people read it in Colombia: "11.596".
std::string format_count_co(std::int64_t n);

} // namespace cartera::sdk
