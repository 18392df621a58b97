#include <cartera/sdk/calendar.hpp>

#include <cartera/sdk/date.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace cartera::sdk {

namespace {

constexpr std::int32_t kFirstGregorianEaster = 1583;
constexpr std::int32_t kChiquinquiraSince = 2026; // Ley 2578 de 2026 art. 6

// Ley 51 de 1983 art. 2: a holiday that is not on a Monday moves to the following one, also
// from a Sunday.
constexpr std::int64_t to_monday(std::int64_t date) noexcept {
  return date + static_cast<std::int64_t>((kMonday + 7 - weekday(date)) % 7);
}

constexpr std::int64_t compute_easter(std::int32_t year) noexcept {
  const std::int64_t y = year;
  const std::int64_t a = y % 19; // place in the 19-year lunar (Metonic) cycle
  const std::int64_t b = y / 100;
  const std::int64_t c = y % 100;
  const std::int64_t d = b / 4;
  const std::int64_t e = b % 4;
  const std::int64_t f = (b + 8) / 25;
  const std::int64_t g = (b - f + 1) / 3;
  // Days from 21 March to the Paschal full moon, with the Gregorian century corrections.
  const std::int64_t h = (19 * a + b - d - g + 15) % 30;
  const std::int64_t i = c / 4;
  const std::int64_t k = c % 4;
  // Days from that full moon to the Sunday after it.
  const std::int64_t l = (32 + 2 * e + 2 * i - h - k) % 7;
  // 1 only in the two cases the ecclesiastical tables correct so that Easter never falls after
  // 25 April.
  const std::int64_t m = (a + 11 * h + 22 * l) / 451;
  const std::int64_t n = h + l - 7 * m + 114;
  return days_from_civil(CivilDate{year, static_cast<std::uint32_t>(n / 31), static_cast<std::uint32_t>(n % 31 + 1)});
}

struct DateRule {
  std::string_view name;
  std::uint32_t month = 1;
  std::uint32_t day = 1;
  bool moves_to_monday = false;
  std::int32_t since = kFirstCalendarYear;
};

// Ley 51 de 1983 art. 1 in its order (the fixed dates, then the feasts that follow Easter), plus
// 9 July from Ley 2578 de 2026 art. 6.
constexpr std::array<DateRule, 14> kDateRules = {{
    {"Año Nuevo", 1, 1, false, kFirstCalendarYear},
    {"Reyes Magos", 1, 6, true, kFirstCalendarYear},
    {"San José", 3, 19, true, kFirstCalendarYear},
    {"Día del Trabajo", 5, 1, false, kFirstCalendarYear},
    {"San Pedro y San Pablo", 6, 29, true, kFirstCalendarYear},
    {"Virgen de Chiquinquirá", 7, 9, true, kChiquinquiraSince},
    {"Día de la Independencia", 7, 20, false, kFirstCalendarYear},
    {"Batalla de Boyacá", 8, 7, false, kFirstCalendarYear},
    {"Asunción de la Virgen", 8, 15, true, kFirstCalendarYear},
    {"Día de la Raza", 10, 12, true, kFirstCalendarYear},
    {"Todos los Santos", 11, 1, true, kFirstCalendarYear},
    {"Independencia de Cartagena", 11, 11, true, kFirstCalendarYear},
    {"Inmaculada Concepción", 12, 8, false, kFirstCalendarYear},
    {"Navidad", 12, 25, false, kFirstCalendarYear},
}};

struct EasterRule {
  std::string_view name;
  std::int32_t days_after_easter = 0;
  bool moves_to_monday = false;
};

// The feasts fall on Thursday E+39, Thursday E+60 and Friday E+68, so moving them gives the
// Mondays E+43, E+64 and E+71 people know.
constexpr std::array<EasterRule, 5> kEasterRules = {{
    {"Jueves Santo", -3, false},
    {"Viernes Santo", -2, false},
    {"Ascensión del Señor", 39, true},
    {"Corpus Christi", 60, true},
    {"Sagrado Corazón", 68, true},
}};

struct Entry {
  std::int64_t date = 0;
  std::int64_t nominal = 0; // before moving: orders two holidays that share a date
  std::string_view name;
};

struct YearHolidays {
  std::array<Entry, kDateRules.size() + kEasterRules.size()> entries{};
  std::size_t count = 0;
};

// Unsorted; constexpr so that the lookup table below is built by the compiler.
constexpr YearHolidays compute_holidays(std::int32_t year) noexcept {
  YearHolidays out;
  for (const DateRule &r : kDateRules) {
    if (year >= r.since) {
      const std::int64_t nominal = days_from_civil(CivilDate{year, r.month, r.day});
      out.entries[out.count++] = Entry{r.moves_to_monday ? to_monday(nominal) : nominal, nominal, r.name};
    }
  }
  const std::int64_t easter = compute_easter(year);
  for (const EasterRule &r : kEasterRules) {
    const std::int64_t nominal = easter + r.days_after_easter;
    out.entries[out.count++] = Entry{r.moves_to_monday ? to_monday(nominal) : nominal, nominal, r.name};
  }
  return out;
}

constexpr std::int64_t kFirstDay = days_from_civil(CivilDate{kFirstCalendarYear, 1, 1});
constexpr std::int64_t kLastDay = days_from_civil(CivilDate{kLastCalendarYear, 12, 31});
constexpr std::size_t kWordBits = 64;
using DayBits = std::array<std::uint64_t, (static_cast<std::size_t>(kLastDay - kFirstDay) + kWordBits) / kWordBits>;

// No moved holiday leaves its year (the latest is 11 November → at most 17 November), so every
// offset is inside the table; an index past it would stop the compiler here.
constexpr DayBits build_holiday_bits() noexcept {
  DayBits bits{};
  for (std::int32_t year = kFirstCalendarYear; year <= kLastCalendarYear; ++year) {
    const YearHolidays h = compute_holidays(year);
    for (std::size_t i = 0; i < h.count; ++i) {
      const auto offset = static_cast<std::size_t>(h.entries[i].date - kFirstDay);
      bits[offset / kWordBits] |= std::uint64_t{1} << (offset % kWordBits);
    }
  }
  return bits;
}

// A constant rather than a cache filled on first use: threads share it with nothing to lock.
constexpr DayBits kHolidayBits = build_holiday_bits();

std::string covered_years() {
  return std::to_string(kFirstCalendarYear) + ".." + std::to_string(kLastCalendarYear);
}

void require_covered(std::int64_t date) {
  if (date >= kFirstDay && date <= kLastDay) {
    return;
  }
  // civil_from_days overflows near the ends of int64, and a date that far off is no date anyway.
  constexpr std::int64_t kFirstPrintable = days_from_civil(CivilDate{1, 1, 1});
  constexpr std::int64_t kLastPrintable = days_from_civil(CivilDate{9999, 12, 31});
  const std::string shown =
      date >= kFirstPrintable && date <= kLastPrintable ? format_iso_date(date) : "day " + std::to_string(date);
  throw std::out_of_range("the Colombian holiday calendar covers the years " + covered_years() + ", not " + shown);
}

bool holiday_bit(std::int64_t date) noexcept {
  const auto offset = static_cast<std::size_t>(date - kFirstDay);
  return ((kHolidayBits[offset / kWordBits] >> (offset % kWordBits)) & 1U) != 0;
}

std::int64_t previous_business_day(const BusinessCalendar &calendar, std::int64_t date) {
  do {
    --date;
  } while (!calendar.is_business_day(date));
  return date;
}

} // namespace

std::int64_t easter_sunday(std::int32_t year) {
  if (year < kFirstGregorianEaster) {
    throw std::out_of_range("Gregorian Easter starts in 1583, not " + std::to_string(year));
  }
  return compute_easter(year);
}

std::vector<Holiday> colombian_holidays(std::int32_t year) {
  if (year < kFirstCalendarYear || year > kLastCalendarYear) {
    throw std::out_of_range("the Colombian holiday calendar covers the years " + covered_years() + ", not " +
                            std::to_string(year));
  }
  YearHolidays h = compute_holidays(year);
  const auto end = h.entries.begin() + static_cast<std::ptrdiff_t>(h.count);
  // Stable, because even the dates before moving can be equal (1984: Sagrado Corazón is itself
  // 29 June); then the order of Ley 51 art. 1, which compute_holidays follows, decides.
  std::stable_sort(h.entries.begin(), end, [](const Entry &x, const Entry &y) {
    return x.date != y.date ? x.date < y.date : x.nominal < y.nominal;
  });
  std::vector<Holiday> out;
  out.reserve(h.count);
  for (auto it = h.entries.begin(); it != end; ++it) {
    out.push_back(Holiday{it->date, it->name});
  }
  return out;
}

bool is_colombian_holiday(std::int64_t date) {
  require_covered(date);
  return holiday_bit(date);
}

bool BusinessCalendar::is_business_day(std::int64_t date) const {
  // The range check comes first so that a Sunday outside it throws like any other day.
  const bool holiday = is_colombian_holiday(date);
  const std::uint32_t day = weekday(date);
  return !holiday && day != kSunday && (day != kSaturday || saturday_is_business_day);
}

std::int64_t BusinessCalendar::on_or_after(std::int64_t date) const {
  while (!is_business_day(date)) {
    ++date;
  }
  return date;
}

std::int64_t BusinessCalendar::next(std::int64_t date) const {
  require_covered(date);
  return on_or_after(date + 1);
}

std::int64_t BusinessCalendar::add(std::int64_t date, std::int32_t n) const {
  require_covered(date);
  // Counting up to n rather than negating it: -INT32_MIN does not exist. Either loop ends at
  // the calendar's edge at the latest, by throwing.
  for (std::int32_t i = 0; i < n; ++i) {
    date = next(date);
  }
  for (std::int32_t i = 0; i > n; --i) {
    date = previous_business_day(*this, date);
  }
  return date;
}

std::int32_t BusinessCalendar::count_between(std::int64_t from, std::int64_t to) const {
  require_covered(from);
  require_covered(to);
  std::int32_t count = 0;
  for (std::int64_t d = from + 1; d <= to; ++d) {
    count += is_business_day(d) ? 1 : 0;
  }
  for (std::int64_t d = to; d < from; ++d) {
    count -= is_business_day(d) ? 1 : 0;
  }
  return count;
}

} // namespace cartera::sdk
