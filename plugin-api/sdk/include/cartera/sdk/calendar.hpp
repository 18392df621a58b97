// The Colombian business calendar: public holidays (Ley 51 de 1983, Ley 2578 de 2026) and
// business-day arithmetic for due dates (C.Co. art. 829) and legal terms (Ley 1755 de 2015).
// Dates are days since 1970-01-01, as in date.hpp.
//
// Holidays are known for the years 1984..2100 only. Ley 51 de 1983 moved holidays to Mondays
// from 1984, so earlier years followed other rules, and any year after 2100 is a guess about
// laws not yet written. Rather than answer wrongly, every function that needs a holiday throws
// std::out_of_range for a year or a date outside that range, including when a business-day
// walk would step past its edge: a date like 1900-01-01 or 9999-12-31 from an ERP is then an
// error someone sees, not a silently miscounted term. easter_sunday is plain arithmetic and
// covers every Gregorian year.
//
// Everything here is safe to call from several threads at once: the holiday table is a
// constant built at compile time.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace cartera::sdk {

inline constexpr std::int32_t kFirstCalendarYear = 1984;
inline constexpr std::int32_t kLastCalendarYear = 2100;

struct Holiday {
  std::int64_t date = 0;
  std::string_view name; // Spanish, as people call it: "Reyes Magos", "Sagrado Corazón"
  friend constexpr bool operator==(const Holiday &, const Holiday &) = default;
};

// Easter Sunday of year (anonymous Gregorian computus, Meeus). Throws std::out_of_range before
// 1583, the first Easter computed with the Gregorian rules.
std::int64_t easter_sunday(std::int32_t year);

// The holidays of year, sorted by date: 18 a year until 2025, 19 from 2026 (9 July, Ley 2578
// de 2026). Each holiday is one entry even when two share a date (2025-06-30 is Sagrado Corazón
// and San Pedro y San Pablo); such entries are in the order of their dates before moving, and in
// the order of Ley 51 de 1983 art. 1 when those are equal too (1984-07-02: San Pedro y San
// Pablo, then Sagrado Corazón, both from 29 June).
// A fixed holiday on a Sunday stays there (lost as a day off), so it is still listed. Throws
// std::out_of_range outside kFirstCalendarYear..kLastCalendarYear.
std::vector<Holiday> colombian_holidays(std::int32_t year);

// Whether date is a Colombian public holiday. Throws std::out_of_range outside the calendar's
// years.
bool is_colombian_holiday(std::int64_t date);

// Business days: never a Sunday, never a holiday, and a Saturday only when the company works
// Saturdays (gerencie.com: petition terms skip Saturdays for entities that do not work them).
// Every member throws std::out_of_range for a date outside the calendar's years, and when a walk
// would step past them.
struct BusinessCalendar {
  bool saturday_is_business_day = false;

  [[nodiscard]] bool is_business_day(std::int64_t date) const;
  // date itself when it is a business day, else the next one: how C.Co. art. 829 moves a due
  // date that falls on a non-working day.
  [[nodiscard]] std::int64_t on_or_after(std::int64_t date) const;
  // The first business day strictly after date.
  [[nodiscard]] std::int64_t next(std::int64_t date) const;
  // The n-th business day after date, date itself not counted (terms run from the day after
  // receipt, Ley 1755 de 2015). n < 0 walks back the same way. n == 0 is date, business day or
  // not: whether a date that is not one should move is the caller's rule (on_or_after).
  [[nodiscard]] std::int64_t add(std::int64_t date, std::int32_t n) const;
  // The business days passed walking from `from` to `to`, `from` not counted and `to` counted,
  // negative when walking back: count_between(d, add(d, n)) == n for every n. Going forward
  // that is the business days in (from, to]; going back, minus those in [to, from).
  [[nodiscard]] std::int32_t count_between(std::int64_t from, std::int64_t to) const;
};

} // namespace cartera::sdk
