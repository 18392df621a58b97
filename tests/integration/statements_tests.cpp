// statements end to end on SQLite and PostgreSQL: golden statements of a family contract, a
// collective, a customer billed interest and one with a credit balance (tests/data/statements,
// tests/golden/statements), the causes adding up to the difference on every statement, the
// customer's folder (archive list and verify), e-mail through a real SMTP server on loopback
// (aiosmtpd) only inside the contact hours of Ley 2300, and the call list.
#include "cartera_process.hpp"
#include "module_dir.hpp"
#include "postgres.hpp"
#include "smtp_server.hpp"
#include "statement_golden.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include <iterator>
#include <map>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;
using cartera::testing::backend_url;
using cartera::testing::check_statement;
using cartera::testing::contains;
using cartera::testing::count_lines;
using cartera::testing::expect_golden_statement;
using cartera::testing::kNoPostgres;
using cartera::testing::ModuleDir;
using cartera::testing::Outcome;
using cartera::testing::read_text;

namespace {

const fs::path kStatementsData = fs::path(CARTERA_SOURCE_DIR) / "tests/data/statements";
const fs::path kGolden = fs::path(CARTERA_SOURCE_DIR) / "tests/golden/statements";

// Monday 2 March 2026, 10:00 in Bogotá: inside the contact hours.
constexpr const char *kWeekday = "2026-03-02T10:00:00";

class Statements : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    const std::optional<std::string> url = backend_url(GetParam(), "cartera_s");
    if (!url) {
      GTEST_SKIP() << kNoPostgres;
    }
    url_ = *url;
    write_config("");
    for (const char *company : {"family-company", "credit-balance"}) {
      const Outcome i = as("sistemas", {"host", "import", (kStatementsData / company).string()});
      ASSERT_EQ(i.code, 0) << i.err;
    }
    const Outcome e = as("sistemas", {"modules", "enable", "statements", "--department", "cartera"});
    ASSERT_EQ(e.code, 0) << e.err;
  }

  void write_config(const std::string &mail) {
    std::ofstream(work_.path() / "cartera.xml") << R"(<cartera xmlns="urn:cartera:config:1">
  <database url=")" + url_ + R"("/>
  )" + mail + R"(
  <departments><department id="cartera" name="Cartera"/><department id="sistemas" name="Sistemas"/></departments>
  <users>
    <user id="analista" name="Analista" departments="cartera" roles="analyst"/>
    <user id="sistemas" name="Sistemas" departments="sistemas cartera" roles="it"/>
)" + cartera::testing::runner_acts_for_everyone() + R"(  </users>
  <module-settings module="org.cartera.statements">
    <setting key="company-name" value="Prepagada Andina S.A."/>
    <setting key="company-nit" value="900123456-7"/>
    <setting key="company-address" value="Avenida Carrera 7 # 71-21"/>
    <setting key="company-city" value="Bogotá"/>
    <setting key="company-phone" value="601 555 0100"/>
    <setting key="company-email" value="cartera@prepagada-andina.com.co"/>
  </module-settings>
</cartera>
)";
  }

  void use_mail_server(std::uint16_t port) {
    write_config(R"(<mail from="cartera@prepagada-andina.com.co" from-name="Cartera – Prepagada Andina">
    <smtp host="127.0.0.1" port=")" +
                 std::to_string(port) + R"(" tls="never" timeout-seconds="5"/>
  </mail>)");
  }

  Outcome at(const std::string &now, const std::string &user, std::vector<std::string> args) {
    args.insert(args.begin(), {"--user", user, "--quiet", "--now", now});
    return cartera::testing::run_cartera(work_.path(), args);
  }
  Outcome as(const std::string &user, std::vector<std::string> args) { return at(kWeekday, user, std::move(args)); }

  ModuleDir work_;
  std::string url_;
};

TEST_P(Statements, GoldenStatementsOfAFamilyACollectiveInterestAndACreditBalance) {
  struct Case {
    std::vector<std::string> who;
    std::string as_of;
    std::string name;
  };
  const std::vector<Case> cases = {
      // January: a newborn joins and the yearly increase; February: a member changes age band.
      {{"--contract", "K-0001"}, "2026-01-31", "family-K-0001-2026-01"},
      {{"--contract", "K-0001"}, "2026-02-28", "family-K-0001-2026-02"},
      // A member leaves mid-month: out of the fees, a negative prorated adjustment.
      {{"--contract", "K-0002"}, "2026-02-28", "collective-K-0002-2026-02"},
      {{"--customer", "C-0003"}, "2026-02-28", "interest-C-0003-2026-02"},
      {{"--customer", "C-0004"}, "2026-02-28", "credit-balance-C-0004-2026-02"},
  };
  for (const auto &[who, as_of, name] : cases) {
    for (const std::string format : {"xml", "html"}) {
      std::vector<std::string> args = {"statements", "generate", "--as-of", as_of, "--format", format};
      args.insert(args.end(), who.begin(), who.end());
      const Outcome r = as("analista", args);
      ASSERT_EQ(r.code, 0) << r.err;
      expect_golden_statement(r.out, kGolden / (name + "." + format), format, work_.path());
    }
  }
  // Every statement of the month, customers and family/collective contracts alike.
  const Outcome all = as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--all", "--format", "csv"});
  ASSERT_EQ(all.code, 0) << all.err;
  std::size_t statements = 0;
  for (std::size_t at = all.out.find(",opening,"); at != std::string::npos; at = all.out.find(",opening,", at + 1)) {
    ++statements;
  }
  EXPECT_EQ(statements, 6U) << all.out; // 4 customers, K-0001 and K-0002
  EXPECT_TRUE(contains(all.out, "contract/K-0002/2026-02,2026-02-16,payment,P-20007,")) << all.out;
  for (const auto &f : fs::recursive_directory_iterator(work_.path() / "archive")) {
    if (f.path().extension() == ".xml") {
      check_statement(read_text(f.path()), f.path().string());
    }
  }
}

namespace {

// The sum, in centavos, of a CSV column of plain pesos ("1234.56") in a job's output.
std::int64_t csv_column_sum(const std::string &csv, std::size_t column) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line); // the header
  std::int64_t total = 0;
  while (std::getline(in, line)) {
    std::istringstream cells(line);
    std::string cell;
    for (std::size_t i = 0; i <= column; ++i) {
      std::getline(cells, cell, ',');
    }
    const auto dot = cell.find('.');
    total += std::stoll(cell.substr(0, dot)) * 100 + std::stoll(cell.substr(dot + 1));
  }
  return total;
}

// A summary amount of a statement, in centavos ("interest-to-date", "amount-due").
std::int64_t summary_amount(const std::string &statement_xml, const char *attribute) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(statement_xml.c_str()));
  const std::string pesos = doc.document_element().child("summary").attribute(attribute).value();
  const auto dot = pesos.find('.');
  return std::stoll(pesos.substr(0, dot)) * 100 + std::stoll(pesos.substr(dot + 1));
}

} // namespace

// Interest to date is the interest module's own liquidation at the statement's date, read
// through the contract it publishes by its to-date job (interest_to_date): the same figure as
// `interest to-date`; what was charged to accounting leaves it, so nothing counts twice; and a
// day without a certified rate fails the statement as it fails the liquidation.
TEST_P(Statements, InterestToDateIsTheInterestModulesLiquidation) {
  ASSERT_EQ(as("sistemas", {"host", "import", (kStatementsData / "overdue").string()}).code, 0);
  const auto statement = [&](const std::string &format) {
    return as("analista",
              {"statements", "generate", "--as-of", "2026-02-28", "--customer", "C-0005", "--format", format});
  };
  Outcome r = statement("xml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(summary_amount(r.out, "interest-to-date"), 0) << "no interest module enabled, no interest to date";

  ASSERT_EQ(as("sistemas", {"modules", "enable", "interest", "--department", "cartera"}).code, 0);
  const Outcome owed =
      as("analista", {"interest", "to-date", "--to", "2026-02-28", "--customer", "C-0005", "--format", "csv"});
  ASSERT_EQ(owed.code, 0) << owed.err;
  EXPECT_EQ(count_lines(owed.out), 1U + 3U) << owed.out; // the three invoices owe interest
  const std::int64_t liquidated = csv_column_sum(owed.out, 3);
  std::int64_t due_before_charge = 0;
  EXPECT_GT(liquidated, 0);
  for (const std::string format : {"xml", "html"}) {
    r = statement(format);
    ASSERT_EQ(r.code, 0) << r.err;
    expect_golden_statement(r.out, kGolden / ("interest-to-date-C-0005-2026-02." + format), format, work_.path());
    if (format == "xml") {
      EXPECT_EQ(summary_amount(r.out, "interest-to-date"), liquidated) << r.out;
      due_before_charge = summary_amount(r.out, "amount-due");
    }
  }

  // Charged through January: February's statement keeps as interest to date only what was not
  // charged, and carries the charge itself (dated 31 January, so in the opening balance) as an
  // item of its own: the amount due does not move.
  const Outcome charged =
      as("analista", {"interest", "charge", "--as-of", "2026-01-31", "--customer", "C-0005", "--format", "csv"});
  ASSERT_EQ(charged.code, 0) << charged.err;
  const std::int64_t charged_amount = csv_column_sum(charged.out, 11);
  EXPECT_GT(charged_amount, 0) << charged.out;
  r = statement("xml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(summary_amount(r.out, "interest-to-date"), liquidated - charged_amount) << r.out;
  EXPECT_EQ(summary_amount(r.out, "amount-due"), due_before_charge) << r.out;
  EXPECT_TRUE(contains(r.out, R"(<item invoice="Intereses FE-40002" contract="K-0005" issue-date="2026-01-31")"))
      << r.out;
  check_statement(r.out, "after the charge");
  // January's statement shows the charge among its movements.
  r = as("analista", {"statements", "generate", "--as-of", "2026-01-31", "--customer", "C-0005", "--format", "xml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, R"(kind="interest" document="Intereses FE-40001" reference="factura FE-40001" )"
                              R"(description="Intereses de mora del 16/12/2025 al 31/01/2026 (cobro solicitado a )"
                              R"(contabilidad)"))
      << r.out;
  check_statement(r.out, "January, with the charge");

  // No certified rate ships after July 2026. The August statement shows the interest exact
  // through 31 July and says so; liquidate (and charge) refuse, since nothing is charged on a
  // guess.
  r = as("analista", {"statements", "generate", "--as-of", "2026-08-31", "--customer", "C-0005", "--format", "xml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, R"(interest-through="2026-07-31")")) << r.out;
  EXPECT_TRUE(contains(r.out, "Intereses de mora causados al 31/07/2026")) << r.out;
  const Outcome july =
      as("analista", {"interest", "to-date", "--to", "2026-07-31", "--customer", "C-0005", "--format", "csv"});
  ASSERT_EQ(july.code, 0) << july.err;
  EXPECT_EQ(summary_amount(r.out, "interest-to-date"), csv_column_sum(july.out, 3))
      << r.out << july.out; // less the charge
  EXPECT_EQ(as("analista", {"interest", "liquidate", "--as-of", "2026-08-31"}).code, 3);

  // A publisher that fails fails the statement, with its own words, and nothing is archived.
  std::string config = read_text(work_.path() / "cartera.xml");
  config.replace(config.find("</cartera>"), std::string::npos, R"(<module-settings module="org.cartera.interest">
    <setting key="year-base" value="366"/>
  </module-settings>
</cartera>
)");
  std::ofstream(work_.path() / "cartera.xml") << config;
  r = as("analista", {"statements", "generate", "--as-of", "2026-03-31", "--customer", "C-0005"});
  EXPECT_NE(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "interest to-date: interest: setting 'year-base' is 365 or 360, not '366'")) << r.err;
  for (const auto &f : fs::recursive_directory_iterator(work_.path() / "archive")) {
    EXPECT_FALSE(contains(f.path().filename().string(), "estado-de-cuenta-C-0005-2026-03")) << f.path();
  }
}

// What accounting answers to an interest charge reaches the statement through the host's
// exchange (document_answers), matched by the key the charge was emitted under: an acknowledged
// charge shows the number accounting issued; a rejected one is no movement, and interest to
// date counts its interest again.
TEST_P(Statements, AccountingsAnswersToInterestChargesReachTheStatement) {
  write_config(R"(<exchange>
    <recipient id="contabilidad" documents="interest-charge-request"><folder dir="contabilidad"/></recipient>
  </exchange>)");
  ASSERT_EQ(as("sistemas", {"host", "import", (kStatementsData / "overdue").string()}).code, 0);
  ASSERT_EQ(as("sistemas", {"modules", "enable", "interest", "--department", "cartera"}).code, 0);
  const auto owed_at_february = [&] {
    const Outcome o =
        as("analista", {"interest", "to-date", "--to", "2026-02-28", "--customer", "C-0005", "--format", "csv"});
    EXPECT_EQ(o.code, 0) << o.err;
    return csv_column_sum(o.out, 3);
  };
  const std::int64_t liquidated = owed_at_february();
  const Outcome charged =
      as("analista", {"interest", "charge", "--as-of", "2026-01-31", "--customer", "C-0005", "--format", "csv"});
  ASSERT_EQ(charged.code, 0) << charged.err;
  ASSERT_EQ(count_lines(charged.out), 1U + 2U) << charged.out; // FE-40001 and FE-40002
  std::map<std::string, std::int64_t> charge_of;
  for (const char *invoice : {"FE-40001", "FE-40002"}) {
    const auto at = charged.out.find(std::string("\n") + invoice + ",");
    ASSERT_NE(at, std::string::npos) << charged.out;
    const std::string line = charged.out.substr(at + 1, charged.out.find('\n', at + 1) - at - 1);
    charge_of[invoice] = csv_column_sum("owed\n" + line, 11);
  }
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  fs::create_directories(work_.path() / "inbox");
  std::size_t answered = 0;
  for (const auto &f : fs::directory_iterator(work_.path() / "contabilidad")) {
    const std::string doc = read_text(f.path());
    const bool first = contains(doc, R"(id="interest-charge/FE-40001/2026-01-31")");
    const bool second = contains(doc, R"(id="interest-charge/FE-40002/2026-01-31")");
    ASSERT_TRUE(first || second) << doc;
    std::ofstream(work_.path() / "inbox" / (f.path().stem().string() + ".xml"))
        << R"(<?xml version="1.0" encoding="UTF-8"?>
<acknowledgement xmlns="urn:cartera:acknowledgement:1" document=")" +
               f.path().stem().string() + R"(" from="contabilidad" at="2026-02-02T09:00:00-05:00">
  )" + (first ? R"(<accepted number="ND-000123"/>)" : R"(<rejected reason="El cliente tiene un acuerdo de pago"/>)") +
               "\n</acknowledgement>\n";
    ++answered;
  }
  ASSERT_EQ(answered, 2U);
  ASSERT_EQ(as("sistemas", {"exchange", "receive"}).code, 0);

  const Outcome published =
      as("analista", {"interest", "statement-movements", "--to", "2026-01-31", "--format", "csv"});
  ASSERT_EQ(published.code, 0) << published.err;
  EXPECT_TRUE(contains(published.out, "C-0005,2026-01-31,interest,ND-000123,,FE-40001,")) << published.out;
  EXPECT_FALSE(contains(published.out, "FE-40002")) << published.out;

  Outcome r =
      as("analista", {"statements", "generate", "--as-of", "2026-01-31", "--customer", "C-0005", "--format", "xml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, R"(kind="interest" document="ND-000123" reference="factura FE-40001" )"
                              R"(description="Intereses de mora del 16/12/2025 al 31/01/2026")"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "Intereses FE-40002")) << r.out;
  EXPECT_FALSE(contains(r.out, "cobro solicitado a contabilidad")) << r.out;
  check_statement(r.out, "January, one charge acknowledged and one rejected");

  // Only the charge accounting did not reject leaves interest to date.
  EXPECT_EQ(owed_at_february(), liquidated - charge_of["FE-40001"]);
  r = as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--customer", "C-0005", "--format", "xml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(summary_amount(r.out, "interest-to-date"), liquidated - charge_of["FE-40001"]) << r.out;
  check_statement(r.out, "February, after the answers");
}

TEST_P(Statements, TheFolderKeepsEachVersionOnceAndVerifyFindsWhatChanged) {
  // Not quiet: the run says where its documents went.
  const Outcome made =
      cartera::testing::run_cartera(work_.path(), {"--user", "analista", "--now", kWeekday, "statements", "generate",
                                                   "--as-of", "2026-02-28", "--all"});
  ASSERT_EQ(made.code, 0) << made.err;
  EXPECT_TRUE(contains(made.err, "documents: 6 new (6 kept in the database), 0 emitted by an earlier run")) << made.err;
  Outcome list = as("analista", {"archive", "list", "--format", "csv"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(count_lines(list.out), 1U + 12U) << list.out; // 6 statements, XML and PDF each
  EXPECT_TRUE(
      contains(list.out, "C-0001,2026-02,statement,application/pdf,C-0001/2026/02/estado-de-cuenta-K-0001-2026-02-"))
      << list.out;
  // Statements are the customers': in their folders and their e-mail, not in the outbox that
  // departments take documents from (manifest outbox="false").
  std::error_code ec;
  EXPECT_TRUE(!fs::exists(work_.path() / "outbox", ec) || fs::is_empty(work_.path() / "outbox", ec));
  // The same statements again: the same bytes, so the same files, and no new index rows.
  ASSERT_EQ(as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--all"}).code, 0);
  EXPECT_EQ(count_lines(as("analista", {"archive", "list", "--format", "csv"}).out), 13U);
  Outcome verify = as("analista", {"archive", "verify"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  EXPECT_TRUE(contains(verify.err, "12 files verified, 0 missing or altered, 0 not in the index")) << verify.err;

  // A file edited by hand and one dropped in: verify names both, and exits 1 for the edit.
  fs::path pdf;
  for (const auto &f : fs::recursive_directory_iterator(work_.path() / "archive")) {
    if (f.path().extension() == ".pdf" && contains(f.path().string(), "C-0003")) {
      pdf = f.path();
    }
  }
  ASSERT_FALSE(pdf.empty());
  std::ofstream(pdf, std::ios::app) << "%tampered";
  std::ofstream(work_.path() / "archive/C-0003/2026/02/nota.txt") << "sin índice";
  verify = as("analista", {"archive", "verify", "--format", "csv"});
  EXPECT_EQ(verify.code, 1) << verify.out << verify.err;
  EXPECT_TRUE(contains(verify.out, "estado-de-cuenta-C-0003-2026-02-")) << verify.out;
  EXPECT_TRUE(contains(verify.out, ",altered,")) << verify.out;
  EXPECT_TRUE(contains(verify.out, "C-0003/2026/02/nota.txt,not indexed,")) << verify.out;
  // A generate that would have to replace the altered file refuses and writes nothing.
  const Outcome again = as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--customer", "C-0003"});
  EXPECT_NE(again.code, 0);
  EXPECT_TRUE(contains(again.err, "altered")) << again.err;
}

// A customer's folder that cannot be made (a file stands where it goes) fails the run on the
// worker that places it: the message names the folder, and nothing is indexed or recorded.
TEST_P(Statements, AFolderThatCannotBeMadeFailsTheRunAndNothingIsKept) {
  fs::create_directories(work_.path() / "archive");
  std::ofstream(work_.path() / "archive/C-0003") << "not a folder";
  const Outcome r = as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--all", "--format", "html"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "archive/C-0003/2026/02")) << r.err;
  EXPECT_TRUE(contains(r.err, "nothing was written")) << r.err;
  EXPECT_EQ(count_lines(as("analista", {"archive", "list", "--format", "csv"}).out), 1U);
  const Outcome runs = as("analista", {"runs", "--format", "csv"});
  EXPECT_TRUE(contains(runs.out, "failed")) << runs.out;
  // Put right, the same run makes every statement, adopting the files the failed one placed.
  fs::remove(work_.path() / "archive/C-0003");
  ASSERT_EQ(as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--all", "--format", "html"}).code, 0);
  const Outcome verify = as("analista", {"archive", "verify"});
  EXPECT_EQ(verify.code, 0) << verify.err;
  EXPECT_TRUE(contains(verify.err, "12 files verified, 0 missing or altered, 0 not in the index")) << verify.err;
}

TEST_P(Statements, AnUnknownCustomerOrContractIsRefused) {
  Outcome r = as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--contract", "K-9999"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "K-9999")) << r.err;
  r = as("analista", {"statements", "generate", "--as-of", "2026-02-28", "--customer", "C-9999"});
  EXPECT_EQ(r.code, 3) << r.err;
  r = as("analista", {"statements", "generate", "--as-of", "2026-02-28"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_FALSE(fs::exists(work_.path() / "archive")) << "nothing archived by a refused run";
}

TEST_P(Statements, StatementsAreMailedWithTheirPdfOnlyInsideTheContactHours) {
  if (const std::string why = cartera::testing::smtp_server_unavailable(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  cartera::testing::SmtpServer smtp;
  use_mail_server(smtp.port());
  // Sunday 1 March 2026: queued, nothing sent, each waits for Monday 07:00 (12:00Z).
  Outcome r = at("2026-03-01T10:00:00", "analista", {"statements", "send", "--as-of", "2026-02-28", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 1U + 3U) << r.out; // C-0001, C-0002, C-0004 have e-mail; C-0003 none
  EXPECT_TRUE(smtp.wait_for_messages(1, std::chrono::milliseconds(300)).empty());
  Outcome q = at("2026-03-01T10:00:00", "analista", {"contacts", "messages", "--format", "csv"});
  EXPECT_EQ(count_lines(q.out), 4U) << q.out;
  EXPECT_TRUE(contains(q.out, "2026-03-02T12:00:00Z")) << q.out;
  EXPECT_TRUE(contains(q.out, "outside contact hours")) << q.out;

  // Monday 07:00: all three go, each with its statement's PDF, as archived.
  r = at("2026-03-02T07:00:00", "analista", {"contacts", "send"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "sent 3")) << r.out;
  const auto mails = smtp.wait_for_messages(3, std::chrono::seconds(10));
  ASSERT_EQ(mails.size(), 3U);
  const std::string archived = as("analista", {"archive", "list", "--customer", "C-0002", "--format", "csv"}).out;
  bool seen = false;
  for (const auto &m : mails) {
    ASSERT_EQ(m.attachments.size(), 1U) << m.eml;
    EXPECT_EQ(m.attachments[0].content_type, "application/pdf");
    EXPECT_TRUE(m.parse_error.empty() && m.defects.empty()) << m.parse_error;
    EXPECT_TRUE(contains(m.subject, "Estado de cuenta de 2026-02 - Prepagada Andina S.A.")) << m.subject;
    if (m.rcpt_tos == std::vector<std::string>{"tesoreria@transportesdelvalle.com.co"}) {
      seen = true;
      EXPECT_EQ(m.attachments[0].filename, "estado-de-cuenta-C-0002-2026-02.pdf");
      EXPECT_TRUE(contains(archived, m.attachments[0].sha256)) << "the PDF mailed is the one archived";
      EXPECT_TRUE(contains(m.text, "Total a pagar: $ 504.125,00")) << m.text;
    }
  }
  EXPECT_TRUE(seen);
  // The contact log has each, reached; asking again sends nothing twice.
  const Outcome log = as("analista", {"contacts", "list", "--format", "csv"});
  EXPECT_EQ(count_lines(log.out), 4U) << log.out;
  EXPECT_TRUE(contains(log.out, "2026-03-02 07:00,C-0002,email,tesoreria@transportesdelvalle.com.co,yes,250"))
      << log.out;
  r = at("2026-03-02T08:00:00", "analista", {"statements", "send", "--as-of", "2026-02-28"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(smtp.wait_for_messages(4, std::chrono::milliseconds(500)).size(), 3U);
}

TEST_P(Statements, TheWindowRuleAtTheEdges) {
  if (const std::string why = cartera::testing::smtp_server_unavailable(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  cartera::testing::SmtpServer smtp;
  use_mail_server(smtp.port());
  const auto sent_at = [&](const std::string &now) {
    const Outcome r = at(now, "analista", {"statements", "send", "--as-of", "2026-02-28", "--customer", "C-0004"});
    EXPECT_EQ(r.code, 0) << r.err;
    return as("analista", {"contacts", "messages", "--state", "sent", "--format", "csv"}).out;
  };
  // Saturday 15:30: waits (Saturday ends at 15:00), until Monday 07:00.
  EXPECT_EQ(count_lines(sent_at("2026-02-28T15:30:00")), 1U);
  // Monday 23 March 2026 is a holiday (San José, moved): still waiting, until Tuesday.
  EXPECT_EQ(count_lines(sent_at("2026-03-23T09:00:00")), 1U);
  const std::string waiting = as("analista", {"contacts", "messages", "--format", "csv"}).out;
  EXPECT_TRUE(contains(waiting, "2026-03-24T12:00:00Z")) << waiting;
  // Tuesday 18:59: inside, it goes.
  EXPECT_EQ(count_lines(sent_at("2026-03-24T18:59:00")), 2U);
  EXPECT_EQ(smtp.wait_for_messages(1, std::chrono::seconds(10)).size(), 1U);
}

TEST_P(Statements, TheCallListHasOnlyWhoMayBeCalledNow) {
  // 10 March: C-0001, C-0002 and C-0003 owe February's invoices, overdue since 28 February.
  Outcome r =
      at("2026-03-10T09:00:00", "analista", {"statements", "call-list", "--as-of", "2026-03-10", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "C-0003,Jorge Hernán Quintero Díaz,315 220 1093,")) << r.out;
  EXPECT_FALSE(contains(r.out, "C-0004")) << r.out; // a credit balance: nothing to call about
  const std::size_t before = count_lines(r.out);
  // The analyst reaches C-0003: not again today, nor tomorrow by another channel.
  Outcome log = at("2026-03-10T09:05:00", "analista",
                   {"contacts", "log", "--customer", "C-0003", "--address", "315 220 1093", "--result",
                    "Promete pagar el 15/03", "--reached"});
  ASSERT_EQ(log.code, 0) << log.err;
  r = at("2026-03-10T11:00:00", "analista", {"statements", "call-list", "--as-of", "2026-03-10", "--format", "csv"});
  EXPECT_EQ(count_lines(r.out), before - 1) << r.out;
  EXPECT_FALSE(contains(r.out, "C-0003")) << r.out;
  // Sunday: nobody.
  r = at("2026-03-15T11:00:00", "analista", {"statements", "call-list", "--as-of", "2026-03-15", "--format", "csv"});
  EXPECT_EQ(count_lines(r.out), 1U) << r.out;
  // A call logged outside the hours is kept, with the rule it broke.
  log = at("2026-03-15T11:00:00", "analista",
           {"contacts", "log", "--customer", "C-0001", "--address", "310 456 7788", "--result", "No contesta"});
  EXPECT_EQ(log.code, 0) << log.err;
  const Outcome list = as("analista", {"contacts", "list", "--customer", "C-0001", "--format", "csv"});
  EXPECT_TRUE(contains(list.out, "not allowed by Ley 2300: outside contact hours (Sunday)")) << list.out;
}

// generate --all killed while it places files in the customers' folders, before its commit:
// the files it left have no index rows; the run again makes the same bytes, adopts them, and
// the folder verifies whole, with nothing unindexed and nothing twice.
TEST(StatementsKill, AGenerateKilledWhileArchivingLeavesAFolderTheNextRunCompletes) {
  ModuleDir work;
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--quiet", "--now", "2026-03-02T10:00:00"});
    return cartera::testing::run_cartera(work.path(), args);
  };
  ASSERT_EQ(run({"host", "generate", "--customers", "3000", "--months", "3", "--as-of", "2026-02-28", "--seed", "5",
                 "--out", "erp"})
                .code,
            0);
  ASSERT_EQ(run({"host", "import", "erp"}).code, 0);
  ASSERT_EQ(run({"modules", "enable", "statements", "--department", "cartera"}).code, 0);
  const std::vector<std::string> generate = {"--quiet",  "--now",   "2026-03-02T10:00:00", "statements",
                                             "generate", "--as-of", "2026-02-28",          "--all",
                                             "--format", "html"};
  const pid_t pid = cartera::testing::spawn_cartera(work.path(), generate);
  const fs::path archive = work.path() / "archive";
  bool some = false;
  for (int i = 0; i < 60000 && !some; ++i) {
    std::error_code ec;
    std::size_t files = 0;
    if (fs::is_directory(archive, ec)) {
      for (auto it = fs::recursive_directory_iterator(archive, ec);
           it != fs::recursive_directory_iterator() && files < 200; it.increment(ec)) {
        files += it->is_regular_file(ec) ? 1 : 0;
      }
    }
    some = files >= 200;
    if (!some) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(some) << "no file reached the archive";
  ASSERT_TRUE(WIFSIGNALED(status)) << "generate finished before it could be killed; make the company bigger";
  EXPECT_EQ(count_lines(run({"archive", "list", "--format", "csv"}).out), 1U) << "nothing indexed by the killed run";
  // The killed run listed each file before placing it: verify (as the next run would) removes
  // those no index row names, and then the folders hold nothing unindexed.
  Outcome orphans = run({"archive", "verify"});
  EXPECT_EQ(orphans.code, 0) << orphans.err;
  EXPECT_TRUE(contains(orphans.err, "files of runs that did not commit")) << orphans.err;
  EXPECT_TRUE(contains(orphans.err, " 0 not in the index")) << orphans.err;

  std::vector<std::string> again(generate.begin() + 3, generate.end());
  const Outcome r = run(again);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::size_t indexed = count_lines(run({"archive", "list", "--format", "csv"}).out) - 1;
  std::size_t files = 0;
  for (const auto &f : fs::recursive_directory_iterator(archive)) {
    files += f.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, indexed) << "every file has its row, and no file is there twice";
  EXPECT_TRUE(!fs::exists(archive / ".placing") || fs::is_empty(archive / ".placing"))
      << "the killed run's list went with its files, the rerun's with its commit";
  const Outcome verify = run({"archive", "verify"});
  EXPECT_EQ(verify.code, 0) << verify.err;
  EXPECT_TRUE(contains(verify.err, "missing or altered, 0 not in the index")) << verify.err;
  EXPECT_TRUE(contains(run({"runs", "--format", "csv"}).out, "interrupted"));
}

INSTANTIATE_TEST_SUITE_P(Cartera, Statements, ::testing::Values("sqlite", "postgresql"));

} // namespace
