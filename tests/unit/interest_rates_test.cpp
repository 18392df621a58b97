// The certified-rate table: the shipped file, the CSV format's refusals, imports that would
// overlap or leave a gap, and the daily equivalents of domain/colombia.md §1.4.
#include "module_dir.hpp"
#include "rates.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace ci = cartera::interest;
using cartera::sdk::parse_iso_date;

namespace {

using cartera::testing::iso_day;

std::string shipped_text() {
  return cartera::testing::read_text(std::filesystem::path(CARTERA_SOURCE_DIR) /
                                     "schemas/data/sfc-consumo-ordinario-rates.csv");
}

std::string rate_file_refusal(const std::string &text) {
  try {
    ci::parse_rate_file(text, "tasas.csv");
  } catch (const ci::RateFileError &e) {
    return e.what();
  }
  return "(accepted)";
}

const char *const kHeader = "from,to,bank_rate_ea,usury_rate_ea,resolution,source\n";

} // namespace

TEST(InterestRates, TheShippedTableIsContiguousAndHoldsTheConfirmedMonths) {
  const auto periods = ci::parse_rate_file(shipped_text(), "shipped");
  const ci::RateTable table(periods);
  // domain/colombia.md §1.3, confirmed rows.
  const ci::RatePeriod *june = table.find(iso_day("2025-06-15"));
  ASSERT_NE(june, nullptr);
  EXPECT_EQ(june->usury_rate, 2555);
  EXPECT_EQ(june->bank_rate, 1703);
  EXPECT_EQ(table.find(iso_day("2025-07-31"))->usury_rate, 2478);
  EXPECT_EQ(table.find(iso_day("2025-08-01"))->usury_rate, 2517);
  EXPECT_EQ(table.find(iso_day("2023-01-01"))->usury_rate, 4326);
  EXPECT_EQ(table.find(iso_day("2026-07-31"))->usury_rate, 2879);
  EXPECT_EQ(table.find(iso_day("2026-08-01")), nullptr);
  for (const ci::RatePeriod &p : periods) {
    EXPECT_FALSE(p.source.empty());
    EXPECT_GE(p.usury_rate, p.bank_rate);
  }
}

TEST(InterestRates, DailyEquivalentsMatchTheWorkedTable) {
  // (1 + EA)^(1/365) - 1 to 10 decimals (domain/colombia.md §1.4).
  EXPECT_EQ(ci::daily_rate_e10(2436, 365), 5974672);
  EXPECT_EQ(ci::daily_rate_e10(2478, 365), 6067100);
  EXPECT_EQ(ci::daily_rate_e10(2489, 365), 6091256);
  EXPECT_EQ(ci::daily_rate_e10(2502, 365), 6119777);
  EXPECT_EQ(ci::daily_rate_e10(2517, 365), 6152649);
  EXPECT_EQ(ci::daily_rate_e10(2555, 365), 6235749);
  EXPECT_EQ(ci::format_daily_rate(6235749), "0.0006235749");
  EXPECT_EQ(ci::format_rate(2555), "25.55");
  // A 360-day year gives a larger daily rate for the same E.A.
  EXPECT_GT(ci::daily_rate_e10(2555, 360), ci::daily_rate_e10(2555, 365));
}

TEST(InterestRates, AMalformedFileIsRefusedWithLineFieldAndValue) {
  EXPECT_EQ(rate_file_refusal(""), "tasas.csv: no header (from,to,bank_rate_ea,usury_rate_ea,resolution,source)");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader)), "tasas.csv: no rate periods");
  EXPECT_EQ(rate_file_refusal("from,to,ibc,usura\n"),
            "tasas.csv:1: the header must be from,to,bank_rate_ea,usury_rate_ea,"
            "resolution,source; column 3 is 'ibc'");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.5,28.79,,SFC\n"),
            "tasas.csv:2: field 'bank_rate_ea': '19.5' is not a percentage with two decimals (25.55)");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,-28.79,,SFC\n"),
            "tasas.csv:2: field 'usury_rate_ea': '-28.79' is not a percentage with two decimals (25.55)");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-02-29,2026-03-31,19.50,28.79,,SFC\n"),
            "tasas.csv:2: field 'from': '2026-02-29' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-07-31,19.50,28.79,,SFC\n"),
            "tasas.csv:2: field 'to': '2026-07-31' is before 'from' 2026-08-01");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,18.79,,SFC\n"),
            "tasas.csv:2: field 'usury_rate_ea': '18.79' is below the bank rate 19.50");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,29.25,,\n"),
            "tasas.csv:2: field 'source' is empty: say where the certification was read");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,29.25,\"Res. 1,SFC\n"),
            "tasas.csv:2: a quoted field is not closed");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,29.25,,SFC,extra\n"),
            "tasas.csv:2: 7 fields, not 6");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,29.25,,SFC\n" +
                              "2026-09-02,2026-09-30,19.50,29.25,,SFC\n"),
            "tasas.csv:3: field 'from': '2026-09-02' does not follow the previous period 2026-08-01..2026-08-31 (gap)");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,29.25,,SFC\n" +
                              "2026-08-31,2026-09-30,19.50,29.25,,SFC\n"),
            "tasas.csv:3: field 'from': '2026-08-31' does not follow the previous period 2026-08-01..2026-08-31 "
            "(overlap)");
  EXPECT_EQ(rate_file_refusal(
                "from,to,bank_rate_ea,usury_rate_ea,resolution,source\n2026-08-01,2026-08-31,19.50,29.25,,S\xff\n"),
            "tasas.csv:2: not UTF-8 (byte 89 of the file); save it as UTF-8");
}

TEST(InterestRates, QuotedFieldsCommentsAndCrLfAreRead) {
  const auto p =
      ci::parse_rate_file("# a comment\r\nfrom,to,bank_rate_ea,usury_rate_ea,resolution,source\r\n"
                          "2026-08-01,2026-08-31,19.50,29.25,\"Res. 1, de 2026\",\"SFC \"\"certificado\"\"\"\r\n",
                          "tasas.csv");
  ASSERT_EQ(p.size(), 1U);
  EXPECT_EQ(p[0].resolution, "Res. 1, de 2026");
  EXPECT_EQ(p[0].source, "SFC \"certificado\"");
  EXPECT_EQ(p[0].bank_rate, 1950);
}

// A usury rate that is not 1.5 times the bank rate, and a period no certification ever had (a
// "to" of 2100 would block every later month), are typos: refused with the field. A file saved
// by Excel as "CSV UTF-8" (a byte-order mark) and a quoted line break are RFC 4180 and read.
TEST(InterestRates, TheUsuryRateIsOneAndAHalfTimesTheBankRateAndPeriodsAreAQuarterAtMost) {
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,30.00,,SFC\n"),
            "tasas.csv:2: field 'usury_rate_ea': '30.00' is not 1.5 times the bank rate 19.50 (29.25, C.Co. art. 884)");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2100-12-31,19.50,29.25,,SFC\n"),
            "tasas.csv:2: field 'to': '2100-12-31' makes a period of 27181 days; the SFC certifies a month or a "
            "quarter at most");
  // Published figures are the product rounded or cut: 19.87 x 1.5 = 29.805, published 29.80.
  EXPECT_NO_THROW(ci::parse_rate_file(std::string(kHeader) + "2026-08-01,2026-10-31,19.87,29.80,,SFC\n", "t"));
  EXPECT_NO_THROW(ci::parse_rate_file(std::string(kHeader) + "2026-08-01,2026-08-31,19.87,29.81,,SFC\n", "t"));
  const auto p =
      ci::parse_rate_file("\xEF\xBB\xBF" + std::string(kHeader) +
                              "# a \"quoted\" comment\n2026-08-01,2026-08-31,19.50,29.25,\"Res. 1\nde 2026\","
                              "SFC\n2026-09-01,2026-09-30,19.50,29.25,,SFC\n",
                          "excel.csv");
  ASSERT_EQ(p.size(), 2U);
  EXPECT_EQ(p[0].resolution, "Res. 1\nde 2026");
  EXPECT_EQ(rate_file_refusal(std::string(kHeader) + "2026-08-01,2026-08-31,19.50,29.25,\"Res. 1\nde 2026\",SFC\n" +
                              "2026-09-02,2026-09-30,19.50,29.25,,SFC\n"),
            "tasas.csv:4: field 'from': '2026-09-02' does not follow the previous period 2026-08-01..2026-08-31 (gap)")
      << "line numbers count the quoted line break";
}

TEST(InterestRates, AnImportMustNeitherOverlapNorLeaveAGap) {
  std::vector<ci::RatePeriod> base =
      ci::parse_rate_file(std::string(kHeader) + "2026-06-01,2026-06-30,19.19,28.79,,SFC\n"
                                                 "2026-07-01,2026-07-31,19.19,28.79,,SFC\n",
                          "base");
  for (auto &p : base) {
    p.origin = "shipped";
  }
  const ci::RateTable table(base);
  const auto next = [](const char *rows) { return ci::parse_rate_file(std::string(kHeader) + rows, "more"); };
  EXPECT_EQ(table.why_not_addable(next("2026-08-01,2026-08-31,19.50,29.25,,SFC\n")), "");
  EXPECT_EQ(table.why_not_addable(next("2026-05-01,2026-05-31,18.78,28.17,,SFC\n")), "");
  EXPECT_EQ(table.why_not_addable(next("2026-07-15,2026-08-31,19.50,29.25,,SFC\n")),
            "the period 2026-07-15..2026-08-31 overlaps the certified period 2026-07-01..2026-07-31 (shipped)");
  EXPECT_EQ(table.why_not_addable(next("2026-05-01,2026-07-31,19.50,29.25,,SFC\n")),
            "the period 2026-05-01..2026-07-31 overlaps the certified period 2026-06-01..2026-06-30 (shipped)");
  EXPECT_EQ(table.why_not_addable(next("2026-09-01,2026-09-30,19.50,29.25,,SFC\n")),
            "the file starts on 2026-09-01 but the table ends on 2026-07-31: the days between would have no rate");
  EXPECT_EQ(table.why_not_addable(next("2026-04-01,2026-04-30,17.84,26.76,,SFC\n")),
            "the file ends on 2026-04-30 but the table starts on 2026-06-01: the days between would have no rate");
  EXPECT_THROW(ci::RateTable({base[0], base[0]}), std::invalid_argument);
}
