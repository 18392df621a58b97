// interest end to end on SQLite and PostgreSQL: the worked oracle of domain/colombia.md §1.5
// and §9 read from a company's books (tests/data/interest/oracle-company), the certified-rate
// table and its imports (refusals included), and charges sent to accounting once per invoice
// and period, each request validated by the host against its schema.
#include "cartera_process.hpp"
#include "golden.hpp"
#include "module_dir.hpp"
#include "postgres.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>

namespace fs = std::filesystem;
using cartera::testing::backend_url;
using cartera::testing::contains;
using cartera::testing::count_lines;
using cartera::testing::kNoPostgres;
using cartera::testing::ModuleDir;
using cartera::testing::Outcome;
using cartera::testing::read_text;

namespace {

const fs::path kInterestData = fs::path(CARTERA_SOURCE_DIR) / "tests/data/interest";

class Interest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    const std::optional<std::string> url = backend_url(GetParam(), "cartera_i");
    if (!url) {
      GTEST_SKIP() << kNoPostgres;
    }
    write_config(*url, "");
    ASSERT_EQ(as("sistemas", {"host", "import", (kInterestData / "oracle-company").string()}).code, 0);
    const Outcome e = as("sistemas", {"modules", "enable", "interest", "--department", "cartera"});
    ASSERT_EQ(e.code, 0) << e.err;
  }

  void write_config(const std::string &url, const std::string &settings, const std::string &calendar = "") {
    url_ = url;
    std::ofstream(work_.path() / "cartera.xml") << R"(<cartera xmlns="urn:cartera:config:1">
  <database url=")" + url + R"("/>
  )" + calendar + R"(
  <exchange>
    <recipient id="contabilidad" documents="interest-charge-request"><folder dir="contabilidad"/></recipient>
  </exchange>
  <departments><department id="cartera" name="Cartera"/><department id="sistemas" name="Sistemas"/></departments>
  <users>
    <user id="analista" name="Analista" departments="cartera" roles="analyst"/>
    <user id="coordinador" name="Coordinador" departments="cartera" roles="lead"/>
    <user id="sistemas" name="Sistemas" departments="sistemas cartera" roles="it"/>
)" + cartera::testing::runner_acts_for_everyone() + R"(  </users>
  <module-settings module="org.cartera.interest">)" + settings +
                                                       R"(</module-settings>
</cartera>
)";
  }

  Outcome as(const std::string &user, std::vector<std::string> args) {
    args.insert(args.begin(), {"--user", user, "--quiet", "--now", "2026-11-22T10:00:00"});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  std::vector<fs::path> delivered() {
    std::vector<fs::path> out;
    if (fs::is_directory(work_.path() / "contabilidad")) {
      for (const auto &e : fs::directory_iterator(work_.path() / "contabilidad")) {
        out.push_back(e.path());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path write(const std::string &name, const std::string &text) {
    std::ofstream(work_.path() / name, std::ios::binary) << text;
    return work_.path() / name;
  }

  ModuleDir work_;
  std::string url_;
};

TEST_P(Interest, TheOracleFromTheBooksWithArticle829AndWithout) {
  Outcome r = as("analista", {"interest", "liquidate", "--as-of", "2025-08-10", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  // invoice,customer,contract,due_date,mora_from,through,days,capital_open,interest,paid,charged_before,owed
  // Due Sunday 2025-06-15, payable Monday: 55 days, 33,690.71; the payment of 2025-08-10 pays
  // that interest first and leaves as much capital open (C.C. art. 1653).
  EXPECT_TRUE(
      contains(r.out, "F-ORACLE,C1,K1,2025-06-15,2025-06-17,2025-08-10,55,33690.71,33690.71,33690.71,0.00,0.00\n"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "F-INTIME")) << r.out;  // paid on its due date
  EXPECT_FALSE(contains(r.out, "F-HOLIDAY")) << r.out; // not due yet

  // Without the move (setting move-due-date = no): 56 days, 34,314.28.
  write_config(url_, R"(<setting key="move-due-date" value="no"/>)");
  r = as("analista",
         {"interest", "liquidate", "--as-of", "2025-08-10", "--customer", "C1", "--detail", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  // invoice,customer,from,to,days,rate_ea,usury_rate_ea,daily_rate,capital,interest
  EXPECT_TRUE(contains(r.out, "F-ORACLE,C1,2025-06-16,2025-06-30,15,25.55,25.55,0.0006235749,1000000.00,9353.62\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "F-ORACLE,C1,2025-07-01,2025-07-31,31,24.78,24.78,0.0006067100,1000000.00,18808.01\n"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "F-ORACLE,C1,2025-08-01,2025-08-10,10,25.17,25.17,0.0006152649,1000000.00,6152.65\n"))
      << r.out;
  // F-PARTIAL splits at its payment days: 06-16..30, 07-01..10, 07-11..31, 08-01..05, 08-06..10.
  EXPECT_EQ(count_lines(r.out), 1U + 3U + 5U) << r.out;
  EXPECT_TRUE(contains(r.out, "F-PARTIAL,C1,2025-07-01,2025-07-10,10,24.78,")) << r.out;
}

TEST_P(Interest, ChargesGoToAccountingOncePerInvoiceAndPeriod) {
  Outcome c = as("analista", {"interest", "charge", "--as-of", "2025-08-31", "--format", "csv"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(count_lines(c.out), 3U) << c.out; // F-ORACLE (capital left after imputation) and F-PARTIAL
  // The same period again: nothing new.
  Outcome again = as("analista", {"interest", "charge", "--as-of", "2025-08-31", "--format", "csv"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(count_lines(again.out), 1U) << again.out;
  // Each request is also kept in the customer's folder (ABI 1.2), once.
  const Outcome folder = as("analista", {"archive", "list", "--customer", "C1", "--format", "csv"});
  EXPECT_EQ(count_lines(folder.out), 3U) << folder.out;
  EXPECT_TRUE(
      contains(folder.out, "C1,2026-11,interest-charge-request,application/xml,C1/2026/11/interest-charge-request-"))
      << folder.out;
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  const auto files = delivered();
  ASSERT_EQ(files.size(), 2U);
  std::string doc;
  for (const auto &f : files) {
    const std::string d = read_text(f);
    if (contains(d, R"(id="interest-charge/F-PARTIAL/2025-08-31")")) {
      doc = d;
    }
  }
  EXPECT_TRUE(contains(
      doc,
      R"(<invoice id="F-PARTIAL" customer="C1" contract="K1" due-date="2025-06-15" payable-by="2025-06-16" amount="1000000.00"/>)"))
      << doc;
  EXPECT_TRUE(contains(doc, R"(<method basis="usury" year-base="365" imputation="interest-first")")) << doc;
  EXPECT_TRUE(contains(doc, R"(<payment date="2025-07-10" amount="300000.00" to-interest=")")) << doc;
  EXPECT_TRUE(contains(doc, R"(<charge from="2025-06-17" to="2025-08-31" )")) << doc;
  EXPECT_TRUE(contains(doc, R"(charged-before="0.00")")) << doc;
  EXPECT_TRUE(contains(doc, R"(as="debit-note"/>)")) << doc;

  // A month later only September is new, and what was charged counts as charged.
  c = as("analista", {"interest", "charge", "--as-of", "2025-09-30", "--customer", "C1", "--format", "csv"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(count_lines(c.out), 3U) << c.out;
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  ASSERT_EQ(delivered().size(), 4U);
  bool found = false;
  for (const auto &f : delivered()) {
    const std::string d = read_text(f);
    if (contains(d, "F-PARTIAL/2025-09-30")) {
      found = true;
      EXPECT_TRUE(contains(d, R"(<charge from="2025-09-01" to="2025-09-30" )")) << d;
      EXPECT_FALSE(contains(d, R"(charged-before="0.00")")) << d;
    }
  }
  EXPECT_TRUE(found);
  // The liquidation shows the charged amounts and nothing owed.
  const Outcome l = as("analista", {"interest", "liquidate", "--as-of", "2025-09-30", "--format", "csv"});
  EXPECT_TRUE(contains(l.out, ",0.00\nF-PARTIAL")) << l.out;
}

// Issue 20 #10: a charge run again from the same books (as a rerun after a kill does) writes
// the same bytes, whenever it runs: no wall-clock time inside the request, so the archive's
// copy is one file, adopted, not a second one beside it. SQLite only: the books are copied.
TEST_P(Interest, AChargeRunAgainFromTheSameBooksIsTheSameBytes) {
  if (GetParam() != "sqlite") {
    GTEST_SKIP() << "the books are copied as SQLite files";
  }
  const fs::path saved = work_.path() / "saved";
  fs::create_directories(saved);
  for (const char *f : {"cartera.db", "cartera.db-wal"}) {
    if (fs::exists(work_.path() / f)) {
      fs::copy_file(work_.path() / f, saved / f);
    }
  }
  const auto charge = [&](const char *now) {
    const Outcome o = cartera::testing::run_cartera(
        work_.path(), {"--user", "analista", "--quiet", "--now", now, "interest", "charge", "--as-of", "2025-08-31"});
    EXPECT_EQ(o.code, 0) << o.err;
    std::map<std::string, std::string> files;
    for (const auto &e : fs::recursive_directory_iterator(work_.path() / "archive")) {
      if (e.is_regular_file()) {
        files[fs::relative(e.path(), work_.path() / "archive").string()] = read_text(e.path());
      }
    }
    return files;
  };
  const auto first = charge("2026-11-22T10:00:00");
  ASSERT_EQ(first.size(), 2U);
  fs::remove_all(work_.path() / "archive");
  fs::remove(work_.path() / "cartera.db-wal");
  fs::remove(work_.path() / "cartera.db-shm");
  for (const auto &e : fs::directory_iterator(saved)) {
    fs::copy_file(e.path(), work_.path() / e.path().filename(), fs::copy_options::overwrite_existing);
  }
  const auto second = charge("2026-11-22T16:45:10");
  EXPECT_EQ(first, second) << "the same charge, the same file names and bytes";
  for (const auto &[name, bytes] : second) {
    EXPECT_FALSE(contains(bytes, "requested-at")) << name;
  }
  const Outcome verified = as("sistemas", {"archive", "verify", "--format", "csv"});
  EXPECT_EQ(verified.code, 0) << verified.out;
}

// Issue 21 #7: each interest-charge request, whole, equals its golden file after
// canonicalisation (tests/golden/interest/), on each database; named by its invoice and period.
// A request holds no wall-clock time (the test above), so nothing is masked.
TEST_P(Interest, EachChargeRequestEqualsItsGolden) {
  ASSERT_EQ(as("analista", {"interest", "charge", "--as-of", "2025-08-31"}).code, 0);
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  const auto files = delivered();
  ASSERT_EQ(files.size(), 2U);
  const std::regex id_of(R"re(<interest-charge-request [^>]*id="interest-charge/([^"/]+)/([^"/]+)")re");
  for (const auto &f : files) {
    const std::string doc = read_text(f);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(doc, m, id_of)) << doc;
    cartera::testing::expect_golden_xml(doc, cartera::testing::kGoldenDir / ("interest/interest-charge-request-" +
                                                                             m[1].str() + "-" + m[2].str() + ".xml"));
  }
}

TEST_P(Interest, ADayWithoutACertifiedRateIsAnErrorNamingTheMonthUntilItIsImported) {
  // F-HOLIDAY (due Monday 2026-07-13, a holiday) runs into August 2026: no certification shipped.
  Outcome r = as("analista", {"interest", "liquidate", "--as-of", "2026-08-15"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "invoice F-HOLIDAY: no certified rate for 2026-08 (2026-08-01 is a day of mora)"))
      << r.err;
  // The words people say: `interest rates import FILE`.
  const fs::path august = write("agosto.csv", "from,to,bank_rate_ea,usury_rate_ea,resolution,source\n"
                                              "2026-08-01,2026-08-31,19.50,29.25,Res. 0999 de 2026,SFC (test)\n");
  const Outcome i = as("analista", {"interest", "rates", "import", august.string(), "--format", "csv"});
  ASSERT_EQ(i.code, 0) << i.err;
  EXPECT_EQ(i.out, "from,to,bank_rate_ea,usury_rate_ea,resolution,source,origin\n"
                   "2026-08-01,2026-08-31,19.50,29.25,Res. 0999 de 2026,SFC (test),imported by analista\n");
  r = as("analista", {"interest", "liquidate", "--as-of", "2026-08-15", "--customer", "C2", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  // Mora from Wednesday 2026-07-15: 17 days of July and 15 of August.
  EXPECT_TRUE(contains(r.out, "F-HOLIDAY,C2,K2,2026-07-13,2026-07-15,2026-08-15,32,1000000.00,")) << r.out;
  // Due Saturday 2026-07-11: Saturdays rest by default and Monday the 13th is a holiday.
  EXPECT_TRUE(contains(r.out, "F-SATURDAY,C2,K2,2026-07-11,2026-07-15,2026-08-15,32,")) << r.out;
  // A company that works Saturdays (cartera.xml <calendar>): the host's calendar says so.
  write_config(url_, "", R"(<calendar saturdays="business"/>)");
  r = as("analista", {"interest", "liquidate", "--as-of", "2026-08-15", "--customer", "C2", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "F-SATURDAY,C2,K2,2026-07-11,2026-07-12,2026-08-15,35,")) << r.out;
  EXPECT_TRUE(contains(r.out, "F-HOLIDAY,C2,K2,2026-07-13,2026-07-15,2026-08-15,32,")) << r.out;
  const Outcome list = as("analista", {"interest", "rates", "--format", "csv"});
  EXPECT_TRUE(contains(list.out, "2026-07-01,2026-07-31,19.19,28.79,")) << list.out;
  EXPECT_TRUE(contains(list.out, ",shipped\n2026-08-01,2026-08-31,19.50,29.25,")) << list.out;

  // A wrong import is undone by a lead, never past what was charged with it; then the right
  // one goes in. The shipped table cannot be withdrawn.
  EXPECT_EQ(as("analista", {"interest", "rates-withdraw", "--from", "2026-08-01", "--reason", "x"}).code, 4);
  const Outcome shipped = as("coordinador", {"interest", "rates-withdraw", "--from", "2026-07-01", "--reason", "x"});
  EXPECT_EQ(shipped.code, 2) << shipped.err;
  const Outcome w = as("coordinador", {"interest", "rates-withdraw", "--from", "2026-08-01", "--reason",
                                       "la tasa de agosto se digitó mal", "--format", "csv"});
  ASSERT_EQ(w.code, 0) << w.err;
  EXPECT_TRUE(contains(w.out, "2026-08-01,2026-08-31,19.50,29.25,")) << w.out;
  EXPECT_FALSE(contains(as("analista", {"interest", "rates", "--format", "csv"}).out, "2026-08-01")) << "withdrawn";
  ASSERT_EQ(as("analista", {"interest", "rates-import", august.string()}).code, 0);
  ASSERT_EQ(as("analista", {"interest", "charge", "--as-of", "2026-08-15"}).code, 0);
  const Outcome charged = as("coordinador", {"interest", "rates-withdraw", "--from", "2026-08-01", "--reason", "x"});
  EXPECT_EQ(charged.code, 2) << charged.err;
  EXPECT_TRUE(contains(charged.err, "interest charges to accounting reach 2026-08-01 or later")) << charged.err;
}

TEST_P(Interest, BadRateFilesAreRefusedAndImportNothing) {
  const auto refused = [&](const std::string &text, const std::string &message) {
    const fs::path f = write("tasas.csv", text);
    const Outcome o = as("analista", {"interest", "rates-import", f.string()});
    EXPECT_EQ(o.code, 3) << o.err;
    EXPECT_TRUE(contains(o.err, message)) << o.err;
    EXPECT_TRUE(contains(o.err, "nothing was imported")) << o.err;
  };
  const std::string header = "from,to,bank_rate_ea,usury_rate_ea,resolution,source\n";
  refused(
      header + "2026-07-01,2026-07-31,19.19,28.79,,SFC\n",
      "tasas.csv: the period 2026-07-01..2026-07-31 overlaps the certified period 2026-07-01..2026-07-31 (shipped)");
  refused(header + "2026-09-01,2026-09-30,19.19,28.79,,SFC\n",
          "tasas.csv: the file starts on 2026-09-01 but the table ends on 2026-07-31");
  refused(header + "2026-08-01,2026-08-31,19.5,28.79,,SFC\n",
          "tasas.csv:2: field 'bank_rate_ea': '19.5' is not a percentage with two decimals");
  refused(header + "2026-08-01,2026-08-31,19.50,29.25,,SFC\n2026-09-01,2026-09-31,19.50,29.25,,SFC\n",
          "tasas.csv:3: field 'to': '2026-09-31' is not a date");
  refused("desde,hasta\n", "tasas.csv:1: the header must be");
  refused(header + "2026-08-01,2026-08-31,19.50,29.25,,Superintendencia Financiera \xe9\n", "not UTF-8");
  const Outcome list = as("analista", {"interest", "rates", "--format", "csv"});
  EXPECT_FALSE(contains(list.out, "imported by")) << list.out;
}

} // namespace

INSTANTIATE_TEST_SUITE_P(Cartera, Interest, ::testing::Values("sqlite", "postgresql"));
