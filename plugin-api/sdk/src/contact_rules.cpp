#include <cartera/sdk/contact_rules.hpp>

#include <cartera/sdk/calendar.hpp>
#include <cartera/sdk/date.hpp>

#include <array>
#include <stdexcept>
#include <string>

namespace cartera::sdk {

namespace {

constexpr std::int64_t kUsPerMinute = 60'000'000;

// [open, close) in minutes of the day; open == close is a day without contact.
struct Window {
  std::int32_t open = 0;
  std::int32_t close = 0;
};

constexpr Window kClosed{};
constexpr Window kWeekdayWindow{7 * 60, 19 * 60};
constexpr Window kSaturdayWindow{8 * 60, 15 * 60};

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void require_minute(LocalTime t) {
  if (t.minute < 0 || t.minute >= kMinutesPerDay) {
    throw std::invalid_argument("minute of the day must be in 0..1439, not " + std::to_string(t.minute));
  }
}

// The holiday lookup comes first so that a Sunday outside the calendar throws like any other day.
Window window_of(std::int64_t date) {
  const bool holiday = is_colombian_holiday(date);
  const std::uint32_t day = weekday(date);
  if (holiday || day == kSunday) {
    return kClosed;
  }
  return day == kSaturday ? kSaturdayWindow : kWeekdayWindow;
}

// Weeks run Monday to Sunday; 1969-12-29, a Monday, is day -3.
constexpr std::int64_t week_of(std::int64_t date) noexcept {
  return floor_div(date + 3, 7);
}

constexpr std::int64_t monday_of_week(std::int64_t week) noexcept {
  return week * 7 - 3;
}

std::string hours_clause(std::int64_t date) {
  if (weekday(date) == kSunday) {
    return "outside contact hours (Sunday)";
  }
  if (is_colombian_holiday(date)) {
    return "outside contact hours (holiday)";
  }
  if (weekday(date) == kSaturday) {
    return "outside contact hours (Saturday 08:00-15:00)";
  }
  return "outside contact hours (Monday to Friday 07:00-19:00)";
}

// A rule that fires on several days in a row is named once.
void add_clause(std::string &reason, const std::string &clause) {
  constexpr std::string_view kSeparator = "; ";
  std::string_view rest = reason;
  while (!rest.empty()) {
    const std::size_t end = rest.find(kSeparator);
    if (rest.substr(0, end) == clause) {
      return;
    }
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + kSeparator.size());
  }
  if (!reason.empty()) {
    reason += kSeparator;
  }
  reason += clause;
}

// What history says about one candidate day, for one channel.
struct DayFacts {
  int reached_that_day = 0;              // through any channel
  int attempts_on_channel = 0;           // reached or not
  const std::string *other_channel = {}; // reached that week through another channel, if any
};

DayFacts facts_for(std::span<const ContactAttempt> history, std::string_view channel, std::int64_t date) {
  DayFacts f;
  const std::int64_t week = week_of(date);
  for (const ContactAttempt &a : history) {
    const bool same_channel = a.channel == channel;
    if (a.when.date == date) {
      f.reached_that_day += a.reached ? 1 : 0;
      f.attempts_on_channel += same_channel ? 1 : 0;
    }
    if (a.reached && !same_channel && f.other_channel == nullptr && week_of(a.when.date) == week) {
      f.other_channel = &a.channel;
    }
  }
  return f;
}

} // namespace

LocalTime bogota_from_utc_us(std::int64_t utc_us) noexcept {
  // Minutes first: subtracting the offset in microseconds could overflow near INT64_MIN.
  const std::int64_t local_minutes = floor_div(utc_us, kUsPerMinute) + kBogotaUtcOffsetMinutes;
  const std::int64_t date = floor_div(local_minutes, kMinutesPerDay);
  return LocalTime{date, static_cast<std::int32_t>(local_minutes - date * kMinutesPerDay)};
}

std::int64_t utc_us_from_bogota(LocalTime t) {
  require_minute(t);
  std::int64_t minutes = 0;
  std::int64_t us = 0;
  if (__builtin_mul_overflow(t.date, std::int64_t{kMinutesPerDay}, &minutes) ||
      __builtin_add_overflow(minutes, std::int64_t{t.minute - kBogotaUtcOffsetMinutes}, &minutes) ||
      __builtin_mul_overflow(minutes, kUsPerMinute, &us)) {
    throw std::out_of_range("day " + std::to_string(t.date) + " does not fit in microseconds since 1970");
  }
  return us;
}

std::string format_local_time(LocalTime t) {
  require_minute(t);
  const int hour = t.minute / 60;
  const int minute = t.minute % 60;
  const std::array<char, 6> hhmm = {' ', static_cast<char>('0' + hour / 10),   static_cast<char>('0' + hour % 10),
                                    ':', static_cast<char>('0' + minute / 10), static_cast<char>('0' + minute % 10)};
  return format_iso_date(t.date).append(hhmm.data(), hhmm.size());
}

bool within_contact_hours(LocalTime t) {
  require_minute(t);
  const Window w = window_of(t.date);
  return t.minute >= w.open && t.minute < w.close;
}

LocalTime next_contact_opening(LocalTime t) {
  require_minute(t);
  const Window today = window_of(t.date);
  if (t.minute < today.close) {
    return LocalTime{t.date, t.minute < today.open ? today.open : t.minute};
  }
  // Over 1984..2100 no more than two days in a row are closed (Jueves and Viernes Santo, or a
  // Sunday and a festivo Monday), and window_of throws past the calendar's last day.
  for (std::int64_t date = t.date + 1;; ++date) {
    const Window w = window_of(date);
    if (w.open < w.close) {
      return LocalTime{date, w.open};
    }
  }
}

ContactDecision earliest_contact(std::span<const ContactAttempt> history, std::string_view channel, LocalTime wanted,
                                 const ContactPolicy &p) {
  require_minute(wanted);
  if (p.max_per_day < 1 || p.max_attempts_per_day < 1) {
    throw std::invalid_argument("contact policy limits must be at least 1 (max_per_day " +
                                std::to_string(p.max_per_day) + ", max_attempts_per_day " +
                                std::to_string(p.max_attempts_per_day) + ")");
  }
  ContactDecision out;
  LocalTime t = next_contact_opening(wanted);
  if (t != wanted) {
    add_clause(out.reason, hours_clause(wanted.date));
  }
  // Each pass either accepts t or moves it past a day or a week holding an attempt of history,
  // never to come back, so the loop ends after at most 2 * history.size() + 1 passes.
  for (;;) {
    const DayFacts f = facts_for(history, channel, t.date);
    if (f.reached_that_day >= p.max_per_day) {
      add_clause(out.reason, p.max_per_day == 1 ? std::string("already reached today")
                                                : "already reached " + std::to_string(p.max_per_day) + " times today");
      t = next_contact_opening(LocalTime{t.date + 1, 0});
    } else if (f.attempts_on_channel >= p.max_attempts_per_day) {
      add_clause(out.reason, std::to_string(p.max_attempts_per_day) +
                                 (p.max_attempts_per_day == 1 ? " attempt through " : " attempts through ") +
                                 std::string(channel) + " today");
      t = next_contact_opening(LocalTime{t.date + 1, 0});
    } else if (p.one_channel_per_week && f.other_channel != nullptr) {
      add_clause(out.reason, "reached through " + *f.other_channel + " this week");
      t = next_contact_opening(LocalTime{monday_of_week(week_of(t.date) + 1), 0});
    } else {
      break;
    }
  }
  out.earliest = t;
  out.allowed = t == wanted;
  return out;
}

} // namespace cartera::sdk
