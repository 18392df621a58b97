#include "module_dir.hpp"
#include <cartera/sdk/calendar.hpp>
#include <cartera/sdk/contact_rules.hpp>
#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace cartera::sdk;

namespace {

constexpr std::int64_t kUsPerMinute = 60'000'000;

using cartera::testing::iso_day;

LocalTime at(std::string_view iso, std::int32_t hour, std::int32_t minute) {
  return LocalTime{iso_day(iso), hour * 60 + minute};
}

std::string show(LocalTime t) {
  return format_local_time(t);
}

std::int64_t utc(std::string_view iso, std::int64_t hour, std::int64_t minute, std::int64_t second = 0) {
  return ((iso_day(iso) * 24 + hour) * 60 + minute) * kUsPerMinute + second * 1'000'000;
}

// Ley 2300 art. 3 written out again from colombia.md §4.1, with its own holiday set, rather than
// taken from the implementation: {open, close} with close exclusive, {0, 0} when closed.
struct OracleWindow {
  std::int32_t open;
  std::int32_t close;
};

class HoursOracle {
public:
  HoursOracle() {
    for (std::int32_t year = 2023; year <= 2028; ++year) {
      for (const Holiday &h : colombian_holidays(year)) {
        holidays_.insert(h.date);
      }
    }
  }
  [[nodiscard]] OracleWindow window(std::int64_t date) const {
    if (weekday(date) == kSunday || holidays_.count(date) > 0) {
      return {0, 0};
    }
    return weekday(date) == kSaturday ? OracleWindow{480, 900} : OracleWindow{420, 1140};
  }
  [[nodiscard]] bool inside(LocalTime t) const {
    const OracleWindow w = window(t.date);
    return t.minute >= w.open && t.minute < w.close;
  }

private:
  std::set<std::int64_t> holidays_;
};

const HoursOracle &oracle() {
  static const HoursOracle kOracle;
  return kOracle;
}

LocalTime plus_minutes(LocalTime t, std::int64_t n) {
  const std::int64_t total = t.date * kMinutesPerDay + t.minute + n;
  const std::int64_t date = total >= 0 ? total / kMinutesPerDay : (total - kMinutesPerDay + 1) / kMinutesPerDay;
  return LocalTime{date, static_cast<std::int32_t>(total - date * kMinutesPerDay)};
}

ContactAttempt reached(LocalTime when, std::string channel) {
  return ContactAttempt{when, std::move(channel), true};
}

ContactAttempt missed(LocalTime when, std::string channel) {
  return ContactAttempt{when, std::move(channel), false};
}

} // namespace

// ---- Bogotá time --------------------------------------------------------------------------

TEST(BogotaTime, IsUtcMinusFive) {
  EXPECT_EQ(show(bogota_from_utc_us(utc("2026-11-22", 15, 4, 5))), "2026-11-22 10:04");
  EXPECT_EQ(show(bogota_from_utc_us(utc("2026-11-22", 23, 59))), "2026-11-22 18:59");
  // June and December alike: no daylight saving time.
  EXPECT_EQ(show(bogota_from_utc_us(utc("2026-06-21", 12, 0))), "2026-06-21 07:00");
  EXPECT_EQ(show(bogota_from_utc_us(utc("2026-12-21", 12, 0))), "2026-12-21 07:00");
}

TEST(BogotaTime, MidnightWrapsToThePreviousDay) {
  EXPECT_EQ(show(bogota_from_utc_us(utc("2026-11-23", 4, 59))), "2026-11-22 23:59");
  EXPECT_EQ(show(bogota_from_utc_us(utc("2026-11-23", 4, 59, 59) + 999'999)), "2026-11-22 23:59");
  EXPECT_EQ(show(bogota_from_utc_us(utc("2026-11-23", 5, 0))), "2026-11-23 00:00");
  EXPECT_EQ(show(bogota_from_utc_us(utc("2027-01-01", 0, 30))), "2026-12-31 19:30");
  EXPECT_EQ(utc_us_from_bogota(at("2026-11-22", 23, 59)), utc("2026-11-23", 4, 59));
  EXPECT_EQ(utc_us_from_bogota(at("2026-11-23", 0, 0)), utc("2026-11-23", 5, 0));
}

TEST(BogotaTime, BeforeTheEpochSecondsRoundTowardsThePast) {
  EXPECT_EQ(bogota_from_utc_us(0), (LocalTime{-1, 19 * 60}));
  EXPECT_EQ(bogota_from_utc_us(-1), (LocalTime{-1, 19 * 60 - 1}));
  EXPECT_EQ(show(bogota_from_utc_us(utc("1969-07-20", 20, 17, 40))), "1969-07-20 15:17");
  EXPECT_EQ(utc_us_from_bogota(LocalTime{-1, 19 * 60}), 0);
}

TEST(BogotaTime, RoundTrips) {
  std::mt19937_64 rng(20261122);
  // 1984..2100 and a margin: the conversion itself does not depend on the calendar.
  std::uniform_int_distribution<std::int64_t> any_us(utc("1900-01-01", 0, 0), utc("2200-01-01", 0, 0));
  for (int i = 0; i < 20'000; ++i) {
    const std::int64_t us = any_us(rng);
    const LocalTime local = bogota_from_utc_us(us);
    ASSERT_GE(local.minute, 0);
    ASSERT_LT(local.minute, kMinutesPerDay);
    const std::int64_t start = utc_us_from_bogota(local);
    // The start of the minute holding us.
    ASSERT_LE(start, us);
    ASSERT_GT(start + kUsPerMinute, us);
    ASSERT_EQ(bogota_from_utc_us(start), local);
    ASSERT_EQ(bogota_from_utc_us(start + kUsPerMinute - 1), local);
  }
}

TEST(BogotaTime, ExtremeInstantsDoNotOverflow) {
  const LocalTime last = bogota_from_utc_us(std::numeric_limits<std::int64_t>::max());
  EXPECT_GE(last.minute, 0);
  EXPECT_EQ(bogota_from_utc_us(utc_us_from_bogota(last)), last);
  const LocalTime first = bogota_from_utc_us(std::numeric_limits<std::int64_t>::min());
  EXPECT_GE(first.minute, 0);
  EXPECT_LT(first.minute, kMinutesPerDay);
  // That minute starts before the smallest int64 microsecond.
  EXPECT_THROW(utc_us_from_bogota(first), std::out_of_range);
  EXPECT_THROW(utc_us_from_bogota(LocalTime{std::numeric_limits<std::int64_t>::max(), 0}), std::out_of_range);
  EXPECT_THROW(utc_us_from_bogota(LocalTime{std::numeric_limits<std::int64_t>::min(), 0}), std::out_of_range);
}

TEST(BogotaTime, FormatsAndRejectsImpossibleMinutes) {
  EXPECT_EQ(show(at("2026-11-22", 18, 59)), "2026-11-22 18:59");
  EXPECT_EQ(show(at("2026-01-05", 0, 0)), "2026-01-05 00:00");
  EXPECT_EQ(show(at("2026-01-05", 23, 59)), "2026-01-05 23:59");
  for (const std::int32_t bad : {-1, 1440, 100'000}) {
    EXPECT_THROW(format_local_time(LocalTime{iso_day("2026-01-05"), bad}), std::invalid_argument) << bad;
    EXPECT_THROW(utc_us_from_bogota(LocalTime{iso_day("2026-01-05"), bad}), std::invalid_argument) << bad;
    EXPECT_THROW(within_contact_hours(LocalTime{iso_day("2026-01-05"), bad}), std::invalid_argument) << bad;
    EXPECT_THROW(next_contact_opening(LocalTime{iso_day("2026-01-05"), bad}), std::invalid_argument) << bad;
  }
}

TEST(BogotaTime, OrdersByDateThenMinute) {
  EXPECT_LT(at("2026-11-22", 23, 59), at("2026-11-23", 0, 0));
  EXPECT_LT(at("2026-11-23", 7, 0), at("2026-11-23", 7, 1));
  EXPECT_EQ(at("2026-11-23", 7, 0), (LocalTime{iso_day("2026-11-23"), 420}));
}

// ---- Hours: Ley 2300 art. 3 ----------------------------------------------------------------

TEST(ContactHours, SundayIsClosed) {
  const LocalTime sunday = at("2026-11-22", 10, 0);
  ASSERT_EQ(weekday(sunday.date), kSunday);
  EXPECT_FALSE(within_contact_hours(sunday));
  EXPECT_EQ(show(next_contact_opening(sunday)), "2026-11-23 07:00");
}

TEST(ContactHours, AHolidayIsClosed) {
  // Monday 2026-11-16, Independencia de Cartagena (from 11 November).
  const LocalTime festivo = at("2026-11-16", 10, 0);
  ASSERT_TRUE(is_colombian_holiday(festivo.date));
  EXPECT_FALSE(within_contact_hours(festivo));
  EXPECT_EQ(show(next_contact_opening(festivo)), "2026-11-17 07:00");
  // From the Saturday before: Sunday and the festivo are skipped.
  EXPECT_EQ(show(next_contact_opening(at("2026-11-14", 15, 0))), "2026-11-17 07:00");
  // Chiquinquirá is a holiday from 2026 only.
  EXPECT_FALSE(within_contact_hours(at("2026-07-13", 10, 0)));
  EXPECT_TRUE(within_contact_hours(at("2025-07-14", 10, 0)));
}

TEST(ContactHours, AHolidaySaturdayIsClosed) {
  // 2027-05-01, Día del Trabajo, is a Saturday.
  const LocalTime may_day = at("2027-05-01", 10, 0);
  ASSERT_EQ(weekday(may_day.date), kSaturday);
  EXPECT_FALSE(within_contact_hours(may_day));
  EXPECT_EQ(show(next_contact_opening(may_day)), "2027-05-03 07:00");
  EXPECT_EQ(show(next_contact_opening(at("2027-12-24", 19, 0))), "2027-12-27 07:00"); // Navidad on a Saturday
}

TEST(ContactHours, SaturdayIsEightToThree) {
  EXPECT_FALSE(within_contact_hours(at("2026-11-21", 7, 59)));
  EXPECT_TRUE(within_contact_hours(at("2026-11-21", 8, 0)));
  EXPECT_TRUE(within_contact_hours(at("2026-11-21", 14, 59)));
  EXPECT_FALSE(within_contact_hours(at("2026-11-21", 15, 0)));
  EXPECT_FALSE(within_contact_hours(at("2026-11-21", 15, 30)));
  EXPECT_EQ(show(next_contact_opening(at("2026-11-21", 15, 30))), "2026-11-23 07:00");
  EXPECT_EQ(show(next_contact_opening(at("2026-11-21", 15, 0))), "2026-11-23 07:00");
  EXPECT_EQ(show(next_contact_opening(at("2026-11-21", 6, 0))), "2026-11-21 08:00");
}

TEST(ContactHours, WeekdaysAreSevenToSevenEndExclusive) {
  // Tuesday 2026-11-24.
  EXPECT_FALSE(within_contact_hours(at("2026-11-24", 0, 0)));
  EXPECT_FALSE(within_contact_hours(at("2026-11-24", 6, 59)));
  EXPECT_TRUE(within_contact_hours(at("2026-11-24", 7, 0)));
  EXPECT_TRUE(within_contact_hours(at("2026-11-24", 12, 0)));
  EXPECT_TRUE(within_contact_hours(at("2026-11-24", 18, 59)));
  EXPECT_FALSE(within_contact_hours(at("2026-11-24", 19, 0)));
  EXPECT_FALSE(within_contact_hours(at("2026-11-24", 23, 59)));
  EXPECT_EQ(show(next_contact_opening(at("2026-11-24", 5, 0))), "2026-11-24 07:00");
  EXPECT_EQ(show(next_contact_opening(at("2026-11-24", 18, 59))), "2026-11-24 18:59");
  EXPECT_EQ(show(next_contact_opening(at("2026-11-24", 19, 0))), "2026-11-25 07:00");
  // Friday evening → Saturday morning.
  EXPECT_EQ(show(next_contact_opening(at("2026-11-20", 19, 0))), "2026-11-21 08:00");
}

TEST(ContactHours, ChristmasAndNewYear) {
  // Thursday 24 → Friday 25 is Navidad → Saturday 26.
  EXPECT_EQ(show(next_contact_opening(at("2026-12-24", 19, 0))), "2026-12-26 08:00");
  EXPECT_EQ(show(next_contact_opening(at("2026-12-25", 9, 0))), "2026-12-26 08:00");
  // Thursday 31 → Friday 2027-01-01 is Año Nuevo → Saturday 2.
  ASSERT_TRUE(is_colombian_holiday(iso_day("2027-01-01")));
  ASSERT_FALSE(is_colombian_holiday(iso_day("2027-01-02")));
  EXPECT_EQ(show(next_contact_opening(at("2026-12-31", 20, 0))), "2027-01-02 08:00");
  // Saturday 2 afternoon → Monday 4 (Reyes Magos moves to 11 January in 2027).
  EXPECT_EQ(show(next_contact_opening(at("2027-01-02", 15, 0))), "2027-01-04 07:00");
  EXPECT_EQ(show(next_contact_opening(at("2027-01-09", 15, 0))), "2027-01-12 07:00");
}

TEST(ContactHours, HolyWeek) {
  // 2026: Jueves Santo 2 April, Viernes Santo 3 April.
  EXPECT_EQ(show(next_contact_opening(at("2026-04-01", 19, 0))), "2026-04-04 08:00");
  EXPECT_FALSE(within_contact_hours(at("2026-04-02", 10, 0)));
  EXPECT_FALSE(within_contact_hours(at("2026-04-03", 10, 0)));
  EXPECT_EQ(show(next_contact_opening(at("2026-04-02", 10, 0))), "2026-04-04 08:00");
  EXPECT_TRUE(within_contact_hours(at("2026-04-04", 8, 0)));
}

TEST(ContactHours, EveryDayOf2024To2027HasTheRightWindow) {
  for (std::int64_t d = iso_day("2024-01-01"); d <= iso_day("2027-12-31"); ++d) {
    const OracleWindow w = oracle().window(d);
    std::int32_t first = -1;
    std::int32_t last = -1;
    std::int32_t count = 0;
    for (std::int32_t m = 0; m < kMinutesPerDay; ++m) {
      if (within_contact_hours(LocalTime{d, m})) {
        first = first < 0 ? m : first;
        last = m;
        ++count;
      }
    }
    if (w.open == w.close) {
      ASSERT_EQ(count, 0) << format_iso_date(d);
    } else {
      ASSERT_EQ(first, w.open) << format_iso_date(d);
      ASSERT_EQ(last, w.close - 1) << format_iso_date(d);
      ASSERT_EQ(count, w.close - w.open) << format_iso_date(d);
    }
  }
}

TEST(ContactHours, NextOpeningIsTheFirstMinuteWithinHours) {
  std::mt19937_64 rng(2300);
  std::uniform_int_distribution<std::int64_t> any_date(iso_day("2024-01-01"), iso_day("2027-12-31"));
  std::uniform_int_distribution<std::int32_t> any_minute(0, kMinutesPerDay - 1);
  for (int i = 0; i < 20'000; ++i) {
    const LocalTime t{any_date(rng), any_minute(rng)};
    const LocalTime next = next_contact_opening(t);
    ASSERT_TRUE(within_contact_hours(next)) << show(t);
    ASSERT_TRUE(oracle().inside(next)) << show(t);
    ASSERT_GE(next, t) << show(t);
    ASSERT_EQ(next == t, oracle().inside(t)) << show(t);
    ASSERT_EQ(next_contact_opening(next), next) << show(t);
    // By window starts: moved means it lands on the opening of its day, every day strictly
    // between is closed, and t's own day has no window left after t.
    if (next != t) {
      ASSERT_EQ(next.minute, oracle().window(next.date).open) << show(t);
      for (std::int64_t d = t.date + 1; d < next.date; ++d) {
        const OracleWindow w = oracle().window(d);
        ASSERT_EQ(w.open, w.close) << show(t) << " skipped the open day " << format_iso_date(d);
      }
      if (next.date > t.date) {
        ASSERT_GE(t.minute, oracle().window(t.date).close) << show(t);
      }
      ASSERT_LE(next.date - t.date, 3) << show(t); // never more than two closed days in a row
    }
    // Minute by minute for a sample.
    if (i % 20 == 0) {
      for (LocalTime m = t; m < next; m = plus_minutes(m, 1)) {
        ASSERT_FALSE(oracle().inside(m)) << show(t) << " missed " << show(m);
      }
    }
  }
}

TEST(ContactHours, OutsideTheCalendarThrows) {
  EXPECT_THROW(within_contact_hours(at("1983-12-30", 10, 0)), std::out_of_range);
  EXPECT_THROW(within_contact_hours(at("1983-12-25", 10, 0)), std::out_of_range); // a Sunday too
  EXPECT_THROW(within_contact_hours(at("2101-01-03", 10, 0)), std::out_of_range);
  EXPECT_THROW(next_contact_opening(at("2101-01-03", 10, 0)), std::out_of_range);
  // Inside the range, but the next window would be in 2101.
  EXPECT_THROW(next_contact_opening(at("2100-12-31", 20, 0)), std::out_of_range);
  EXPECT_NO_THROW(next_contact_opening(at("1984-01-01", 0, 0)));
  EXPECT_EQ(show(next_contact_opening(at("1984-01-01", 0, 0))), "1984-01-02 07:00");
}

// ---- Frequency: Ley 2300, once direct contact has been achieved ------------------------------
// The week of Monday 2026-11-23 to Sunday 2026-11-29 has no holiday.

TEST(ContactFrequency, NoHistoryOnlyHoursApply) {
  const ContactDecision now = earliest_contact({}, "email", at("2026-11-23", 10, 0));
  EXPECT_TRUE(now.allowed);
  EXPECT_EQ(now.earliest, at("2026-11-23", 10, 0));
  EXPECT_EQ(now.reason, "");

  const ContactDecision sunday = earliest_contact({}, "email", at("2026-11-22", 10, 0));
  EXPECT_FALSE(sunday.allowed);
  EXPECT_EQ(show(sunday.earliest), "2026-11-23 07:00");
  EXPECT_EQ(sunday.reason, "outside contact hours (Sunday)");

  EXPECT_EQ(earliest_contact({}, "sms", at("2026-11-16", 10, 0)).reason, "outside contact hours (holiday)");
  EXPECT_EQ(earliest_contact({}, "sms", at("2026-11-21", 15, 30)).reason,
            "outside contact hours (Saturday 08:00-15:00)");
  EXPECT_EQ(earliest_contact({}, "sms", at("2026-11-24", 19, 0)).reason,
            "outside contact hours (Monday to Friday 07:00-19:00)");
}

TEST(ContactFrequency, ReachedTodayWaitsForTomorrow) {
  const std::vector<ContactAttempt> history = {reached(at("2026-11-23", 9, 0), "email")};
  const ContactDecision d = earliest_contact(history, "email", at("2026-11-23", 10, 0));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(show(d.earliest), "2026-11-24 07:00");
  EXPECT_EQ(d.reason, "already reached today");
  // The same channel the next days of the week is fine.
  EXPECT_TRUE(earliest_contact(history, "email", at("2026-11-24", 7, 0)).allowed);
  const ContactDecision wednesday = earliest_contact(history, "email", at("2026-11-25", 10, 0));
  EXPECT_TRUE(wednesday.allowed);
  EXPECT_EQ(wednesday.reason, "");
}

TEST(ContactFrequency, AnotherChannelWaitsForNextWeek) {
  const std::vector<ContactAttempt> history = {reached(at("2026-11-23", 9, 0), "email")};
  const ContactDecision d = earliest_contact(history, "sms", at("2026-11-25", 10, 0));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(show(d.earliest), "2026-11-30 07:00");
  EXPECT_EQ(d.reason, "reached through email this week");
  // Saturday is still the same week.
  EXPECT_EQ(show(earliest_contact(history, "call", at("2026-11-28", 9, 0)).earliest), "2026-11-30 07:00");
  // The same day, both rules moved it.
  const ContactDecision monday = earliest_contact(history, "sms", at("2026-11-23", 10, 0));
  EXPECT_EQ(show(monday.earliest), "2026-11-30 07:00");
  EXPECT_EQ(monday.reason, "already reached today; reached through email this week");
}

TEST(ContactFrequency, WeeksRunMondayToSunday) {
  // Reached on Saturday: Monday is a new week for every channel.
  const std::vector<ContactAttempt> saturday = {reached(at("2026-11-28", 9, 0), "sms")};
  EXPECT_TRUE(earliest_contact(saturday, "email", at("2026-11-30", 7, 0)).allowed);
  // Sunday has no hours, so the first minute after it is Monday's opening of the next week.
  const ContactDecision sunday = earliest_contact(saturday, "email", at("2026-11-29", 10, 0));
  EXPECT_EQ(show(sunday.earliest), "2026-11-30 07:00");
  EXPECT_EQ(sunday.reason, "outside contact hours (Sunday)");
  // Reached on Monday, the Friday of that week is still blocked: not a seven-day window.
  const std::vector<ContactAttempt> monday = {reached(at("2026-11-23", 9, 0), "sms")};
  EXPECT_EQ(show(earliest_contact(monday, "email", at("2026-11-27", 10, 0)).earliest), "2026-11-30 07:00");
  // A contact logged on a Sunday (the debtor called in) belongs to the week that ends that day.
  const std::vector<ContactAttempt> on_sunday = {reached(at("2026-11-22", 10, 0), "sms")};
  EXPECT_TRUE(earliest_contact(on_sunday, "email", at("2026-11-23", 7, 0)).allowed);
  const ContactDecision same_week = earliest_contact(on_sunday, "email", at("2026-11-21", 10, 0));
  EXPECT_EQ(show(same_week.earliest), "2026-11-23 07:00");
  EXPECT_EQ(same_week.reason, "reached through sms this week");
  // A contact the week before blocks nothing.
  const std::vector<ContactAttempt> last_week = {reached(at("2026-11-20", 9, 0), "sms")};
  EXPECT_TRUE(earliest_contact(last_week, "email", at("2026-11-23", 7, 0)).allowed);
}

TEST(ContactFrequency, AttemptsNotReachedDoNotBlock) {
  const std::vector<ContactAttempt> history = {missed(at("2026-11-23", 9, 0), "email"),
                                               missed(at("2026-11-23", 9, 30), "call")};
  EXPECT_TRUE(earliest_contact(history, "email", at("2026-11-23", 10, 0)).allowed);
  EXPECT_TRUE(earliest_contact(history, "sms", at("2026-11-23", 10, 0)).allowed);
  EXPECT_TRUE(earliest_contact(history, "call", at("2026-11-23", 10, 0)).allowed);
}

TEST(ContactFrequency, TheFourthAttemptOfADayWaitsForTomorrow) {
  std::vector<ContactAttempt> history = {missed(at("2026-11-23", 8, 0), "email"),
                                         missed(at("2026-11-23", 9, 0), "email")};
  EXPECT_TRUE(earliest_contact(history, "email", at("2026-11-23", 10, 0)).allowed);
  history.push_back(missed(at("2026-11-23", 10, 0), "email"));
  const ContactDecision fourth = earliest_contact(history, "email", at("2026-11-23", 11, 0));
  EXPECT_FALSE(fourth.allowed);
  EXPECT_EQ(show(fourth.earliest), "2026-11-24 07:00");
  EXPECT_EQ(fourth.reason, "3 attempts through email today");
  // The limit is per channel.
  EXPECT_TRUE(earliest_contact(history, "sms", at("2026-11-23", 11, 0)).allowed);
  // And a product setting.
  ContactPolicy patient;
  patient.max_attempts_per_day = 5;
  EXPECT_TRUE(earliest_contact(history, "email", at("2026-11-23", 11, 0), patient).allowed);
  ContactPolicy once;
  once.max_attempts_per_day = 1;
  const ContactDecision d = earliest_contact({history.data(), 1}, "email", at("2026-11-23", 11, 0), once);
  EXPECT_EQ(show(d.earliest), "2026-11-24 07:00");
  EXPECT_EQ(d.reason, "1 attempt through email today");
}

TEST(ContactFrequency, ReachedAfterFailuresCountsOnce) {
  // Two bounces, then a delivered message: the day is closed for every channel.
  const std::vector<ContactAttempt> history = {missed(at("2026-11-23", 8, 0), "email"),
                                               missed(at("2026-11-23", 9, 0), "email"),
                                               reached(at("2026-11-23", 9, 30), "email")};
  const ContactDecision d = earliest_contact(history, "email", at("2026-11-23", 11, 0));
  EXPECT_EQ(show(d.earliest), "2026-11-24 07:00");
  EXPECT_EQ(d.reason, "already reached today");
}

TEST(ContactFrequency, ReachedAttemptsCountTowardsTheAttemptLimit) {
  ContactPolicy policy;
  policy.max_per_day = 2;
  policy.max_attempts_per_day = 2;
  const std::vector<ContactAttempt> history = {reached(at("2026-11-23", 9, 0), "email"),
                                               missed(at("2026-11-23", 10, 0), "email")};
  const ContactDecision d = earliest_contact(history, "email", at("2026-11-23", 11, 0), policy);
  EXPECT_EQ(show(d.earliest), "2026-11-24 07:00");
  EXPECT_EQ(d.reason, "2 attempts through email today");
}

TEST(ContactFrequency, PolicyMaxPerDayTwo) {
  ContactPolicy twice;
  twice.max_per_day = 2;
  std::vector<ContactAttempt> history = {reached(at("2026-11-23", 9, 0), "email")};
  EXPECT_TRUE(earliest_contact(history, "email", at("2026-11-23", 10, 0), twice).allowed);
  history.push_back(reached(at("2026-11-23", 10, 0), "email"));
  const ContactDecision d = earliest_contact(history, "email", at("2026-11-23", 11, 0), twice);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(show(d.earliest), "2026-11-24 07:00");
  EXPECT_EQ(d.reason, "already reached 2 times today");
  // The weekly rule is independent of it.
  EXPECT_EQ(show(earliest_contact({history.data(), 1}, "sms", at("2026-11-23", 10, 0), twice).earliest),
            "2026-11-30 07:00");
}

TEST(ContactFrequency, PolicyWithoutTheWeeklyRule) {
  ContactPolicy any_channel;
  any_channel.one_channel_per_week = false;
  const std::vector<ContactAttempt> history = {reached(at("2026-11-23", 9, 0), "email")};
  EXPECT_TRUE(earliest_contact(history, "sms", at("2026-11-25", 10, 0), any_channel).allowed);
  EXPECT_EQ(show(earliest_contact(history, "sms", at("2026-11-23", 10, 0), any_channel).earliest), "2026-11-24 07:00");
}

TEST(ContactFrequency, InvalidPolicyOrTimeIsRejected) {
  ContactPolicy zero;
  zero.max_per_day = 0;
  EXPECT_THROW(earliest_contact({}, "email", at("2026-11-23", 10, 0), zero), std::invalid_argument);
  ContactPolicy no_attempts;
  no_attempts.max_attempts_per_day = -1;
  EXPECT_THROW(earliest_contact({}, "email", at("2026-11-23", 10, 0), no_attempts), std::invalid_argument);
  EXPECT_THROW(earliest_contact({}, "email", LocalTime{iso_day("2026-11-23"), 1440}), std::invalid_argument);
  EXPECT_THROW(earliest_contact({}, "email", at("2101-01-03", 10, 0)), std::out_of_range);
}

TEST(ContactFrequency, HoursAndFrequencyTogether) {
  // Reached on the Friday before Navidad: the next day is the holiday, then Saturday.
  const std::vector<ContactAttempt> christmas = {reached(at("2026-12-24", 10, 0), "call")};
  const ContactDecision d = earliest_contact(christmas, "call", at("2026-12-24", 11, 0));
  EXPECT_EQ(show(d.earliest), "2026-12-26 08:00");
  EXPECT_EQ(d.reason, "already reached today");
  // Reached on Saturday 14 November: the next Monday is a festivo, and Tuesday is a new week.
  const std::vector<ContactAttempt> saturday = {reached(at("2026-11-14", 9, 0), "sms")};
  const ContactDecision d2 = earliest_contact(saturday, "email", at("2026-11-14", 14, 0));
  EXPECT_EQ(show(d2.earliest), "2026-11-17 07:00");
  EXPECT_EQ(d2.reason, "already reached today");
  // Another channel reached on Thursday 12: the week's end, then the festivo.
  const std::vector<ContactAttempt> thursday = {reached(at("2026-11-12", 9, 0), "sms")};
  const ContactDecision d4 = earliest_contact(thursday, "email", at("2026-11-13", 10, 0));
  EXPECT_EQ(show(d4.earliest), "2026-11-17 07:00");
  EXPECT_EQ(d4.reason, "reached through sms this week");
  // Wanted on a Sunday, and the Monday is already taken.
  const std::vector<ContactAttempt> monday = {reached(at("2026-11-23", 8, 0), "email")};
  const ContactDecision d3 = earliest_contact(monday, "email", at("2026-11-22", 10, 0));
  EXPECT_EQ(show(d3.earliest), "2026-11-24 07:00");
  EXPECT_EQ(d3.reason, "outside contact hours (Sunday); already reached today");
}

TEST(ContactFrequency, SeveralDaysInARowAreNamedOnce) {
  const std::vector<ContactAttempt> history = {
      reached(at("2026-11-23", 9, 0), "email"), reached(at("2026-11-24", 9, 0), "email"),
      reached(at("2026-11-25", 9, 0), "email"), missed(at("2026-11-26", 8, 0), "email"),
      missed(at("2026-11-26", 9, 0), "email"),  missed(at("2026-11-26", 10, 0), "email")};
  const ContactDecision d = earliest_contact(history, "email", at("2026-11-23", 10, 0));
  EXPECT_EQ(show(d.earliest), "2026-11-27 07:00");
  EXPECT_EQ(d.reason, "already reached today; 3 attempts through email today");
}

TEST(ContactFrequency, HistoryOrderAndLaterAttemptsDoNotMatter) {
  // A contact logged later in the week closes the week to other channels from its Monday on.
  std::vector<ContactAttempt> history = {missed(at("2026-11-24", 8, 0), "call"), reached(at("2026-11-26", 9, 0), "sms"),
                                         reached(at("2026-11-17", 9, 0), "email")};
  const ContactDecision expected = earliest_contact(history, "email", at("2026-11-23", 10, 0));
  EXPECT_EQ(show(expected.earliest), "2026-11-30 07:00");
  EXPECT_EQ(expected.reason, "reached through sms this week");
  std::sort(history.begin(), history.end(),
            [](const ContactAttempt &a, const ContactAttempt &b) { return a.channel < b.channel; });
  do {
    const ContactDecision d = earliest_contact(history, "email", at("2026-11-23", 10, 0));
    EXPECT_EQ(d.earliest, expected.earliest);
    EXPECT_EQ(d.reason, expected.reason);
  } while (std::next_permutation(history.begin(), history.end(), [](const ContactAttempt &a, const ContactAttempt &b) {
    return a.channel < b.channel;
  }));
}

TEST(ContactFrequency, MatchesABruteForceSearch) {
  // The rules written out again, checked minute by minute from wanted.
  struct Case {
    std::vector<ContactAttempt> history;
    std::string channel;
    ContactPolicy policy;
  };
  const auto week = [](std::int64_t date) { return (date + 3 >= 0 ? date + 3 : date - 3) / 7; };
  const auto permitted = [&](const Case &c, LocalTime t) {
    if (!oracle().inside(t)) {
      return false;
    }
    int reached_that_day = 0;
    int attempts = 0;
    for (const ContactAttempt &a : c.history) {
      if (a.when.date == t.date) {
        reached_that_day += a.reached ? 1 : 0;
        attempts += a.channel == c.channel ? 1 : 0;
      }
      if (c.policy.one_channel_per_week && a.reached && a.channel != c.channel && week(a.when.date) == week(t.date)) {
        return false;
      }
    }
    return reached_that_day < c.policy.max_per_day && attempts < c.policy.max_attempts_per_day;
  };

  const std::array<std::string, 3> channels = {"email", "sms", "call"};
  std::mt19937_64 rng(10'07'2023);
  std::uniform_int_distribution<std::int64_t> any_date(iso_day("2026-03-23"),
                                                       iso_day("2026-04-12")); // Holy Week inside
  std::uniform_int_distribution<std::int32_t> any_minute(0, kMinutesPerDay - 1);
  std::uniform_int_distribution<std::size_t> any_channel(0, channels.size() - 1);
  std::uniform_int_distribution<int> small(0, 9);
  for (int i = 0; i < 400; ++i) {
    Case c;
    c.channel = channels[any_channel(rng)];
    c.policy.max_per_day = small(rng) < 8 ? 1 : 2;
    c.policy.one_channel_per_week = small(rng) < 8;
    c.policy.max_attempts_per_day = 1 + small(rng) % 3;
    const int n = small(rng);
    for (int k = 0; k < n; ++k) {
      c.history.push_back(
          ContactAttempt{LocalTime{any_date(rng), any_minute(rng)}, channels[any_channel(rng)], small(rng) < 5});
    }
    const LocalTime wanted{any_date(rng), any_minute(rng)};
    const ContactDecision d = earliest_contact(c.history, c.channel, wanted, c.policy);
    ASSERT_TRUE(permitted(c, d.earliest)) << "case " << i << ": " << show(d.earliest);
    ASSERT_EQ(d.allowed, d.earliest == wanted) << "case " << i;
    ASSERT_EQ(d.reason.empty(), d.allowed) << "case " << i;
    for (LocalTime m = wanted; m < d.earliest; m = plus_minutes(m, 1)) {
      ASSERT_FALSE(permitted(c, m)) << "case " << i << ": " << show(m) << " was free before " << show(d.earliest);
    }
  }
}
