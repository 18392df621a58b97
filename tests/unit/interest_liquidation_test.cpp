// Moratory interest of one invoice: the worked oracle of domain/colombia.md §1.5 and §9 (art.
// 829), leap years, a due date on a holiday, agreed rates under and over the usury cap, partial
// payments imputed interest first (C.C. art. 1653), and a property test: no liquidated day is
// ever above the usury rate in force that day.
#include "liquidation.hpp"
#include "module_dir.hpp"

#include <cartera/sdk/calendar.hpp>
#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace ci = cartera::interest;
using cartera::sdk::parse_iso_date;

namespace {

using cartera::testing::iso_day;

const ci::RateTable &shipped() {
  static const ci::RateTable kTable = [] {
    auto periods = ci::parse_rate_file(cartera::testing::read_text(std::filesystem::path(CARTERA_SOURCE_DIR) /
                                                                   "schemas/data/sfc-consumo-ordinario-rates.csv"),
                                       "shipped");
    return ci::RateTable(std::move(periods));
  }();
  return kTable;
}

constexpr std::int64_t kMillion = 100'000'000; // 1,000,000.00 pesos in centavos

ci::Invoice invoice(const char *due, std::int64_t amount, bool move_by_829) {
  ci::Invoice i;
  i.due = iso_day(due);
  i.payable_by = move_by_829 ? cartera::sdk::BusinessCalendar{}.on_or_after(i.due) : i.due;
  i.amount = amount;
  return i;
}

std::int64_t expected(std::int64_t capital, std::int32_t ea, std::int32_t days) {
  return ci::interest_for(capital, ci::daily_rate_e10(ea, 365), days);
}

} // namespace

TEST(InterestLiquidation, TheWorkedOracleFromTheStatedDueDate) {
  // 1,000,000 due Sunday 2025-06-15, paid 2025-08-10, usury rate of each month: 56 days.
  ci::Invoice inv = invoice("2025-06-15", kMillion, false);
  inv.payments.push_back({iso_day("2025-08-10"), kMillion});
  const ci::Liquidation l = ci::liquidate(inv, iso_day("2025-08-10"), shipped(), ci::Rules{});
  ASSERT_EQ(l.periods.size(), 3U);
  EXPECT_EQ(l.periods[0].interest, 935362);  // 2025-06-16..30, 15 days at 25.55 %
  EXPECT_EQ(l.periods[1].interest, 1880801); // July, 31 days at 24.78 %
  EXPECT_EQ(l.periods[2].interest, 615265);  // 2025-08-01..10, 10 days at 25.17 %
  EXPECT_EQ(l.interest, 3431428);            // 34,314.28
  EXPECT_EQ(l.days(), 56);
  EXPECT_EQ(l.periods[0].daily_rate, 6235749);
  // The payment pays the interest first; what is left of it goes to capital.
  ASSERT_EQ(l.imputations.size(), 1U);
  EXPECT_EQ(l.imputations[0].to_interest, 3431428);
  EXPECT_EQ(l.imputations[0].to_capital, kMillion - 3431428);
  EXPECT_EQ(l.capital_left, 3431428);
  EXPECT_EQ(l.interest_owed(), 0);
}

TEST(InterestLiquidation, TheWorkedOracleWithTheDueDateMovedByArticle829) {
  // Sunday 2025-06-15 moves to Monday 2025-06-16: 55 days, 33,690.71.
  ci::Invoice inv = invoice("2025-06-15", kMillion, true);
  EXPECT_EQ(inv.payable_by, iso_day("2025-06-16"));
  const ci::Liquidation l = ci::liquidate(inv, iso_day("2025-08-10"), shipped(), ci::Rules{});
  EXPECT_EQ(l.mora_from, iso_day("2025-06-17"));
  EXPECT_EQ(l.periods[0].interest, 873005); // 14 days in June
  EXPECT_EQ(l.interest, 3369071);
  EXPECT_EQ(l.days(), 55);
  EXPECT_EQ(l.interest_owed(), 3369071);
}

TEST(InterestLiquidation, ADueDateOnAHolidayStartsMoraAfterTheNextBusinessDay) {
  // Monday 2026-07-13 is a holiday (Ley 2578 de 2026): payable on Tuesday the 14th.
  const ci::Invoice inv = invoice("2026-07-13", kMillion, true);
  EXPECT_EQ(inv.payable_by, iso_day("2026-07-14"));
  const ci::Liquidation l = ci::liquidate(inv, iso_day("2026-07-31"), shipped(), ci::Rules{});
  EXPECT_EQ(l.mora_from, iso_day("2026-07-15"));
  EXPECT_EQ(l.days(), 17);
  EXPECT_EQ(l.interest, expected(kMillion, 2879, 17));
}

TEST(InterestLiquidation, LeapYearsCountTheTwentyNinthOfFebruary) {
  const ci::Invoice inv = invoice("2024-02-15", kMillion, false);
  const ci::Liquidation l = ci::liquidate(inv, iso_day("2024-03-10"), shipped(), ci::Rules{});
  ASSERT_EQ(l.periods.size(), 2U);
  EXPECT_EQ(l.periods[0].to, iso_day("2024-02-29"));
  EXPECT_EQ(l.periods[0].days, 14);
  EXPECT_EQ(l.periods[1].days, 10);
  EXPECT_EQ(l.interest, expected(kMillion, 3497, 14) + expected(kMillion, 3330, 10));
  // On the 360 basis February ends on its 30th day.
  ci::Rules r360;
  r360.year_base = 360;
  const ci::Liquidation l360 = ci::liquidate(inv, iso_day("2024-03-10"), shipped(), r360);
  EXPECT_EQ(l360.periods[0].days, 15);
  EXPECT_EQ(ci::days_360(iso_day("2024-02-01"), iso_day("2024-02-29")), 30);
  EXPECT_EQ(ci::days_360(iso_day("2025-01-01"), iso_day("2025-01-31")), 30);
  EXPECT_EQ(ci::days_360(iso_day("2025-01-16"), iso_day("2025-01-20")), 5);
}

TEST(InterestLiquidation, AnAgreedRateAppliesUnderTheCapAndIsCutToUsuryAboveIt) {
  const ci::Invoice inv = invoice("2025-06-15", kMillion, false);
  ci::Rules under;
  under.agreed_rate = 2000;
  const ci::Liquidation a = ci::liquidate(inv, iso_day("2025-08-10"), shipped(), under);
  for (const ci::SubPeriod &p : a.periods) {
    EXPECT_EQ(p.rate, 2000);
    EXPECT_FALSE(p.capped);
  }
  EXPECT_EQ(a.interest, expected(kMillion, 2000, 15) + expected(kMillion, 2000, 31) + expected(kMillion, 2000, 10));
  ci::Rules over;
  over.agreed_rate = 3000;
  const ci::Liquidation b = ci::liquidate(inv, iso_day("2025-08-10"), shipped(), over);
  for (const ci::SubPeriod &p : b.periods) {
    EXPECT_EQ(p.rate, p.usury_rate);
    EXPECT_TRUE(p.capped);
  }
  EXPECT_EQ(b.interest, 3431428); // exactly the usury liquidation
  // 24.90 % is under July's and August's cap but over... no: June 25.55, July 24.78, August 25.17.
  ci::Rules between;
  between.agreed_rate = 2490;
  const ci::Liquidation c = ci::liquidate(inv, iso_day("2025-08-10"), shipped(), between);
  EXPECT_EQ(c.periods[0].rate, 2490);
  EXPECT_EQ(c.periods[1].rate, 2478);
  EXPECT_TRUE(c.periods[1].capped);
  EXPECT_EQ(c.periods[2].rate, 2490);
}

TEST(InterestLiquidation, PartialPaymentsPayInterestFirstThenCapital) {
  ci::Invoice inv = invoice("2025-06-15", kMillion, false);
  inv.payments = {{iso_day("2025-08-05"), 20'000'000}, {iso_day("2025-07-10"), 30'000'000}}; // any order
  const ci::Liquidation l = ci::liquidate(inv, iso_day("2025-08-31"), shipped(), ci::Rules{});
  ASSERT_EQ(l.periods.size(), 5U);
  const std::int64_t i1 = expected(kMillion, 2555, 15);
  const std::int64_t i2 = expected(kMillion, 2478, 10); // 07-01..07-10, the payment day at the old capital
  const std::int64_t c2 = kMillion - (30'000'000 - (i1 + i2));
  const std::int64_t i3 = expected(c2, 2478, 21);
  const std::int64_t i4 = expected(c2, 2517, 5);
  const std::int64_t c3 = c2 - (20'000'000 - (i3 + i4));
  const std::int64_t i5 = expected(c3, 2517, 26);
  EXPECT_EQ(l.periods[1].to, iso_day("2025-07-10"));
  EXPECT_EQ(l.periods[2].capital, c2);
  EXPECT_EQ(l.periods[4].capital, c3);
  EXPECT_EQ(l.interest, i1 + i2 + i3 + i4 + i5);
  EXPECT_EQ(l.interest_paid, i1 + i2 + i3 + i4);
  EXPECT_EQ(l.interest_owed(), i5);
  EXPECT_EQ(l.capital_left, c3);
  EXPECT_EQ(l.imputations[0].to_interest, i1 + i2);
  EXPECT_EQ(l.imputations[1].to_capital, 20'000'000 - (i3 + i4));

  // Capital first (when the creditor agreed to it): payments lower capital, interest stays owed.
  ci::Rules capital_first;
  capital_first.interest_first = false;
  const ci::Liquidation k = ci::liquidate(inv, iso_day("2025-08-31"), shipped(), capital_first);
  EXPECT_EQ(k.interest_paid, 0);
  EXPECT_EQ(k.capital_left, 50'000'000);
  EXPECT_EQ(k.periods[4].capital, 50'000'000);
}

TEST(InterestLiquidation, NothingAccruesWhenPaidInTimeOrBeforeMoraStarts) {
  ci::Invoice inv = invoice("2025-06-16", kMillion, false);
  inv.payments.push_back({iso_day("2025-06-16"), kMillion});
  const ci::Liquidation l = ci::liquidate(inv, iso_day("2025-08-31"), shipped(), ci::Rules{});
  EXPECT_TRUE(l.periods.empty());
  EXPECT_EQ(l.interest, 0);
  EXPECT_EQ(l.capital_left, 0);
  // Not yet due.
  const ci::Liquidation early =
      ci::liquidate(invoice("2025-08-31", kMillion, false), iso_day("2025-08-31"), shipped(), {});
  EXPECT_TRUE(early.periods.empty());
  // Grace days push mora back.
  ci::Rules grace;
  grace.grace_days = 5;
  const ci::Liquidation g =
      ci::liquidate(invoice("2025-06-16", kMillion, false), iso_day("2025-06-30"), shipped(), grace);
  EXPECT_EQ(g.mora_from, iso_day("2025-06-22"));
  EXPECT_EQ(g.days(), 9);
}

TEST(InterestLiquidation, OverpaymentIsLeftUnappliedAndLaterPaymentsPayInterestOwed) {
  ci::Invoice inv = invoice("2025-06-15", kMillion, false);
  inv.payments = {{iso_day("2025-06-30"), kMillion}, {iso_day("2025-07-15"), 10'000'000}};
  ci::Rules capital_first;
  capital_first.interest_first = false;
  const ci::Liquidation l = ci::liquidate(inv, iso_day("2025-07-31"), shipped(), capital_first);
  // Capital is paid on 06-30; the 15 days of June's interest are paid by the later payment.
  EXPECT_EQ(l.capital_left, 0);
  EXPECT_EQ(l.through, iso_day("2025-06-30"));
  ASSERT_EQ(l.imputations.size(), 2U);
  EXPECT_EQ(l.imputations[1].to_interest, expected(kMillion, 2555, 15));
  EXPECT_EQ(l.imputations[1].unapplied, 10'000'000 - expected(kMillion, 2555, 15));
  EXPECT_EQ(l.interest_owed(), 0);
}

TEST(InterestLiquidation, ADayWithoutACertifiedRateIsAnErrorNamingTheMonth) {
  const ci::Invoice inv = invoice("2026-07-20", kMillion, false);
  try {
    (void)ci::liquidate(inv, iso_day("2026-08-15"), shipped(), ci::Rules{});
    FAIL() << "liquidated without a rate";
  } catch (const ci::MissingRate &e) {
    EXPECT_EQ(e.day(), iso_day("2026-08-01"));
    EXPECT_NE(std::string(e.what()).find("no certified rate for 2026-08"), std::string::npos) << e.what();
  }
}

TEST(InterestLiquidation, PropertyNoDayIsEverAboveTheUsuryRateInForce) {
  std::mt19937_64 rng(20261122);
  const std::int64_t first = iso_day("2023-01-01");
  const std::int64_t last = iso_day("2026-07-31");
  std::uniform_int_distribution<std::int64_t> any_day(first, last);
  std::uniform_int_distribution<std::int64_t> amount(1, 5'000'000'000);
  std::uniform_int_distribution<std::int32_t> rate(500, 6000);
  std::uniform_int_distribution<int> count(0, 4);
  for (int n = 0; n < 2000; ++n) {
    ci::Invoice inv;
    inv.due = any_day(rng);
    inv.payable_by = cartera::sdk::BusinessCalendar{}.on_or_after(inv.due);
    inv.amount = amount(rng);
    const std::int64_t as_of = std::uniform_int_distribution<std::int64_t>(inv.due, last)(rng);
    for (int k = count(rng); k > 0; --k) {
      inv.payments.push_back({std::uniform_int_distribution<std::int64_t>(inv.due, as_of)(rng), amount(rng) / 3 + 1});
    }
    ci::Rules rules;
    if (n % 2 == 0) {
      rules.agreed_rate = rate(rng);
    }
    rules.year_base = n % 5 == 0 ? 360 : 365;
    const ci::Liquidation l = ci::liquidate(inv, as_of, shipped(), rules);
    std::int64_t sum = 0;
    for (const ci::SubPeriod &p : l.periods) {
      // Every day of a sub-period lies in one certified period, whose usury rate caps it.
      const ci::RatePeriod *from = shipped().find(p.from);
      ASSERT_EQ(from, shipped().find(p.to));
      ASSERT_LE(p.rate, from->usury_rate) << cartera::sdk::format_iso_date(p.from);
      ASSERT_EQ(p.usury_rate, from->usury_rate);
      ASSERT_EQ(p.daily_rate, ci::daily_rate_e10(p.rate, rules.year_base));
      ASSERT_GT(p.capital, 0);
      sum += p.interest;
    }
    ASSERT_EQ(sum, l.interest);
    ASSERT_LE(l.interest_paid, l.interest);
    ASSERT_GE(l.capital_left, 0);
    if (!l.periods.empty() && l.capital_left > 0) {
      ASSERT_EQ(l.through, as_of);
      ASSERT_EQ(l.days(), as_of - l.mora_from + 1);
    }
  }
}
