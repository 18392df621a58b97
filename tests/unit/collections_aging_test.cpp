#include "aging.hpp"
#include "chart.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

using namespace cartera::collections;

TEST(AgingBuckets, StandardEdgesPutDueTodayInCurrentAndDay30InTheFirstBucket) {
  const BucketSet b = parse_buckets("30,60,90");
  ASSERT_EQ(b.buckets.size(), 4u);
  EXPECT_EQ(b.buckets[0].column, "days_1_30");
  EXPECT_EQ(b.buckets[3].column, "days_over_90");
  EXPECT_EQ(b.buckets[3].label, "Más de 90 días");
  EXPECT_EQ(b.index(-5), 0u);
  EXPECT_EQ(b.index(0), 0u);
  EXPECT_EQ(b.index(1), 1u);
  EXPECT_EQ(b.index(30), 1u);
  EXPECT_EQ(b.index(31), 2u);
  EXPECT_EQ(b.index(90), 3u);
  EXPECT_EQ(b.index(91), 4u);
  EXPECT_EQ(b.index(100000), 4u);
}

TEST(AgingBuckets, GnucashPresetMatchesItsReportAtEveryEdge) {
  // domain/hosts.md: n < 0 Current; 0-29 "0-30"; 30-59 "31-60"; 60-89 "61-90"; >= 90 "91+".
  const BucketSet b = parse_buckets("gnucash");
  const std::pair<std::int64_t, std::size_t> edges[] = {{-1, 0}, {0, 1},  {29, 1}, {30, 2},
                                                        {59, 2}, {60, 3}, {89, 3}, {90, 4}};
  for (const auto &[n, bucket] : edges) {
    EXPECT_EQ(b.index(n), bucket) << "n = " << n;
  }
  EXPECT_EQ(b.buckets[1].column, "days_31_60");
}

TEST(AgingBuckets, BadSpecificationsSayWhatIsWrong) {
  const auto why = [](const char *spec) {
    try {
      parse_buckets(spec);
    } catch (const std::invalid_argument &e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(why("30,60,60"), "bucket edges must ascend: 60 after 60");
  EXPECT_EQ(why("30,x"), "bucket edge 'x' is not a whole number of days above 0");
  EXPECT_EQ(why("0,30"), "bucket edge '0' is not a whole number of days above 0");
  EXPECT_EQ(why(""), "bucket edge '' is not a whole number of days above 0");
  EXPECT_EQ(why("30,"), "bucket edge '' is not a whole number of days above 0");
}

TEST(Aging, GroupsBucketsAndTotalsAgree) {
  Aging a(parse_buckets("30,60"));
  a.add("C1", -3, 100);
  a.add("C1", 10, 200);
  a.add("C2", 45, 400);
  a.add("C2", 61, 800);
  a.add("C1", 61, 1600);
  const auto rows = a.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].group, "C1");
  EXPECT_EQ(rows[0].amounts, (std::vector<std::int64_t>{0, 100, 200, 0, 1600}));
  EXPECT_EQ(rows[0].total, 1900);
  EXPECT_EQ(rows[1].amounts, (std::vector<std::int64_t>{0, 0, 0, 400, 800}));
  const AgingRow t = a.totals();
  EXPECT_EQ(t.group, "(total)");
  EXPECT_EQ(t.amounts, (std::vector<std::int64_t>{0, 100, 200, 400, 2400}));
  EXPECT_EQ(t.total, a.sum_of_balances());
  EXPECT_EQ(a.items(), 5u);
}

TEST(Aging, PrepaymentsAreNegativeAndNetTheTotal) {
  Aging a(parse_buckets("gnucash"));
  a.add("C1", 0, 10000);
  a.add_prepayment("C1", 2500);
  a.add_prepayment("C9", 700); // a customer with credit and nothing open still gets a row
  const auto rows = a.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].amounts, (std::vector<std::int64_t>{-2500, 0, 10000, 0, 0, 0}));
  EXPECT_EQ(rows[0].total, 7500);
  EXPECT_EQ(rows[1].group, "C9");
  EXPECT_EQ(rows[1].total, -700);
  EXPECT_EQ(a.totals().total, a.sum_of_balances());
  EXPECT_EQ(a.totals().amounts[kPrepaymentColumn], -3200);
  EXPECT_EQ(a.items(), 1u);
}

TEST(AgingChart, IsAnSvgWithSpanishLabelsAndAmounts) {
  Aging a(parse_buckets("30"));
  a.add("C1", 0, 123456789);
  a.add("C1", 40, 100);
  const std::string svg = aging_svg(a, "Cartera por edades al 22/11/2026", "Días de vencimiento");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("Corriente"), std::string::npos);
  EXPECT_NE(svg.find("Más de 30 días"), std::string::npos);
  EXPECT_NE(svg.find("$ 1.234.568"), std::string::npos) << svg;
  EXPECT_NE(svg.find("Total cartera: $ 1.234.568,89"), std::string::npos) << svg;
}

// A portfolio whose balances add up past what int64 holds fails loudly, in every build,
// instead of wrapping into a negative total (issue 20 item 6).
TEST(Aging, ASumPastTheRangeOfMoneyIsRefusedNotWrapped) {
  Aging aging(parse_buckets("30,60,90"));
  aging.add("C1", 10, std::numeric_limits<std::int64_t>::max() - 5);
  EXPECT_THROW(aging.add("C1", 10, 10), cartera::sdk::MoneyOverflow);
  EXPECT_THROW(aging.add("C2", 10, 10), cartera::sdk::MoneyOverflow) << "the sum of all balances is checked too";
}
