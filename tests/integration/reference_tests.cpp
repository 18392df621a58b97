// The reference host and the collections module through the cartera binary, on every database
// path: SQLite, PostgreSQL through SOCI, and PostgreSQL and SQLite through ODBC. The same
// export gives the same aging and open items, to the centavo, on each (golden files in
// tests/golden/collections/); a bad export is refused with file, line, column and value and
// leaves the database as it was.
#include "cartera_process.hpp"
#include "module_dir.hpp"
#include "postgres.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using cartera::testing::contains;
using cartera::testing::env_or_empty;
using cartera::testing::have_postgres;
using cartera::testing::ModuleDir;
using cartera::testing::new_postgres_database;
using cartera::testing::Outcome;
using cartera::testing::postgres_url;
using cartera::testing::read_text;

const fs::path kSmallCompany = fs::path(CARTERA_SOURCE_DIR) / "tests/integration/data/small-company";
const fs::path kGolden = fs::path(CARTERA_SOURCE_DIR) / "tests/golden/collections";

class Backends : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    const std::string backend = GetParam();
    const bool postgres = backend == "postgresql" || backend == "odbc-postgresql";
    if (postgres && !have_postgres()) {
      GTEST_SKIP() << "no PostgreSQL server: script/test starts one (script/postgres start)";
    }
    if (backend == "sqlite") {
      url_ = "sqlite3:" + (work_.path() / "cartera.db").string();
    } else if (backend == "postgresql") {
      url_ = postgres_url(new_postgres_database("cartera_t"));
    } else {
      // unixODBC reads user DSNs from $ODBCINI and drivers from $ODBCSYSINI/odbcinst.ini; each
      // test writes its own. DontDLClose keeps a driver mapped until exit, so that sanitizers
      // can name its frames (tests/sanitizers/lsan.supp).
      std::ofstream(work_.path() / "odbcinst.ini") << "[PostgreSQL Unicode]\nDriver=psqlodbcw.so\nDontDLClose=1\n\n"
                                                      "[SQLite3]\nDriver=libsqlite3odbc.so\nDontDLClose=1\n";
      ::setenv("ODBCSYSINI", work_.path().c_str(), 1);
      std::ofstream ini(work_.path() / "odbc.ini");
      if (backend == "odbc-postgresql") {
        ini << "[cartera]\nDriver=PostgreSQL Unicode\nServername=127.0.0.1\nPort="
            << env_or_empty("CARTERA_TEST_PG_PORT") << "\nDatabase=" << new_postgres_database("cartera_t")
            << "\nUsername=cartera\n";
      } else {
        ini << "[cartera]\nDriver=SQLite3\nDatabase=" << (work_.path() / "odbc.db").string() << "\n";
      }
      ini.close();
      ::setenv("ODBCINI", (work_.path() / "odbc.ini").c_str(), 1);
      url_ = "odbc:DSN=cartera";
    }
  }

  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", url_, "--quiet"});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  void import_ok(const fs::path &dir) {
    const Outcome o = run({"host", "import", dir.string()});
    ASSERT_EQ(o.code, 0) << o.err;
  }

  // What the database holds, seen through the product: open items as of two dates.
  std::string snapshot() {
    return run({"collections", "open-items", "--as-of", "2026-11-22", "--format", "csv"}).out +
           run({"collections", "open-items", "--as-of", "2027-01-31", "--format", "csv"}).out;
  }

  // A copy of the small company with one file changed.
  fs::path mutated(const std::string &file, const std::string &from, const std::string &to) {
    const fs::path dir = work_.path() / "bad";
    fs::remove_all(dir);
    fs::copy(kSmallCompany, dir);
    // A new, valid invoice too: if anything of a refused import were written, it would show.
    std::ofstream(dir / "invoices.csv", std::ios::app) << "F11,C1,K1,2026-11-02,2026-11-30,999.00\n";
    if (!from.empty()) {
      std::string text = read_text(dir / file);
      const auto at = text.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      text.replace(at, from.size(), to);
      std::ofstream(dir / file, std::ios::binary | std::ios::trunc) << text;
    }
    return dir;
  }

  ModuleDir work_;
  std::string url_;
};

TEST_P(Backends, SameExportGivesTheGoldenAgingAndOpenItems) {
  import_ok(kSmallCompany);
  ASSERT_EQ(run({"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  const Outcome aging = run({"collections", "aging", "--as-of", "2026-11-22", "--format", "csv"});
  ASSERT_EQ(aging.code, 0) << aging.err;
  EXPECT_EQ(aging.out, read_text(kGolden / "aging-by-customer.csv"));
  const Outcome gnucash = run({"collections", "aging", "--as-of", "2026-11-22", "--buckets", "gnucash", "--group-by",
                               "company", "--format", "csv"});
  EXPECT_EQ(gnucash.out, read_text(kGolden / "aging-gnucash-by-company.csv"));
  const Outcome items = run({"collections", "open-items", "--as-of", "2026-11-22", "--format", "csv"});
  EXPECT_EQ(items.out, read_text(kGolden / "open-items.csv"));
}

TEST_P(Backends, ImportingTheSameFilesTwiceChangesNothing) {
  import_ok(kSmallCompany);
  ASSERT_EQ(run({"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  const std::string before = snapshot();
  const Outcome again = run({"host", "import", kSmallCompany.string()});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "customers 0/3, contracts 0/3, invoices 0/10, payments 0/4, applications 0/3"))
      << again.out;
  EXPECT_EQ(snapshot(), before);
}

TEST_P(Backends, BadExportsAreRefusedWithFileLineColumnAndValueAndChangeNothing) {
  import_ok(kSmallCompany);
  ASSERT_EQ(run({"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  const std::string before = snapshot();
  struct Case {
    std::string file, from, to, expected;
  };
  const std::vector<Case> cases = {
      {"invoices.csv", ",due_date,", ",vence,", "invoices.csv:1: missing column due_date"},
      {"invoices.csv", "F2,C1,K1,2026-10-01", "F2,C1,K1,2026-02-30",
       "invoices.csv:3: column issue_date: '2026-02-30': not a date (YYYY-MM-DD)"},
      {"invoices.csv", "2026-10-22,4000.00", "2026-10-22,-4000.00",
       "invoices.csv:4: column amount: '-4000.00': negative amount"},
      {"invoices.csv", "2026-10-22,4000.00", "2026-10-22,4000.001",
       "invoices.csv:4: column amount: '4000.001': more than two decimals"},
      {"invoices.csv", "2026-10-22,4000.00", "2026-10-22,4.000,00", "invoices.csv:4: 7 fields, the header has 6"},
      {"invoices.csv", "F1,C1,K1,2026-11-01,2026-11-30", "F1,C1,K1,2026-11-01,2026-10-30",
       "invoices.csv:2: column due_date: '2026-10-30': before the issue date 2026-11-01"},
      {"invoices.csv", "F9,C2,K2", "F2,C2,K2",
       "invoices.csv:10: column invoice_id: 'F2': duplicate invoice_id (first on line 3)"},
      {"invoices.csv", "F6,C3,K3", "F6,C9,K3", "invoices.csv:7: column customer_id: 'C9': unknown customer"},
      {"invoices.csv", "F6,C3,K3", "F6,C3,K1",
       "invoices.csv:7: column contract_id: 'K1': the contract belongs to customer C1"},
      {"contracts.csv", "K3,C3", "K3,C9", "contracts.csv:4: column customer_id: 'C9': unknown customer"},
      {"contracts.csv", "individual,Plan Esencial,1", "individual,Plan Esencial,0",
       "contracts.csv:4: column members: '0': a whole number of members, at least 1"},
      {"customers.csv", "900123456-8", "900123456-7",
       "customers.csv:2: column id_number: '900123456-7': check digit 7 is wrong; DIAN's modulus-11 digit for "
       "900123456 is 8"},
      {"customers.csv", "C2,CC", "C2,RUT", "customers.csv:3: column id_type: 'RUT': expected NIT, CC, CE, PA or TI"},
      {"customers.csv",
       "Mar\xC3\xAD"
       "a",
       "Mar\xED"
       "a",
       "customers.csv:3: byte 21 (0xED) is not UTF-8"},
      {"payments.csv", "P1,C3,2026-09-10,1000.00", "P1,C3,2026-09-10,5000.00",
       "payments.csv:2: column amount: '5000.00': payments applied to invoice F7 add up to 5000.00, more than its "
       "amount 3000.00"},
      {"payments.csv", "250.50", "0.00", "payments.csv:5: column amount: '0.00': must be more than zero"},
      {"payments.csv", "P3,C2,2026-11-25,6000.00,PSE,REF-F9,F9", "P3,C2,2026-11-25,6000.00,PSE,REF-F9,F99",
       "payments.csv:4: column invoice_id: 'F99': unknown invoice"},
  };
  for (const auto &c : cases) {
    const fs::path dir = mutated(c.file, c.from, c.to);
    const Outcome o = run({"host", "import", dir.string()});
    EXPECT_EQ(o.code, 3) << c.expected << "\n" << o.err;
    EXPECT_TRUE(contains(o.err, c.expected)) << "expected: " << c.expected << "\ngot: " << o.err;
  }
  // A missing file.
  const fs::path dir = mutated("", "", "");
  fs::remove(dir / "payments.csv");
  const Outcome missing = run({"host", "import", dir.string()});
  EXPECT_EQ(missing.code, 3);
  EXPECT_TRUE(contains(missing.err, "payments.csv: missing")) << missing.err;

  EXPECT_EQ(snapshot(), before) << "a refused import changed the database";
  // The same folder without the mistake imports, F11 included.
  import_ok(mutated("", "", ""));
  EXPECT_NE(snapshot(), before);
}

INSTANTIATE_TEST_SUITE_P(Cartera, Backends, ::testing::Values("sqlite", "postgresql", "odbc-postgresql", "odbc-sqlite"),
                         [](const ::testing::TestParamInfo<std::string> &p) {
                           std::string n = p.param;
                           for (auto &c : n) {
                             c = c == '-' ? '_' : c;
                           }
                           return n;
                         });

TEST(Generator, SameSeedSameFilesAndARealisticPortfolio) {
  ModuleDir a;
  ModuleDir b;
  const auto gen = [](const ModuleDir &d, const std::string &seed) {
    return cartera::testing::run_cartera(d.path(), {"host", "generate", "--customers", "300", "--seed", seed, "--as-of",
                                                    "2026-11-22", "--out", "export"});
  };
  const Outcome first = gen(a, "5");
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_TRUE(contains(first.out, "300 customers, 300 contracts, 7200 invoices")) << first.out;
  ASSERT_EQ(gen(b, "5").code, 0);
  for (const char *f : {"customers.csv", "contracts.csv", "invoices.csv", "payments.csv"}) {
    EXPECT_EQ(read_text(a.path() / "export" / f), read_text(b.path() / "export" / f)) << f;
  }
  ASSERT_EQ(gen(b, "6").code, 0);
  EXPECT_NE(read_text(a.path() / "export/invoices.csv"), read_text(b.path() / "export/invoices.csv"));

  // It imports, and its aging has balances in the current bucket and far in arrears.
  ASSERT_EQ(cartera::testing::run_cartera(a.path(), {"--quiet", "host", "import", "export"}).code, 0);
  ASSERT_EQ(
      cartera::testing::run_cartera(a.path(), {"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  const Outcome aging = cartera::testing::run_cartera(
      a.path(), {"collections", "aging", "--as-of", "2026-11-22", "--group-by", "company", "--format", "csv"});
  ASSERT_EQ(aging.code, 0) << aging.err;
  const std::string total = aging.out.substr(aging.out.find("(total),"));
  // (total),prepayments,current,...
  const std::string current = total.substr(0, total.find(',', total.find(',', 8) + 1));
  EXPECT_FALSE(current.ends_with(",0.00")) << "nothing current: " << total;
  EXPECT_EQ(total.find(",0.00,0.00\n"), std::string::npos) << "nothing far in arrears: " << total;
  EXPECT_TRUE(contains(aging.err, "equal to the sum of open balances")) << aging.err;
}

TEST(CollectionsChart, AgingAsSvgIsWellFormedAndInSpanish) {
  ModuleDir w;
  ASSERT_EQ(cartera::testing::run_cartera(w.path(), {"--quiet", "host", "import", kSmallCompany.string()}).code, 0);
  ASSERT_EQ(
      cartera::testing::run_cartera(w.path(), {"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  const Outcome svg = cartera::testing::run_cartera(
      w.path(), {"collections", "aging", "--as-of", "2026-11-22", "--format", "svg", "--output", "aging.svg"});
  ASSERT_EQ(svg.code, 0) << svg.err;
  const std::string text = read_text(w.path() / "aging.svg");
  EXPECT_TRUE(contains(text, "Cartera por edades al 22/11/2026")) << text;
  EXPECT_TRUE(contains(text, "Total cartera: $ 39.500,00")) << text;
  EXPECT_EQ(std::system(("xmllint --noout --nonet " + (w.path() / "aging.svg").string()).c_str()), 0);
  const Outcome xml = cartera::testing::run_cartera(
      w.path(), {"collections", "aging", "--as-of", "2026-11-22", "--format", "xml", "--output", "aging.xml"});
  ASSERT_EQ(xml.code, 0);
  EXPECT_EQ(std::system(("xmllint --noout --nonet --schema " CARTERA_SCHEMA_XML_DIR "/result.xsd " +
                         (w.path() / "aging.xml").string() + " 2>/dev/null")
                            .c_str()),
            0);
  const Outcome bad =
      cartera::testing::run_cartera(w.path(), {"collections", "aging", "--as-of", "2026-11-22", "--buckets", "60,30"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(contains(bad.err, "--buckets: bucket edges must ascend: 30 after 60")) << bad.err;
}

} // namespace

namespace {

TEST(XmlExport, ImportsToTheSameDataAsTheCsvFiles) {
  ModuleDir w;
  const Outcome xml = cartera::testing::run_cartera(
      w.path(), {"--quiet", "host", "import", (kSmallCompany.parent_path() / "small-company.xml").string()});
  ASSERT_EQ(xml.code, 0) << xml.err;
  const Outcome csv = cartera::testing::run_cartera(w.path(), {"--quiet", "host", "import", kSmallCompany.string()});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_TRUE(contains(csv.out, "customers 0/3, contracts 0/3, invoices 0/10, payments 0/4, applications 0/3"))
      << "the CSV form found something the XML form did not write: " << csv.out;
  ASSERT_EQ(
      cartera::testing::run_cartera(w.path(), {"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  EXPECT_EQ(
      cartera::testing::run_cartera(w.path(), {"collections", "aging", "--as-of", "2026-11-22", "--format", "csv"}).out,
      read_text(kGolden / "aging-by-customer.csv"));
}

TEST(XmlExport, BadDocumentsAreRefusedWithLineAndChangeNothing) {
  ModuleDir w;
  const std::string good = read_text(kSmallCompany.parent_path() / "small-company.xml");
  const auto attempt = [&](const std::string &text) {
    std::ofstream(w.path() / "export.xml", std::ios::binary | std::ios::trunc) << text;
    return cartera::testing::run_cartera(w.path(), {"--quiet", "host", "import", "export.xml"});
  };
  const auto replaced = [&](const std::string &from, const std::string &to) {
    std::string t = good;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  struct Case {
    std::string text, expected;
  };
  const std::vector<Case> cases = {
      {replaced("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"),
       "export.xml:2: documents with a DOCTYPE are refused"},
      {replaced("</payments>", "</payment>"), "export.xml:"},
      {replaced(" amount=\"4000.00\"", ""), "export.xml:24: Element '{urn:cartera:receivables-export:1}invoice': The "
                                            "attribute 'amount' is required but missing"},
      {replaced("amount=\"4000.00\"", "amount=\"-4000.00\""),
       "export.xml:24: invoice/@amount: '-4000.00': negative amount"},
      {replaced("900123456-8", "900123456-7"),
       "export.xml:6: customer/@id_number: '900123456-7': check digit 7 is wrong"},
      {replaced("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""),
       "encoding 'ISO-8859-1' is refused; documents must be UTF-8"},
      {replaced("María", "Mar\xED"
                         "a"),
       "export.xml:"},
  };
  for (const auto &c : cases) {
    const Outcome o = attempt(c.text);
    EXPECT_EQ(o.code, 3) << c.expected << "\n" << o.err;
    EXPECT_TRUE(contains(o.err, c.expected)) << "expected: " << c.expected << "\ngot: " << o.err;
    EXPECT_FALSE(contains(o.err, "root:")) << "an external entity was read";
  }
  // Nothing was written by any of them.
  ASSERT_EQ(
      cartera::testing::run_cartera(w.path(), {"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  const Outcome items = cartera::testing::run_cartera(
      w.path(), {"collections", "open-items", "--as-of", "2027-01-31", "--format", "csv"});
  EXPECT_EQ(items.out, "customer_id,contract_id,invoice_id,due_date,days_past_due,balance\n");
}

} // namespace
