// The SFC-certified rates, period by period: interés bancario corriente and usury rate for
// "crédito de consumo y ordinario", E.A., in hundredths of a percent (25.55 % = 2555).
// The shipped table (schemas/data/sfc-consumo-ordinario-rates.csv) is compiled in; later
// certifications come from `cartera interest rates import FILE`, in the same CSV format.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::interest {

struct RatePeriod {
  std::int64_t from = 0;       // first day, inclusive (days since 1970-01-01)
  std::int64_t to = 0;         // last day, inclusive
  std::int32_t bank_rate = 0;  // IBC, hundredths of a percent E.A.
  std::int32_t usury_rate = 0; // as published (1.5 x IBC rounded), hundredths of a percent E.A.
  std::string resolution;      // may be empty
  std::string source;          // never empty
  std::string origin;          // "shipped" or who imported it
};

// A rate file that does not hold: the message names file, line, field and value.
class RateFileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Parses the CSV (header from,to,bank_rate_ea,usury_rate_ea,resolution,source; lines starting
// with '#' are comments; RFC 4180 quotes). Each row must be a possible period with rates of
// exactly two decimals, 0 < bank rate <= usury rate < 1000 %, and the rows must follow each
// other without gaps or overlaps. name is the file's name for messages.
std::vector<RatePeriod> parse_rate_file(std::string_view text, const std::string &name);

// The periods in force, sorted, contiguous. Lookups by day are a binary search.
class RateTable {
public:
  RateTable() = default;
  // Refuses (std::invalid_argument) periods that overlap or leave a gap.
  explicit RateTable(std::vector<RatePeriod> periods);

  [[nodiscard]] const std::vector<RatePeriod> &periods() const noexcept { return periods_; }
  [[nodiscard]] bool empty() const noexcept { return periods_.empty(); }
  // The period that covers day, or nullptr.
  [[nodiscard]] const RatePeriod *find(std::int64_t day) const noexcept;

  // Why adding these periods (already contiguous among themselves) would break the table:
  // an overlap with a certified period, or a gap before or after it; empty when they fit.
  [[nodiscard]] std::string why_not_addable(const std::vector<RatePeriod> &more) const;

private:
  std::vector<RatePeriod> periods_;
};

// "2025-08" for a day, as messages name months.
std::string month_of(std::int64_t day);

// The daily equivalent (1 + EA)^(1/base) - 1 of an E.A. rate in hundredths of a percent,
// rounded half-up to 10 decimals and returned in units of 1e-10 (0.0006235749 -> 6235749).
// Computed in long double (64-bit mantissa): the error before rounding is below 1e-17, so
// the 10th decimal is exact except at a tie no certified rate comes near.
std::int64_t daily_rate_e10(std::int32_t ea_hundredths, std::int32_t year_base);

// "25.55" from 2555.
std::string format_rate(std::int32_t hundredths);
// "0.0006235749" from 6235749.
std::string format_daily_rate(std::int64_t e10);

} // namespace cartera::interest
