#include "module_dir.hpp"
#include <cartera/sdk/calendar.hpp>
#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

using namespace cartera::sdk;

namespace {

using cartera::testing::iso_day;

std::multiset<std::string> holiday_dates(std::int32_t year) {
  std::multiset<std::string> out;
  for (const Holiday &h : colombian_holidays(year)) {
    out.insert(format_iso_date(h.date));
  }
  return out;
}

std::vector<std::string> names_on(std::int64_t date) {
  std::vector<std::string> out;
  for (const Holiday &h : colombian_holidays(civil_from_days(date).year)) {
    if (h.date == date) {
      out.emplace_back(h.name);
    }
  }
  return out;
}

// The law's own description of each holiday (colombia.md §2.1), written out again here rather
// than taken from the implementation: month 0 means "days after Easter".
struct NominalRule {
  std::uint32_t month;
  std::int32_t day_or_offset;
  bool moves;
};

const std::map<std::string_view, NominalRule> kNominal = {
    {"Año Nuevo", {1, 1, false}},
    {"Reyes Magos", {1, 6, true}},
    {"San José", {3, 19, true}},
    {"Jueves Santo", {0, -3, false}},
    {"Viernes Santo", {0, -2, false}},
    {"Día del Trabajo", {5, 1, false}},
    {"Ascensión del Señor", {0, 39, true}},
    {"Corpus Christi", {0, 60, true}},
    {"Sagrado Corazón", {0, 68, true}},
    {"San Pedro y San Pablo", {6, 29, true}},
    {"Virgen de Chiquinquirá", {7, 9, true}},
    {"Día de la Independencia", {7, 20, false}},
    {"Batalla de Boyacá", {8, 7, false}},
    {"Asunción de la Virgen", {8, 15, true}},
    {"Día de la Raza", {10, 12, true}},
    {"Todos los Santos", {11, 1, true}},
    {"Independencia de Cartagena", {11, 11, true}},
    {"Inmaculada Concepción", {12, 8, false}},
    {"Navidad", {12, 25, false}},
};

std::int64_t nominal_date(const NominalRule &rule, std::int32_t year) {
  if (rule.month == 0) {
    return easter_sunday(year) + rule.day_or_offset;
  }
  return days_from_civil(CivilDate{year, rule.month, static_cast<std::uint32_t>(rule.day_or_offset)});
}

const BusinessCalendar kWeekdays{};
const BusinessCalendar kWithSaturdays{true};

std::int64_t first_day() {
  return days_from_civil(CivilDate{kFirstCalendarYear, 1, 1});
}
std::int64_t last_day() {
  return days_from_civil(CivilDate{kLastCalendarYear, 12, 31});
}

} // namespace

// ---- Oracle lists: colombia.md §2.2 (python-holidays @ c382fdec) ----------------------------

TEST(CalendarOracle, Year2024HasEighteenHolidays) {
  const std::multiset<std::string> expected = {"2024-01-01", "2024-01-08", "2024-03-25", "2024-03-28", "2024-03-29",
                                               "2024-05-01", "2024-05-13", "2024-06-03", "2024-06-10", "2024-07-01",
                                               "2024-07-20", "2024-08-07", "2024-08-19", "2024-10-14", "2024-11-04",
                                               "2024-11-11", "2024-12-08", "2024-12-25"};
  EXPECT_EQ(holiday_dates(2024), expected);
  EXPECT_EQ(colombian_holidays(2024).size(), 18U);
}

TEST(CalendarOracle, Year2025HasEighteenHolidaysOnSeventeenDates) {
  const std::multiset<std::string> expected = {"2025-01-01", "2025-01-06", "2025-03-24", "2025-04-17", "2025-04-18",
                                               "2025-05-01", "2025-06-02", "2025-06-23", "2025-06-30", "2025-06-30",
                                               "2025-07-20", "2025-08-07", "2025-08-18", "2025-10-13", "2025-11-03",
                                               "2025-11-17", "2025-12-08", "2025-12-25"};
  const std::multiset<std::string> actual = holiday_dates(2025);
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(actual.size(), 18U);
  EXPECT_EQ(std::set<std::string>(actual.begin(), actual.end()).size(), 17U);
  // Both holidays of 30 June are there, in the order of their dates before moving (27 and 29 June).
  EXPECT_EQ(names_on(iso_day("2025-06-30")), (std::vector<std::string>{"Sagrado Corazón", "San Pedro y San Pablo"}));
  // In 1984 both were due on 29 June itself (Easter on 22 April), and both moved to 2 July.
  EXPECT_EQ(names_on(iso_day("1984-07-02")), (std::vector<std::string>{"San Pedro y San Pablo", "Sagrado Corazón"}));
}

TEST(CalendarOracle, Year2026HasNineteenHolidaysWithChiquinquira) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"2026-01-01", "Año Nuevo"},
      {"2026-01-12", "Reyes Magos"},
      {"2026-03-23", "San José"},
      {"2026-04-02", "Jueves Santo"},
      {"2026-04-03", "Viernes Santo"},
      {"2026-05-01", "Día del Trabajo"},
      {"2026-05-18", "Ascensión del Señor"},
      {"2026-06-08", "Corpus Christi"},
      {"2026-06-15", "Sagrado Corazón"},
      {"2026-06-29", "San Pedro y San Pablo"},
      {"2026-07-13", "Virgen de Chiquinquirá"},
      {"2026-07-20", "Día de la Independencia"},
      {"2026-08-07", "Batalla de Boyacá"},
      {"2026-08-17", "Asunción de la Virgen"},
      {"2026-10-12", "Día de la Raza"},
      {"2026-11-02", "Todos los Santos"},
      {"2026-11-16", "Independencia de Cartagena"},
      {"2026-12-08", "Inmaculada Concepción"},
      {"2026-12-25", "Navidad"},
  };
  std::vector<std::pair<std::string, std::string>> actual;
  for (const Holiday &h : colombian_holidays(2026)) {
    actual.emplace_back(format_iso_date(h.date), std::string(h.name));
  }
  EXPECT_EQ(actual, expected);
}

TEST(CalendarOracle, Year2027LookAhead) {
  const std::multiset<std::string> expected = {"2027-01-01", "2027-01-11", "2027-03-22", "2027-03-25", "2027-03-26",
                                               "2027-05-01", "2027-05-10", "2027-05-31", "2027-06-07", "2027-07-05",
                                               "2027-07-12", "2027-07-20", "2027-08-07", "2027-08-16", "2027-10-18",
                                               "2027-11-01", "2027-11-15", "2027-12-08", "2027-12-25"};
  EXPECT_EQ(holiday_dates(2027), expected);
}

TEST(CalendarOracle, IsColombianHolidayAgreesWithTheOracleDayByDay) {
  for (const std::int32_t year : {2024, 2025, 2026, 2027}) {
    const std::multiset<std::string> dates = holiday_dates(year);
    for (std::int64_t d = days_from_civil(CivilDate{year, 1, 1}); d <= days_from_civil(CivilDate{year, 12, 31}); ++d) {
      EXPECT_EQ(is_colombian_holiday(d), dates.count(format_iso_date(d)) > 0) << format_iso_date(d);
    }
  }
}

TEST(CalendarOracle, ChiquinquiraOnlyFrom2026) {
  EXPECT_FALSE(is_colombian_holiday(iso_day("2025-07-09")));
  EXPECT_FALSE(is_colombian_holiday(iso_day("2025-07-14")));
  EXPECT_TRUE(is_colombian_holiday(iso_day("2026-07-13")));
  EXPECT_FALSE(is_colombian_holiday(iso_day("2026-07-09")));
  EXPECT_TRUE(is_colombian_holiday(iso_day("2027-07-12")));
  // A fixed holiday on a Sunday is not moved: 2025-07-21 is an ordinary Monday.
  EXPECT_TRUE(is_colombian_holiday(iso_day("2025-07-20")));
  EXPECT_FALSE(is_colombian_holiday(iso_day("2025-07-21")));
}

// ---- Easter -------------------------------------------------------------------------------

TEST(CalendarEaster, KnownYears) {
  const std::array<std::string_view, 15> known = {"1583-04-10", // the first Gregorian Easter
                                                  "1818-03-22", // the earliest possible date
                                                  "1943-04-25", // the latest possible date
                                                  "1984-04-22", "2000-04-23", "2008-03-23", "2011-04-24",
                                                  "2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05",
                                                  "2027-03-28", "2038-04-25", "2100-03-28", "2285-03-22"};
  for (const std::string_view iso : known) {
    const std::int64_t expected = iso_day(iso);
    EXPECT_EQ(format_iso_date(easter_sunday(civil_from_days(expected).year)), iso);
  }
}

TEST(CalendarEaster, IsASundayBetween22MarchAnd25April) {
  for (std::int32_t year = 1583; year <= 3000; ++year) {
    const std::int64_t e = easter_sunday(year);
    ASSERT_EQ(weekday(e), kSunday) << year;
    ASSERT_GE(e, days_from_civil(CivilDate{year, 3, 22})) << year;
    ASSERT_LE(e, days_from_civil(CivilDate{year, 4, 25})) << year;
  }
}

TEST(CalendarEaster, RefusesYearsBeforeTheGregorianReform) {
  EXPECT_THROW((void)easter_sunday(1582), std::out_of_range);
  EXPECT_THROW((void)easter_sunday(0), std::out_of_range);
  EXPECT_THROW((void)easter_sunday(-1), std::out_of_range);
}

// ---- Properties over every year the calendar covers ----------------------------------------

TEST(CalendarProperties, EveryYearFollowsLey51AndLey2578) {
  for (std::int32_t year = kFirstCalendarYear; year <= kLastCalendarYear; ++year) {
    const std::vector<Holiday> holidays = colombian_holidays(year);
    ASSERT_EQ(holidays.size(), year < 2026 ? 18U : 19U) << year;
    std::set<std::string_view> seen;
    for (const Holiday &h : holidays) {
      SCOPED_TRACE(std::to_string(year) + " " + std::string(h.name) + " " + format_iso_date(h.date));
      ASSERT_TRUE(seen.insert(h.name).second);
      const auto rule = kNominal.find(h.name);
      ASSERT_NE(rule, kNominal.end());
      const std::int64_t nominal = nominal_date(rule->second, year);
      if (rule->second.moves) {
        EXPECT_EQ(weekday(h.date), kMonday);
        EXPECT_GE(h.date - nominal, 0);
        EXPECT_LE(h.date - nominal, 6);
      } else {
        EXPECT_EQ(h.date, nominal);
      }
      EXPECT_EQ(civil_from_days(h.date).year, year);
      EXPECT_TRUE(is_colombian_holiday(h.date));
    }
    EXPECT_EQ(seen.count("Virgen de Chiquinquirá"), year >= 2026 ? 1U : 0U);
    // Two holidays on one date come in the order of their dates before moving, and when even
    // those are equal, San Pedro y San Pablo (Ley 51 art. 1 lists it before the Easter feasts).
    for (std::size_t i = 1; i < holidays.size(); ++i) {
      if (holidays[i - 1].date == holidays[i].date) {
        const std::int64_t first = nominal_date(kNominal.at(holidays[i - 1].name), year);
        const std::int64_t second = nominal_date(kNominal.at(holidays[i].name), year);
        EXPECT_LE(first, second) << format_iso_date(holidays[i].date);
        if (first == second) {
          EXPECT_EQ(holidays[i - 1].name, "San Pedro y San Pablo") << format_iso_date(holidays[i].date);
        }
      }
    }
  }
}

TEST(CalendarProperties, EasterHolidaysLandOnTheirKnownOffsets) {
  for (std::int32_t year = kFirstCalendarYear; year <= kLastCalendarYear; ++year) {
    const std::int64_t e = easter_sunday(year);
    std::map<std::string_view, std::int64_t> by_name;
    for (const Holiday &h : colombian_holidays(year)) {
      by_name[h.name] = h.date;
    }
    EXPECT_EQ(by_name["Jueves Santo"], e - 3) << year;
    EXPECT_EQ(by_name["Viernes Santo"], e - 2) << year;
    EXPECT_EQ(by_name["Ascensión del Señor"], e + 43) << year;
    EXPECT_EQ(by_name["Corpus Christi"], e + 64) << year;
    EXPECT_EQ(by_name["Sagrado Corazón"], e + 71) << year;
  }
}

TEST(CalendarProperties, ListsAreSortedAndMatchTheLookupOnEveryDay) {
  std::set<std::int64_t> all;
  for (std::int32_t year = kFirstCalendarYear; year <= kLastCalendarYear; ++year) {
    const std::vector<Holiday> holidays = colombian_holidays(year);
    ASSERT_TRUE(std::is_sorted(holidays.begin(), holidays.end(), [](const Holiday &a, const Holiday &b) {
      return a.date < b.date;
    })) << year;
    for (const Holiday &h : holidays) {
      all.insert(h.date);
    }
  }
  for (std::int64_t d = first_day(); d <= last_day(); ++d) {
    ASSERT_EQ(is_colombian_holiday(d), all.count(d) > 0) << format_iso_date(d);
  }
}

TEST(CalendarProperties, NoBusinessDayIsASundayOrAHoliday) {
  for (std::int64_t d = first_day(); d <= last_day(); ++d) {
    const bool holiday = is_colombian_holiday(d);
    const std::uint32_t wd = weekday(d);
    ASSERT_EQ(kWeekdays.is_business_day(d), !holiday && wd != kSunday && wd != kSaturday) << format_iso_date(d);
    ASSERT_EQ(kWithSaturdays.is_business_day(d), !holiday && wd != kSunday) << format_iso_date(d);
  }
}

// ---- Business days ------------------------------------------------------------------------

TEST(CalendarBusinessDays, SaturdaysOnlyWhenConfigured) {
  EXPECT_FALSE(kWeekdays.is_business_day(iso_day("2025-06-14"))); // Saturday
  EXPECT_TRUE(kWithSaturdays.is_business_day(iso_day("2025-06-14")));
  EXPECT_FALSE(kWithSaturdays.is_business_day(iso_day("2025-06-15"))); // Sunday
  EXPECT_FALSE(kWithSaturdays.is_business_day(iso_day("2024-07-20"))); // a Saturday holiday
  EXPECT_FALSE(kWithSaturdays.is_business_day(iso_day("2026-07-13"))); // a Monday holiday
  EXPECT_TRUE(kWeekdays.is_business_day(iso_day("2025-06-16")));
}

TEST(CalendarBusinessDays, OnOrAfterMovesADueDateLikeArticle829) {
  for (const BusinessCalendar &c : {kWeekdays, kWithSaturdays}) {
    EXPECT_EQ(format_iso_date(c.on_or_after(iso_day("2025-06-15"))), "2025-06-16"); // Sunday
    EXPECT_EQ(format_iso_date(c.on_or_after(iso_day("2026-07-13"))), "2026-07-14"); // holiday Monday
    EXPECT_EQ(format_iso_date(c.on_or_after(iso_day("2025-06-16"))), "2025-06-16"); // already one
  }
  EXPECT_EQ(format_iso_date(kWeekdays.on_or_after(iso_day("2026-01-10"))), "2026-01-13"); // Sat, Sun, Reyes
  EXPECT_EQ(format_iso_date(kWithSaturdays.on_or_after(iso_day("2026-01-10"))), "2026-01-10");
  EXPECT_EQ(format_iso_date(kWeekdays.on_or_after(iso_day("2026-04-02"))), "2026-04-06"); // Jueves Santo
  EXPECT_EQ(format_iso_date(kWithSaturdays.on_or_after(iso_day("2026-04-02"))), "2026-04-04");
}

TEST(CalendarBusinessDays, NextIsStrictlyAfter) {
  EXPECT_EQ(format_iso_date(kWeekdays.next(iso_day("2025-06-16"))), "2025-06-17");
  EXPECT_EQ(format_iso_date(kWeekdays.next(iso_day("2026-04-01"))), "2026-04-06");
  EXPECT_EQ(format_iso_date(kWithSaturdays.next(iso_day("2026-04-01"))), "2026-04-04");
  EXPECT_EQ(format_iso_date(kWeekdays.next(iso_day("2026-07-10"))), "2026-07-14");
  EXPECT_EQ(format_iso_date(kWithSaturdays.next(iso_day("2026-07-10"))), "2026-07-11");
}

TEST(CalendarBusinessDays, AddAcrossSemanaSanta) {
  // Tuesday 2026-03-31: Wednesday counts, Jueves and Viernes Santo and the weekend do not.
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2026-03-31"), 3)), "2026-04-07");
  EXPECT_EQ(format_iso_date(kWithSaturdays.add(iso_day("2026-03-31"), 3)), "2026-04-06");
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2026-04-07"), -3)), "2026-03-31");
  EXPECT_EQ(format_iso_date(kWithSaturdays.add(iso_day("2026-04-06"), -3)), "2026-03-31");
}

TEST(CalendarBusinessDays, AddCountsAPetitionTermFromTheDayAfter) {
  // Ley 1755 art. 14: 15 días from a petition received Friday 2025-12-19, across Navidad,
  // Año Nuevo and Reyes Magos (Monday 2026-01-12), but not 6 January itself.
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2025-12-19"), 15)), "2026-01-14");
  EXPECT_EQ(format_iso_date(kWithSaturdays.add(iso_day("2025-12-19"), 15)), "2026-01-08");
}

TEST(CalendarBusinessDays, AddFromANonBusinessDayAndZero) {
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2025-06-15"), 1)), "2025-06-16");
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2025-06-15"), -1)), "2025-06-13");
  EXPECT_EQ(format_iso_date(kWithSaturdays.add(iso_day("2025-06-15"), -1)), "2025-06-14");
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2026-07-13"), -1)), "2026-07-10");
  // n == 0 leaves even a Sunday alone: moving it is on_or_after's job.
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2025-06-15"), 0)), "2025-06-15");
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2025-06-16"), 0)), "2025-06-16");
}

TEST(CalendarBusinessDays, CountBetweenExamples) {
  EXPECT_EQ(kWeekdays.count_between(iso_day("2026-03-31"), iso_day("2026-04-07")), 3);
  EXPECT_EQ(kWeekdays.count_between(iso_day("2026-04-07"), iso_day("2026-03-31")), -3);
  EXPECT_EQ(kWithSaturdays.count_between(iso_day("2026-03-31"), iso_day("2026-04-07")), 4);
  EXPECT_EQ(kWeekdays.count_between(iso_day("2026-04-07"), iso_day("2026-04-07")), 0);
  // `from` is not counted and `to` is, in both directions: Friday to Sunday passes no business
  // day, but walking back from Sunday lands on Friday, one.
  EXPECT_EQ(kWeekdays.count_between(iso_day("2025-06-13"), iso_day("2025-06-15")), 0);
  EXPECT_EQ(kWeekdays.count_between(iso_day("2025-06-15"), iso_day("2025-06-13")), -1);
  EXPECT_EQ(kWithSaturdays.count_between(iso_day("2025-06-13"), iso_day("2025-06-15")), 1);
}

TEST(CalendarBusinessDays, BusinessDaysPerYear) {
  // Weekdays less the holidays that fall on one (2024: 20 Jul Saturday and 8 Dec Sunday lost;
  // 2025: two holidays on 30 June and 20 Jul Sunday; 2026: all 19 on weekdays), computed apart.
  const std::map<std::int32_t, std::pair<std::int32_t, std::int32_t>> expected = {
      {2024, {246, 297}}, {2025, {245, 297}}, {2026, {242, 294}}, {2027, {245, 294}}};
  for (const auto &[year, counts] : expected) {
    const std::int64_t before = days_from_civil(CivilDate{year - 1, 12, 31});
    const std::int64_t last = days_from_civil(CivilDate{year, 12, 31});
    EXPECT_EQ(kWeekdays.count_between(before, last), counts.first) << year;
    EXPECT_EQ(kWithSaturdays.count_between(before, last), counts.second) << year;
  }
}

TEST(CalendarBusinessDays, CountBetweenUndoesAddOnRandomDates) {
  std::mt19937 rng(20260723U); // fixed: a failure reproduces
  // Far enough from the calendar's edges that 60 business days never leave it.
  std::uniform_int_distribution<std::int64_t> dates(first_day() + 120, last_day() - 120);
  std::uniform_int_distribution<std::int32_t> steps(-60, 60);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t d = dates(rng);
    const std::int32_t n = steps(rng);
    for (const BusinessCalendar &c : {kWeekdays, kWithSaturdays}) {
      const std::int64_t r = c.add(d, n);
      ASSERT_EQ(c.count_between(d, r), n) << format_iso_date(d) << " " << n;
      if (n != 0) {
        ASSERT_TRUE(c.is_business_day(r)) << format_iso_date(d) << " " << n;
        ASSERT_EQ(n > 0, r > d);
      }
      if (c.is_business_day(d)) {
        ASSERT_EQ(c.add(r, -n), d) << format_iso_date(d) << " " << n;
      }
      const std::int64_t following = c.next(d);
      ASSERT_GT(following, d);
      ASSERT_EQ(c.count_between(d, following), 1);
      ASSERT_EQ(c.on_or_after(d), c.is_business_day(d) ? d : following);
    }
  }
}

TEST(CalendarBusinessDays, SafeFromSeveralThreads) {
  auto count_holidays = [] {
    std::int64_t n = 0;
    for (std::int64_t d = first_day(); d <= last_day(); ++d) {
      n += is_colombian_holiday(d) ? 1 : 0;
    }
    return n;
  };
  const std::int64_t expected = count_holidays();
  std::array<std::int64_t, 4> results{};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i, &count_holidays] { results[i] = count_holidays(); });
  }
  for (std::thread &t : threads) {
    t.join();
  }
  for (const std::int64_t r : results) {
    EXPECT_EQ(r, expected);
  }
}

// ---- Outside 1984..2100 -------------------------------------------------------------------

TEST(CalendarRange, HolidayListsOnlyForCoveredYears) {
  EXPECT_THROW((void)colombian_holidays(1983), std::out_of_range);
  EXPECT_THROW((void)colombian_holidays(2101), std::out_of_range);
  EXPECT_THROW((void)colombian_holidays(0), std::out_of_range);
  EXPECT_THROW((void)colombian_holidays(std::numeric_limits<std::int32_t>::min()), std::out_of_range);
  EXPECT_EQ(colombian_holidays(kFirstCalendarYear).size(), 18U);
  EXPECT_EQ(colombian_holidays(kLastCalendarYear).size(), 19U);
}

TEST(CalendarRange, LookupsThrowOutsideAndSayWhy) {
  EXPECT_THROW((void)is_colombian_holiday(iso_day("1983-12-31")), std::out_of_range);
  EXPECT_THROW((void)is_colombian_holiday(iso_day("2101-01-01")), std::out_of_range);
  EXPECT_THROW((void)is_colombian_holiday(std::numeric_limits<std::int64_t>::max()), std::out_of_range);
  EXPECT_THROW((void)is_colombian_holiday(std::numeric_limits<std::int64_t>::min()), std::out_of_range);
  EXPECT_TRUE(is_colombian_holiday(iso_day("1984-01-01")));
  EXPECT_TRUE(is_colombian_holiday(iso_day("1984-01-09"))); // Reyes Magos, moved: the law's first year
  EXPECT_TRUE(is_colombian_holiday(iso_day("2100-12-25")));
  EXPECT_FALSE(is_colombian_holiday(iso_day("2100-12-31")));
  try {
    (void)is_colombian_holiday(iso_day("1900-01-01"));
    FAIL() << "no exception";
  } catch (const std::out_of_range &e) {
    EXPECT_EQ(std::string(e.what()), "the Colombian holiday calendar covers the years 1984..2100, not 1900-01-01");
  }
}

TEST(CalendarRange, BusinessDayWalksStopAtTheEdges) {
  // A Sunday outside the range throws too: the answer would be right, but the date is a bug.
  EXPECT_THROW((void)kWeekdays.is_business_day(iso_day("1983-12-25")), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.on_or_after(iso_day("2101-01-03")), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.next(iso_day("2100-12-31")), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.add(iso_day("2100-12-31"), 1), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.add(iso_day("2100-12-24"), 6), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.add(iso_day("1984-01-03"), -2), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.add(iso_day("2026-01-01"), std::numeric_limits<std::int32_t>::max()), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.add(iso_day("2026-01-01"), std::numeric_limits<std::int32_t>::min()), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.count_between(iso_day("1983-12-31"), iso_day("1984-01-10")), std::out_of_range);
  EXPECT_THROW((void)kWeekdays.add(iso_day("1983-12-31"), 0), std::out_of_range);
  // Right up to the edges, everything answers.
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("2100-12-24"), 1)), "2100-12-27"); // Navidad on Saturday
  EXPECT_EQ(format_iso_date(kWeekdays.add(iso_day("1984-01-03"), -1)), "1984-01-02");
  EXPECT_EQ(format_iso_date(kWeekdays.on_or_after(iso_day("1984-01-01"))), "1984-01-02");
  EXPECT_EQ(kWeekdays.count_between(iso_day("1984-01-01"), iso_day("2100-12-31")),
            kWeekdays.count_between(iso_day("1984-01-01"), iso_day("2042-06-30")) +
                kWeekdays.count_between(iso_day("2042-06-30"), iso_day("2100-12-31")));
}
