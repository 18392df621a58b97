// Moratory interest of one invoice, day by day, the way Colombian practice liquidates it
// (domain/colombia.md §1.5): on capital only (C.Co. art. 886), each day at the daily
// equivalent of that day's rate — the agreed rate when there is one, never above the usury
// rate in force that day (C.Co. art. 884, C.P. art. 305) — and partial payments imputed to
// the interest owed first, then to capital (C.C. art. 1653).
//
// Rounding, the one documented step: the daily rate is rounded half-up to 10 decimals;
// each sub-period's interest (capital x daily rate x days, exact in integers) is rounded
// half-up to centavos. A sub-period is a run of days inside one calendar month with the same
// rate and the same capital: it ends at a month's end, at a payment day (which still accrues
// on the capital before the payment), or at the end of the liquidation. So interest is
// rounded once per month, or per part of a month where a payment falls.
#pragma once

#include "rates.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cartera::interest {

struct Rules {
  std::int32_t grace_days = 0;             // calendar days after the (moved) due date before mora starts
  std::int32_t year_base = 365;            // 365 (real days) or 360 (30 days a month, rate ^ 1/360)
  std::optional<std::int32_t> agreed_rate; // hundredths of a percent E.A.; capped at usury
  bool interest_first = true;              // C.C. art. 1653; false imputes payments to capital only
};

struct Payment {
  std::int64_t day = 0;
  std::int64_t amount = 0; // centavos, > 0
};

struct Invoice {
  std::int64_t due = 0;          // the due date as billed
  std::int64_t payable_by = 0;   // the last day without mora: due, moved by art. 829 when so configured
  std::int64_t amount = 0;       // centavos billed
  std::vector<Payment> payments; // applied to this invoice, any order
};

struct SubPeriod {
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::int32_t days = 0;       // as counted for the year base
  std::int32_t rate = 0;       // E.A. applied, hundredths of a percent
  std::int32_t usury_rate = 0; // the cap in force
  bool capped = false;         // the agreed rate was above usury
  std::int64_t daily_rate = 0; // units of 1e-10
  std::int64_t capital = 0;    // centavos
  std::int64_t interest = 0;   // centavos
};

struct Imputation {
  std::int64_t day = 0;
  std::int64_t amount = 0;
  std::int64_t to_interest = 0;
  std::int64_t to_capital = 0;
  std::int64_t unapplied = 0; // more than interest and capital together
};

struct Liquidation {
  std::int64_t mora_from = 0; // first day of mora
  std::int64_t through = 0;   // last day liquidated (as-of, or the day capital reached zero)
  std::vector<SubPeriod> periods;
  std::vector<Imputation> imputations;
  std::int64_t interest = 0;      // accrued, centavos
  std::int64_t interest_paid = 0; // payments imputed to interest
  std::int64_t capital_left = 0;  // after the imputations, as of `through`
  [[nodiscard]] std::int64_t interest_owed() const noexcept { return interest - interest_paid; }
  [[nodiscard]] std::int32_t days() const noexcept;
};

// No certified rate for a day of mora: the liquidation cannot be made, never guessed.
class MissingRate : public std::runtime_error {
public:
  explicit MissingRate(std::int64_t day);
  [[nodiscard]] std::int64_t day() const noexcept { return day_; }

private:
  std::int64_t day_;
};

// The liquidation through as_of. Empty (no periods, zero interest) when mora has not started
// by as_of or the invoice was paid by its payable day.
Liquidation liquidate(const Invoice &invoice, std::int64_t as_of, const RateTable &rates, const Rules &rules);

// capital x daily rate (1e-10) x days, rounded half-up to centavos, exact.
std::int64_t interest_for(std::int64_t capital, std::int64_t daily_rate_e10, std::int32_t days);

// Days from..to inclusive on the 30/360 basis, both inside one month: the month's last day
// counts as the 30th.
std::int32_t days_360(std::int64_t from, std::int64_t to);

} // namespace cartera::interest
