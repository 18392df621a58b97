// Civil dates as days since 1970-01-01 (the ABI's CARTERA_TYPE_DATE), proleptic Gregorian.
// Howard Hinnant's days_from_civil algorithm: exact for any year the int64 range allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cartera::sdk {

struct CivilDate {
  std::int32_t year = 1970;
  std::uint32_t month = 1; // 1..12
  std::uint32_t day = 1;   // 1..31
  friend constexpr bool operator==(const CivilDate &, const CivilDate &) = default;
};

constexpr bool is_leap_year(std::int32_t y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr std::uint32_t days_in_month(std::int32_t y, std::uint32_t m) noexcept {
  constexpr std::uint32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

constexpr std::int64_t days_from_civil(CivilDate d) noexcept {
  const std::int64_t y = static_cast<std::int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (static_cast<std::int64_t>(d.month) + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + static_cast<std::int64_t>(d.day) - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return CivilDate{static_cast<std::int32_t>(y), static_cast<std::uint32_t>(m), static_cast<std::uint32_t>(d)};
}

// weekday()'s values, named where a rule depends on the day of the week.
constexpr std::uint32_t kSunday = 0;
constexpr std::uint32_t kMonday = 1;
constexpr std::uint32_t kSaturday = 6;

// 0 = Sunday ... 6 = Saturday.
constexpr std::uint32_t weekday(std::int64_t days) noexcept {
  // 1970-01-01 was a Thursday (4); days % 7 is in [-6, 6].
  return static_cast<std::uint32_t>(((days % 7) + 11) % 7);
}

// Bogotá is UTC−5 all year (Colombia has no daylight saving time).
inline constexpr std::int64_t kBogotaUtcOffsetUs = std::int64_t{-5} * 3'600'000'000;

// The civil date in Bogotá (days since 1970-01-01) of an instant in microseconds since the epoch
// (the run clock, cartera_host_services now_utc_us): what "today" is for a job, and the day a
// document dated in Colombian time carries. Floors, so an instant before 1970 is still right.
constexpr std::int64_t bogota_date(std::int64_t utc_us) noexcept {
  constexpr std::int64_t kUsPerDay = 86'400'000'000;
  const std::int64_t local = utc_us + kBogotaUtcOffsetUs;
  return local >= 0 ? local / kUsPerDay : (local - (kUsPerDay - 1)) / kUsPerDay;
}

// Parses exactly YYYY-MM-DD and rejects impossible dates (2025-02-29, 2025-13-01).
std::optional<std::int64_t> parse_iso_date(std::string_view text) noexcept;

// YYYY-MM-DD.
std::string format_iso_date(std::int64_t days);

// DD/MM/YYYY, as people read dates in Colombia.
std::string format_co_date(std::int64_t days);

// Microseconds since the epoch as "2026-11-22T15:04:05Z" (the run clock, cartera_host_services
// now_utc_us).
std::string format_iso_instant_utc(std::int64_t us);
// Its inverse: exactly "YYYY-MM-DDTHH:MM:SSZ" (no leap second), as microseconds since the epoch.
std::optional<std::int64_t> parse_iso_instant_utc(std::string_view text) noexcept;

} // namespace cartera::sdk
