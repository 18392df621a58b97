// plugins/arrears/ley1266.hpp: the first day a negative report is allowed (Ley 1266 de 2008 art. 12
// as amended by Ley 2157 de 2021), and the SMLMV table it uses.
#include "ley1266.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

namespace ca = cartera::arrears;
using Status = ca::ReportDate::Status;

namespace {

std::int64_t ley_day(std::int32_t y, std::uint32_t m, std::uint32_t d) {
  return cartera::sdk::days_from_civil({y, m, d});
}

ca::Notice sent_on(std::int64_t day, bool delivered = true) {
  return ca::Notice{day, delivered};
}

constexpr std::int64_t kSmlmv2025 = 142'350'000;   // $ 1.423.500: 15 % is $ 213.525 (colombia.md §4.2)
constexpr std::int64_t kLargeAmount = 100'000'000; // $ 1.000.000: above 15 % of any SMLMV here
constexpr std::int64_t kSmallAmount = 20'000'000;  // $ 200.000: at most 15 % of the 2025 SMLMV

constexpr std::int64_t kSmlmv2026 = 175'090'500; // $ 1.750.905: 15 % is $ 262.635,75

} // namespace

TEST(ArrearsLey1266, TheShippedTableHasTheYearsTheDomainDocumentsGive) {
  EXPECT_EQ(ca::smlmv_centavos(2024), 130'000'000);
  EXPECT_EQ(ca::smlmv_centavos(2025), kSmlmv2025);
  EXPECT_EQ(ca::smlmv_centavos(2026), kSmlmv2026);
  EXPECT_EQ(ca::smlmv_years(), (std::vector<int>{2024, 2025, 2026}));
  EXPECT_FALSE(ca::smlmv_centavos(2027));
  EXPECT_FALSE(ca::smlmv_centavos(1999));
}

TEST(ArrearsLey1266, TwentyCalendarDaysAfterSending) {
  const auto first = [](std::int64_t sent) { return ca::first_report_day({sent_on(sent)}, kLargeAmount).first_day; };
  EXPECT_EQ(first(ley_day(2025, 3, 3)), ley_day(2025, 3, 23));
  EXPECT_EQ(first(ley_day(2025, 1, 20)), ley_day(2025, 2, 9));   // across a month end
  EXPECT_EQ(first(ley_day(2025, 2, 15)), ley_day(2025, 3, 7));   // February has 28 days in 2025
  EXPECT_EQ(first(ley_day(2025, 12, 20)), ley_day(2026, 1, 9));  // across a year end
  EXPECT_EQ(first(ley_day(2025, 12, 24)), ley_day(2026, 1, 13)); // holidays count: calendar days
  const ca::ReportDate r = ca::first_report_day({sent_on(ley_day(2025, 3, 3))}, kLargeAmount);
  EXPECT_EQ(r.status, Status::kAllowed);
  EXPECT_TRUE(r.reason.empty());
}

TEST(ArrearsLey1266, TheFirstOfSeveralNoticesCountsForANormalObligation) {
  const ca::ReportDate r =
      ca::first_report_day({sent_on(ley_day(2025, 4, 10)), sent_on(ley_day(2025, 4, 1))}, kLargeAmount);
  EXPECT_EQ(r.first_day, ley_day(2025, 4, 21));
}

TEST(ArrearsLey1266, ASmallObligationNeedsTwoNoticesOnDifferentDaysFromTheLast) {
  const ca::ReportDate one = ca::first_report_day({sent_on(ley_day(2025, 3, 3))}, kSmallAmount);
  EXPECT_EQ(one.status, Status::kNeedsSecondNotice);
  EXPECT_FALSE(one.first_day);
  EXPECT_NE(one.reason.find("second notice"), std::string::npos) << one.reason;

  const ca::ReportDate two =
      ca::first_report_day({sent_on(ley_day(2025, 3, 10)), sent_on(ley_day(2025, 3, 3))}, kSmallAmount);
  EXPECT_EQ(two.status, Status::kAllowed);
  EXPECT_EQ(two.first_day, ley_day(2025, 3, 30)); // 20 days from the last, 10 March

  const ca::ReportDate three = ca::first_report_day(
      {sent_on(ley_day(2025, 3, 3)), sent_on(ley_day(2025, 3, 4)), sent_on(ley_day(2025, 5, 2))}, kSmallAmount);
  EXPECT_EQ(three.first_day, ley_day(2025, 3, 24)); // the second notice already sufficed
}

TEST(ArrearsLey1266, TwoNoticesTheSameDayCountAsOne) {
  const ca::ReportDate r =
      ca::first_report_day({sent_on(ley_day(2025, 3, 3)), sent_on(ley_day(2025, 3, 3))}, kSmallAmount);
  EXPECT_EQ(r.status, Status::kNeedsSecondNotice);
  EXPECT_FALSE(r.first_day);
}

TEST(ArrearsLey1266, ANoticeThatDidNotArriveDoesNotCount) {
  EXPECT_EQ(ca::first_report_day({sent_on(ley_day(2025, 3, 3), false)}, kLargeAmount).status, Status::kNoNotice);
  EXPECT_EQ(
      ca::first_report_day({sent_on(ley_day(2025, 3, 3)), sent_on(ley_day(2025, 3, 10), false)}, kSmallAmount).status,
      Status::kNeedsSecondNotice);
  const ca::ReportDate none = ca::first_report_day({}, kLargeAmount);
  EXPECT_EQ(none.status, Status::kNoNotice);
  EXPECT_FALSE(none.first_day);
  EXPECT_EQ(none.reason, "no notice was sent");
}

TEST(ArrearsLey1266, FifteenPercentOfTheSmlmvExactlyIsSmallAndOneCentavoMoreIsNot) {
  const std::int64_t fifteen_percent = 21'352'500; // $ 213.525
  EXPECT_TRUE(ca::is_small_obligation(fifteen_percent, kSmlmv2025));
  EXPECT_FALSE(ca::is_small_obligation(fifteen_percent + 1, kSmlmv2025));
  const std::vector<ca::Notice> one = {sent_on(ley_day(2025, 6, 2))};
  EXPECT_EQ(ca::first_report_day(one, fifteen_percent).status, Status::kNeedsSecondNotice);
  EXPECT_EQ(ca::first_report_day(one, fifteen_percent + 1).first_day, ley_day(2025, 6, 22));
  // No overflow at the ends of int64.
  EXPECT_FALSE(ca::is_small_obligation(std::numeric_limits<std::int64_t>::max(), kSmlmv2025));
  EXPECT_TRUE(ca::is_small_obligation(0, kSmlmv2025));
  EXPECT_TRUE(ca::is_small_obligation(std::numeric_limits<std::int64_t>::min(), kSmlmv2025));
  EXPECT_TRUE(ca::is_small_obligation(fifteen_percent, std::numeric_limits<std::int64_t>::max()));
}

TEST(ArrearsLey1266, EachNoticeIsJudgedByTheSmlmvOfTheYearItWasSent) {
  // $ 220.000: above 15 % of the 2025 SMLMV ($ 213.525), at most 15 % of 2026's ($ 262.635,75).
  const std::int64_t amount = 22'000'000;
  const std::int64_t december = ley_day(2025, 12, 22);
  const std::int64_t january = ley_day(2026, 1, 5);
  // Sent in December: a normal obligation by 2025's SMLMV, one notice is enough.
  EXPECT_EQ(ca::first_report_day({sent_on(december)}, amount).first_day, ley_day(2026, 1, 11));
  // Sent in January: small by 2026's, it needs a second notice.
  EXPECT_EQ(ca::first_report_day({sent_on(january)}, amount).status, Status::kNeedsSecondNotice);
  // Both: the December notice already allowed the report.
  EXPECT_EQ(ca::first_report_day({sent_on(january), sent_on(december)}, amount).first_day, ley_day(2026, 1, 11));
  // Small in both years: 20 days from the January notice.
  EXPECT_EQ(ca::first_report_day({sent_on(december), sent_on(january)}, 21'000'000).first_day, ley_day(2026, 1, 25));
}

TEST(ArrearsLey1266, AYearTheTableDoesNotHaveIsAnErrorNamingIt) {
  const ca::ReportDate r = ca::first_report_day({sent_on(ley_day(2027, 2, 2))}, kLargeAmount);
  EXPECT_EQ(r.status, Status::kMissingSmlmv);
  EXPECT_EQ(r.missing_year, 2027);
  EXPECT_FALSE(r.first_day);
  EXPECT_NE(r.reason.find("2027"), std::string::npos) << r.reason;

  const ca::ReportDate old = ca::first_report_day({sent_on(ley_day(2023, 11, 4))}, kLargeAmount);
  EXPECT_EQ(old.status, Status::kMissingSmlmv);
  EXPECT_EQ(old.missing_year, 2023);
}
