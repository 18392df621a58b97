// receipts end to end: credit-note requests by hand and for the write-offs the lead approved,
// each with an unsigned DIAN UBL 2.1 credit note inside (validated by the host against the
// shipped OASIS schema as part of the request), delivered by the exchange, answered by
// accounting; and `receipts status` showing where every request to accounting and treasury is.
// On SQLite and on PostgreSQL (skipped when script/test started no server).
#include "cartera_process.hpp"
#include "golden.hpp"
#include "module_dir.hpp"
#include "postgres.hpp"
#include "statement_golden.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>

namespace fs = std::filesystem;
using cartera::testing::backend_url;
using cartera::testing::contains;
using cartera::testing::count_lines;
using cartera::testing::expect_golden_xml;
using cartera::testing::kGoldenDir;
using cartera::testing::kNoPostgres;
using cartera::testing::kTestData;
using cartera::testing::ModuleDir;
using cartera::testing::Outcome;
using cartera::testing::read_text;

namespace {

class Receipts : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    const std::optional<std::string> url = backend_url(GetParam(), "cartera_r");
    if (!url) {
      GTEST_SKIP() << kNoPostgres;
    }
    std::ofstream(work_.path() / "cartera.xml") << R"(<cartera xmlns="urn:cartera:config:1">
  <database url=")" + *url + R"("/>
  <exchange>
    <recipient id="contabilidad" documents="credit-note-request"><folder dir="contabilidad"/></recipient>
    <recipient id="tesoreria" documents="cash-receipt-request"><folder dir="tesoreria"/></recipient>
  </exchange>
  <departments><department id="cartera" name="Cartera"/><department id="sistemas" name="Sistemas"/></departments>
  <users>
    <user id="analista" name="Analista" departments="cartera" roles="analyst"/>
    <user id="coordinador" name="Coordinador" departments="cartera" roles="lead"/>
    <user id="sistemas" name="Sistemas" departments="sistemas cartera" roles="it"/>
)" + cartera::testing::runner_acts_for_everyone() + R"(  </users>
  <module-settings module="org.cartera.receipts">
    <setting key="company-nit" value="800197268"/>
    <setting key="company-name" value="Salud Prepagada del Valle S.A.S."/>
    <setting key="software-id" value="56f2ae4e-9812-4fad-9255-08fcfcd5ccb0"/>
    <setting key="software-pin" value="693ff6f2a553c3646a063436fd4dd9ded0311471"/>
  </module-settings>
</cartera>
)";
    // The small company, its invoices with their CUFE and VAT rate (tests/data/receipts/README.md).
    const fs::path company = work_.path() / "small-company";
    fs::copy(fs::path(CARTERA_SOURCE_DIR) / "tests/integration/data/small-company", company);
    fs::copy_file(kTestData / "receipts/small-company-invoices-dian.csv", company / "invoices.csv",
                  fs::copy_options::overwrite_existing);
    ASSERT_EQ(as("sistemas", {"host", "import", company.string()}).code, 0);
    ASSERT_EQ(as("sistemas", {"modules", "enable", "payments", "--department", "cartera"}).code, 0);
    ASSERT_EQ(as("sistemas", {"modules", "enable", "receipts", "--department", "cartera"}).code, 0);
  }

  Outcome as(const std::string &user, std::vector<std::string> args) {
    args.insert(args.begin(), {"--user", user, "--quiet", "--now", "2026-11-22T18:00:00"});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  std::vector<fs::path> delivered_to(const std::string &folder) {
    std::vector<fs::path> out;
    if (fs::is_directory(work_.path() / folder)) {
      for (const auto &e : fs::directory_iterator(work_.path() / folder)) {
        out.push_back(e.path());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  ModuleDir work_;
};

TEST_P(Receipts, ACreditNoteByHandCarriesTheInvoiceTheConceptTheVatSplitAndASignableDraft) {
  const Outcome r = as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "3", "--amount", "119.00",
                                    "--note", "Descuento pactado por pronto pago", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "request,invoice,reason,total\nNCB1,F2,3,119.00\n");
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  const auto files = delivered_to("contabilidad");
  ASSERT_EQ(files.size(), 1U);
  const std::string doc = read_text(files.front());
  // 119.00 at 19 %: base 100.00, VAT 19.00. --now is Bogotá time, and so is the draft.
  EXPECT_TRUE(contains(doc, R"(<amounts base="100.00" vat="19.00" vat-rate="19.00" total="119.00"/>)")) << doc;
  EXPECT_TRUE(contains(doc, R"(<reason code="3" anexo="1.9" description="Rebaja o descuento parcial o total"/>)"))
      << doc;
  EXPECT_TRUE(contains(doc, R"(<invoice id="F2" customer="C1" cufe="6227bd2e5c4ef139)")) << doc;
  EXPECT_TRUE(contains(doc, R"(<requested-by-hand user="analista")")) << doc;
  EXPECT_TRUE(contains(doc, "<cbc:ID>NCB1</cbc:ID>")) << doc;
  EXPECT_TRUE(contains(doc, "<cbc:IssueDate>2026-11-22</cbc:IssueDate>")) << doc;
  EXPECT_TRUE(contains(doc, "<cbc:IssueTime>18:00:00-05:00</cbc:IssueTime>")) << doc;
  EXPECT_TRUE(std::regex_search(doc, std::regex(R"(<cbc:UUID[^>]*>[0-9a-f]{96}</cbc:UUID>)"))) << doc;
  EXPECT_TRUE(contains(doc, "<cbc:ResponseCode>3</cbc:ResponseCode>")) << doc;

  // Accounting answers with the note it issued; the request is acknowledged.
  const std::string id = files.front().stem().string();
  fs::create_directories(work_.path() / "inbox");
  std::ofstream(work_.path() / "inbox/nc.xml") << R"(<?xml version="1.0" encoding="UTF-8"?>
<acknowledgement xmlns="urn:cartera:acknowledgement:1" document=")" +
                                                      id +
                                                      R"(" from="contabilidad" at="2026-11-23T09:00:00-05:00">
  <accepted number="NC-000777"/>
</acknowledgement>
)";
  ASSERT_EQ(as("sistemas", {"exchange", "receive"}).code, 0);
  const Outcome s = as("analista", {"receipts", "status", "--state", "acknowledged", "--format", "csv"});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_TRUE(contains(s.out, id + ",credit-note-request,manual/")) << s.out;
  EXPECT_TRUE(contains(s.out, ",contabilidad,acknowledged,0,1,")) << s.out;
  EXPECT_TRUE(contains(s.out, ",NC-000777,")) << s.out;

  // The customer's statement shows the note accounting issued, dated by the request, as a
  // credit on the invoice (receipts publishes it for statements); the causes still add up.
  ASSERT_EQ(as("sistemas", {"modules", "enable", "statements", "--department", "cartera"}).code, 0);
  const Outcome st =
      as("analista", {"statements", "generate", "--as-of", "2026-11-30", "--customer", "C1", "--format", "xml"});
  ASSERT_EQ(st.code, 0) << st.err;
  EXPECT_TRUE(contains(st.out, R"(<movement date="2026-11-22" kind="credit-note" document="NC-000777" )"
                               R"(reference="Solicitud 1 · factura F2" description="Nota crédito: Descuento pactado )"
                               R"(por pronto pago" contract="K1" debit="0.00" credit="119.00")"))
      << st.out;
  cartera::testing::check_statement(st.out, "C1's statement with its credit note");
}

// A request accounting has not answered, or rejected, lowers nothing on the statement.
TEST_P(Receipts, ACreditNoteNotIssuedIsNotOnTheStatement) {
  ASSERT_EQ(as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "3", "--amount", "119.00",
                            "--note", "Descuento"})
                .code,
            0);
  ASSERT_EQ(as("sistemas", {"modules", "enable", "statements", "--department", "cartera"}).code, 0);
  const auto statement = [&] {
    const Outcome st =
        as("analista", {"statements", "generate", "--as-of", "2026-11-30", "--customer", "C1", "--format", "xml"});
    EXPECT_EQ(st.code, 0) << st.err;
    return st.out;
  };
  EXPECT_FALSE(contains(statement(), R"(kind="credit-note")")) << "pending: not issued yet";
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  const auto files = delivered_to("contabilidad");
  ASSERT_EQ(files.size(), 1U);
  fs::create_directories(work_.path() / "inbox");
  std::ofstream(work_.path() / "inbox/nc.xml") << R"(<?xml version="1.0" encoding="UTF-8"?>
<acknowledgement xmlns="urn:cartera:acknowledgement:1" document=")" +
                                                      files.front().stem().string() +
                                                      R"(" from="contabilidad" at="2026-11-23T09:00:00-05:00">
  <rejected reason="El descuento no fue aprobado por la gerencia"/>
</acknowledgement>
)";
  ASSERT_EQ(as("sistemas", {"exchange", "receive"}).code, 0);
  EXPECT_FALSE(contains(statement(), R"(kind="credit-note")")) << "rejected: never issued";
}

TEST_P(Receipts, ABadCreditNoteIsRefusedWithWhyAndNothingIsRequested) {
  // Not a concept of the Anexo in use: the message lists the ones that are.
  Outcome r =
      as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "9", "--amount", "10", "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "reason '9' is not a credit-note concept of Anexo 1.9: 1 Devolución")) << r.err;
  // More than the invoice, then more than what is left after a first request.
  r = as("analista",
         {"receipts", "credit-note", "--invoice", "F2", "--reason", "4", "--amount", "2000.01", "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "at most 2000.00 can be credited, not 2000.01")) << r.err;
  ASSERT_EQ(as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "4", "--amount", "1500", "--note",
                            "Ajuste de tarifa"})
                .code,
            0);
  r = as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "4", "--amount", "600", "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "1500.00 is already requested in credit notes: at most 500.00")) << r.err;
  // Unknown invoice; negative amount; the analyst's role is needed.
  r = as("analista", {"receipts", "credit-note", "--invoice", "F99", "--reason", "4", "--amount", "1", "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "invoice 'F99' is not in the host's books")) << r.err;
  r = as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "4", "--amount", "-5", "--note", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "-5.00")) << r.err;
  // Only the one good request exists.
  const Outcome s = as("analista", {"receipts", "status", "--format", "csv"});
  EXPECT_EQ(count_lines(s.out), 2U) << s.out;
}

TEST_P(Receipts, TheCompanysDataIsRequiredBeforeAnyDraft) {
  const std::string original = read_text(work_.path() / "cartera.xml");
  std::ofstream(work_.path() / "cartera.xml")
      << std::regex_replace(original, std::regex(R"(\s*<setting key="software-pin"[^>]*/>)"), "");
  Outcome r =
      as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "4", "--amount", "1", "--note", "x"});
  // A configuration problem (README's exit 3), not a usage error (exit 2 until issue 20).
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "setting 'software-pin' is missing")) << r.err;
  // The same for a setting that is there but unusable.
  std::ofstream(work_.path() / "cartera.xml")
      << std::regex_replace(original, std::regex(R"(<setting key="company-nit" value="[^"]*"/>)"),
                            R"(<setting key="company-nit" value="80019726X"/>)");
  r = as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "4", "--amount", "1", "--note", "x"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "setting 'company-nit'")) << r.err;
}

TEST_P(Receipts, TheLeadsApprovedWriteOffsOweOneCreditNoteEachOnceAndTreasuryItsReceipts) {
  ASSERT_EQ(as("analista", {"payments", "import", (kTestData / "camt053/small-company-differences.xml").string()}).code,
            0);
  ASSERT_EQ(
      as("analista", {"payments", "match", "--rules", (kTestData / "rules/differences-by-size.xml").string()}).code, 0);
  ASSERT_EQ(as("coordinador", {"payments", "approve", "--all"}).code, 0);
  const Outcome w = as("analista", {"receipts", "write-offs", "--format", "csv"});
  ASSERT_EQ(w.code, 0) << w.err;
  // Rounding and GMF were accepted on two payments; withholdings go on the cash receipts.
  EXPECT_EQ(count_lines(w.out), 3U) << w.out;
  EXPECT_TRUE(contains(w.out, "gmf")) << w.out;
  EXPECT_TRUE(contains(w.out, "rounding")) << w.out;
  EXPECT_FALSE(contains(w.out, "rete")) << w.out;
  // Again: nothing new.
  const Outcome again = as("coordinador", {"receipts", "write-offs", "--format", "csv"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(count_lines(again.out), 1U) << again.out;

  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  EXPECT_EQ(delivered_to("contabilidad").size(), 2U);
  EXPECT_EQ(delivered_to("tesoreria").size(), 5U);
  for (const auto &f : delivered_to("contabilidad")) {
    const std::string doc = read_text(f);
    EXPECT_TRUE(contains(doc, R"(source="write-off")")) << doc;
    EXPECT_TRUE(contains(doc, "<approval application=")) << doc;
  }
  const Outcome s = as("analista", {"receipts", "status", "--state", "delivered", "--format", "csv"});
  EXPECT_EQ(count_lines(s.out), 8U) << s.out; // header + 5 receipts + 2 credit notes
}

// Issue 21 #7: every request to accounting and treasury, whole, equals its golden file after
// canonicalisation (tests/golden/receipts/ and tests/golden/payments/), on each database: a
// credit note by hand and the write-offs' credit notes, each with its UBL draft, and the cash
// receipts of payments with differences (withholdings among them). --now fixes every time and
// the CUDE follows from the content; a cash receipt names its bank file by the path the
// analyst gave, under the source tree wherever it is checked out: that path alone is masked.
TEST_P(Receipts, EveryRequestToAccountingAndTreasuryEqualsItsGolden) {
  ASSERT_EQ(as("analista", {"receipts", "credit-note", "--invoice", "F2", "--reason", "3", "--amount", "119.00",
                            "--note", "Descuento pactado por pronto pago"})
                .code,
            0);
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  const auto by_hand = delivered_to("contabilidad");
  ASSERT_EQ(by_hand.size(), 1U);
  expect_golden_xml(read_text(by_hand.front()), kGoldenDir / "receipts/credit-note-request-by-hand.xml");

  ASSERT_EQ(as("analista", {"payments", "import", (kTestData / "camt053/small-company-differences.xml").string()}).code,
            0);
  ASSERT_EQ(
      as("analista", {"payments", "match", "--rules", (kTestData / "rules/differences-by-size.xml").string()}).code, 0);
  ASSERT_EQ(as("coordinador", {"payments", "approve", "--all"}).code, 0);
  ASSERT_EQ(as("analista", {"receipts", "write-offs"}).code, 0);
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  // Named by what each is about, not by the delivery's file name: the invoice of a credit note,
  // the payer and the amount of a cash receipt.
  const std::regex invoice_of(R"re(<invoice id="([^"]+)")re");
  const std::regex payment_of(R"re(<payer customer="([^"]+)"[^>]*/>\s*<payment [^>]*amount="([^"]+)")re");
  std::size_t notes = 0;
  for (const auto &f : delivered_to("contabilidad")) {
    const std::string doc = read_text(f);
    std::smatch m;
    if (f == by_hand.front() || !std::regex_search(doc, m, invoice_of)) {
      continue;
    }
    ++notes;
    expect_golden_xml(doc, kGoldenDir / ("receipts/credit-note-request-write-off-" + m[1].str() + ".xml"));
  }
  EXPECT_EQ(notes, 2U);
  std::size_t receipts = 0;
  for (const auto &f : delivered_to("tesoreria")) {
    const std::string doc = read_text(f);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(doc, m, payment_of)) << doc;
    ++receipts;
    expect_golden_xml(
        doc, kGoldenDir / ("payments/cash-receipt-request-differences-" + m[1].str() + "-" + m[2].str() + ".xml"),
        {cartera::testing::source_dir_mask()});
  }
  EXPECT_EQ(receipts, 5U);
}

INSTANTIATE_TEST_SUITE_P(Cartera, Receipts, ::testing::Values("sqlite", "postgresql"));

} // namespace
