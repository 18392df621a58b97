#include <cartera/sdk/money.hpp>

#include <gtest/gtest.h>

#include <limits>

using namespace cartera::sdk;

TEST(Money, ParsesPesosIntoCentavosExactly) {
  EXPECT_EQ(parse_pesos("1234.56").centavos, 123456);
  EXPECT_EQ(parse_pesos("1234.5").centavos, 123450);
  EXPECT_EQ(parse_pesos("10").centavos, 1000);
  EXPECT_EQ(parse_pesos("0.01").centavos, 1);
  EXPECT_EQ(parse_pesos("0").centavos, 0);
  EXPECT_EQ(parse_pesos("-5.25", true).centavos, -525);
}

TEST(Money, RefusesBadAmountsSayingWhy) {
  EXPECT_EQ(parse_pesos("").error, AmountError::kEmpty);
  EXPECT_EQ(parse_pesos("1.234").error, AmountError::kTooManyDecimals);
  EXPECT_EQ(parse_pesos("-5").error, AmountError::kNegative);
  EXPECT_EQ(parse_pesos("1e5").error, AmountError::kSyntax);
  EXPECT_EQ(parse_pesos("1,5").error, AmountError::kSyntax);
  EXPECT_EQ(parse_pesos("12.").error, AmountError::kSyntax);
  EXPECT_EQ(parse_pesos(".5").error, AmountError::kSyntax);
  EXPECT_EQ(parse_pesos(" 5").error, AmountError::kSyntax);
  EXPECT_EQ(parse_pesos("99999999999999999999").error, AmountError::kOverflow);
  EXPECT_FALSE(parse_pesos("1.234").centavos);
}

TEST(Money, FormatsForPeopleInColombianStyle) {
  EXPECT_EQ(format_pesos_co(123456789), "$ 1.234.567,89");
  EXPECT_EQ(format_pesos_co(0), "$ 0,00");
  EXPECT_EQ(format_pesos_co(5), "$ 0,05");
  EXPECT_EQ(format_pesos_co(-100000), "-$ 1.000,00");
  EXPECT_EQ(format_pesos_co(100000000), "$ 1.000.000,00");
}

TEST(Money, CountsForPeople) {
  EXPECT_EQ(format_count_co(11596), "11.596");
  EXPECT_EQ(format_count_co(999), "999");
  EXPECT_EQ(format_count_co(1000000), "1.000.000");
  EXPECT_EQ(format_count_co(-1234), "-1.234");
}

TEST(Money, FormatsForProgramsPlain) {
  EXPECT_EQ(format_pesos_plain(123456), "1234.56");
  EXPECT_EQ(format_pesos_plain(-1), "-0.01");
  EXPECT_EQ(format_pesos_plain(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

TEST(Money, PlainFormatParsesBack) {
  for (std::int64_t c : {0LL, 1LL, 99LL, 100LL, 123456789LL, 4200000000000LL}) {
    EXPECT_EQ(parse_pesos(format_pesos_plain(c)).centavos, c);
  }
}

// Issue 20 item 12: XML documents write amounts as xs:decimal.
TEST(Money, ReadsXsDecimalAmountsExactly) {
  EXPECT_EQ(parse_decimal_pesos(".6").centavos, 60);
  EXPECT_EQ(parse_decimal_pesos("6.").centavos, 600);
  EXPECT_EQ(parse_decimal_pesos("18.150").centavos, 1815);
  EXPECT_EQ(parse_decimal_pesos("18.15000").centavos, 1815);
  EXPECT_EQ(parse_decimal_pesos("+007.5").centavos, 750);
  EXPECT_EQ(parse_decimal_pesos("0").centavos, 0);
  EXPECT_EQ(parse_decimal_pesos("-0.00").centavos, 0);
  EXPECT_EQ(parse_decimal_pesos("-1.5", true).centavos, -150);
  EXPECT_EQ(parse_decimal_pesos("18.155").error, AmountError::kTooManyDecimals);
  EXPECT_EQ(parse_decimal_pesos("18.1501").error, AmountError::kTooManyDecimals);
  EXPECT_EQ(parse_decimal_pesos("-1.5").error, AmountError::kNegative);
  EXPECT_EQ(parse_decimal_pesos("").error, AmountError::kEmpty);
  for (const char *bad : {".", "+", "1e3", "1,5", " 1", "1.2.3", "--1", "0x10"}) {
    EXPECT_EQ(parse_decimal_pesos(bad).error, AmountError::kSyntax) << bad;
  }
  EXPECT_EQ(parse_decimal_pesos("92233720368547758.07").error, AmountError::kOverflow);
  EXPECT_EQ(parse_decimal_pesos("00000000000000000000000001.00").centavos, 100);
}

// Issue 20 item 6: no single figure above ten trillion pesos gets in, and every sum of money is
// checked: two credits of 92.233.720.368.547.749,99 (each refused now) no longer wrap around.
TEST(Money, OneFigureIsAtMostTenTrillionPesosAndSumsNeverWrap) {
  using cartera::sdk::add_centavos;
  using cartera::sdk::kMaxAmountCentavos;
  using cartera::sdk::MoneyOverflow;
  EXPECT_EQ(parse_pesos("10000000000000.00").centavos.value_or(0), kMaxAmountCentavos);
  EXPECT_EQ(parse_pesos("10000000000000.01").error, AmountError::kOverflow);
  EXPECT_EQ(parse_pesos("-10000000000000.01", true).error, AmountError::kOverflow);
  EXPECT_EQ(parse_decimal_pesos("92233720368547749.99").error, AmountError::kOverflow);
  EXPECT_EQ(parse_decimal_pesos("10000000000000.000").centavos.value_or(0), kMaxAmountCentavos);
  EXPECT_EQ(add_centavos(kMaxAmountCentavos, kMaxAmountCentavos), 2 * kMaxAmountCentavos);
  const std::int64_t near_max = std::numeric_limits<std::int64_t>::max() - 5;
  EXPECT_THROW((void)add_centavos(near_max, 6), MoneyOverflow);
  EXPECT_THROW((void)add_centavos(std::numeric_limits<std::int64_t>::min(), -1), MoneyOverflow);
  std::int64_t total = near_max;
  EXPECT_THROW(cartera::sdk::accumulate_centavos(total, 10), MoneyOverflow);
  EXPECT_EQ(total, near_max) << "a refused addition leaves the total as it was";
  try {
    (void)add_centavos(near_max, 6);
  } catch (const MoneyOverflow &e) {
    EXPECT_NE(std::string(e.what()).find("a sum of money overflows: 92233720368547758.02 + 0.06"), std::string::npos)
        << e.what();
  }
}
