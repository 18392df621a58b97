#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

using namespace cartera::sdk;

TEST(CivilDate, EpochAndKnownDays) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
  EXPECT_EQ(civil_from_days(20414), (CivilDate{2025, 11, 22}));
}

TEST(CivilDate, RoundTripsEveryDayFrom1900To2100) {
  for (std::int64_t d = days_from_civil({1900, 1, 1}); d <= days_from_civil({2100, 12, 31}); ++d) {
    ASSERT_EQ(days_from_civil(civil_from_days(d)), d);
  }
}

TEST(CivilDate, Weekday) {
  EXPECT_EQ(weekday(0), 4u);                               // 1970-01-01, Thursday
  EXPECT_EQ(weekday(days_from_civil({2025, 6, 15})), 0u);  // Sunday (the interest oracle's due date)
  EXPECT_EQ(weekday(days_from_civil({2026, 11, 22})), 0u); // Sunday
  EXPECT_EQ(weekday(days_from_civil({1969, 12, 28})), 0u); // before the epoch
}

TEST(CivilDate, ParsesOnlyRealIsoDates) {
  EXPECT_EQ(parse_iso_date("2024-02-29"), days_from_civil({2024, 2, 29}));
  EXPECT_FALSE(parse_iso_date("2025-02-29"));
  EXPECT_FALSE(parse_iso_date("2025-13-01"));
  EXPECT_FALSE(parse_iso_date("2025-04-31"));
  EXPECT_FALSE(parse_iso_date("2025-1-01"));
  EXPECT_FALSE(parse_iso_date("22/11/2026"));
  EXPECT_FALSE(parse_iso_date("2026-11-22 "));
  EXPECT_FALSE(parse_iso_date(""));
}

TEST(CivilDate, Formats) {
  const auto d = days_from_civil({2026, 11, 2});
  EXPECT_EQ(format_iso_date(d), "2026-11-02");
  EXPECT_EQ(format_co_date(d), "02/11/2026");
}

TEST(CivilDate, InstantsRoundTripAndRefuseOtherShapes) {
  const std::int64_t us = (days_from_civil({2026, 12, 1}) * 86400 + 4LL * 3600 + 59LL * 60 + 7) * 1'000'000;
  EXPECT_EQ(format_iso_instant_utc(us), "2026-12-01T04:59:07Z");
  EXPECT_EQ(parse_iso_instant_utc("2026-12-01T04:59:07Z"), us);
  EXPECT_EQ(parse_iso_instant_utc("1969-12-31T23:59:59Z"), -1'000'000);
  EXPECT_FALSE(parse_iso_instant_utc("2026-12-01T04:59:07"));    // no zone
  EXPECT_FALSE(parse_iso_instant_utc("2026-12-01 04:59:07Z"));   // a space
  EXPECT_FALSE(parse_iso_instant_utc("2026-12-01T24:00:00Z"));   // no 24:00
  EXPECT_FALSE(parse_iso_instant_utc("2026-02-30T10:00:00Z"));   // no such day
  EXPECT_FALSE(parse_iso_instant_utc("2026-12-01T04:59:07.5Z")); // fractions are not what we write
}

// "Today" for a job (payments' --as-of default, receipts' DIAN date): Bogotá's date, UTC−5 all
// year, so the day turns at 05:00 UTC.
TEST(CivilDate, BogotaDateTurnsAtFiveUtc) {
  const std::int64_t dec1 = days_from_civil({2026, 12, 1});
  const auto at = [](std::int64_t day, std::int64_t h, std::int64_t m, std::int64_t s) {
    return ((day * 86400) + h * 3600 + m * 60 + s) * 1'000'000;
  };
  EXPECT_EQ(bogota_date(at(dec1, 4, 59, 59)), dec1 - 1); // 23:59:59 of Nov 30 in Bogotá
  EXPECT_EQ(bogota_date(at(dec1, 5, 0, 0)), dec1);
  EXPECT_EQ(bogota_date(at(dec1, 23, 59, 59)), dec1);
  EXPECT_EQ(bogota_date(0), -1);                  // 1969-12-31 19:00 in Bogotá
  EXPECT_EQ(bogota_date(at(0, 5, 0, 0) - 1), -1); // floors, never rounds toward 0
  EXPECT_EQ(bogota_date(at(-1, 4, 0, 0)), -2);    // before the epoch
  static_assert(bogota_date(5LL * 3'600'000'000) == 0);
}
