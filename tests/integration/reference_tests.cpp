// The reference host and the collections module through the cartera binary, on every database
// path: SQLite, PostgreSQL through SOCI, and PostgreSQL and SQLite through ODBC. The same
// export gives the same aging and open items, to the centavo, on each (golden files in
// tests/golden/collections/); a bad export is refused with file, line, column and value and
// leaves the database as it was.
#include "cartera_process.hpp"
#include "golden.hpp"
#include "module_dir.hpp"
#include "postgres.hpp"
#include "runtime/files/sha256.hpp"
#include "sql/catalog.hpp"
#include "sql/operations.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using cartera::testing::contains;
using cartera::testing::env_or_empty;
using cartera::testing::expect_golden;
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
    fs::path dir = work_.path() / "bad";
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
  expect_golden(aging.out, kGolden / "aging-by-customer.csv");
  const Outcome gnucash = run({"collections", "aging", "--as-of", "2026-11-22", "--buckets", "gnucash", "--group-by",
                               "company", "--format", "csv"});
  expect_golden(gnucash.out, kGolden / "aging-gnucash-by-company.csv");
  const Outcome items = run({"collections", "open-items", "--as-of", "2026-11-22", "--format", "csv"});
  expect_golden(items.out, kGolden / "open-items.csv");
}

// collections gathers approved_not_recorded from payments: payments enabled and never run has
// its tables migrated before the aging's transaction opens, and the aging is the same.
TEST_P(Backends, AgingGathersFromAnEnabledPublisherThatNeverRan) {
  import_ok(kSmallCompany);
  ASSERT_EQ(run({"modules", "enable", "collections", "--department", "cartera"}).code, 0);
  ASSERT_EQ(run({"modules", "enable", "payments", "--department", "cartera"}).code, 0);
  const Outcome aging = run({"collections", "aging", "--as-of", "2026-11-22", "--format", "csv"});
  ASSERT_EQ(aging.code, 0) << aging.err;
  expect_golden(aging.out, kGolden / "aging-by-customer.csv");
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
      // An escape sequence in a name would break every statement of a run and colour the
      // terminal of whoever reads the message: refused, and shown, never sent.
      {"customers.csv",
       "Mar\xC3\xAD"
       "a",
       "Mar\x1B[31m\xC3\xAD"
       "a",
       "customers.csv:3: column name: 'Mar<U+001B>[31m\xC3\xAD"
       "a"},
      {"customers.csv", "C2,CC", "C2\x07,CC", "customers.csv:3: column customer_id: 'C2<U+0007>': holds the control"},
      {"payments.csv", "P1,C3,2026-09-10,1000.00", "P1,C3,2026-09-10,5000.00",
       "payments.csv:2: column amount: '5000.00': payments applied to invoice F7 add up to 5000.00, more than its "
       "amount 3000.00"},
      {"payments.csv", "250.50", "0.00", "payments.csv:5: column amount: '0.00': must be more than zero"},
      {"payments.csv", "P3,C2,2026-11-25,6000.00,PSE,REF-F9,F9", "P3,C2,2026-11-25,6000.00,PSE,REF-F9,F99",
       "payments.csv:4: column invoice_id: 'F99': unknown invoice"},
  };
  // The import refuses every one of these while reading the files, the same on every backend:
  // SQLite runs them all; the others every fourth (a start through ODBC costs seconds under
  // the sanitizers), enough to show that a refusal writes nothing there either.
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (GetParam() != "sqlite" && i % 4 != 0) {
      continue;
    }
    const Case &c = cases[i];
    const fs::path dir = mutated(c.file, c.from, c.to);
    const Outcome o = run({"host", "import", dir.string()});
    EXPECT_EQ(o.code, 3) << c.expected << "\n" << o.err;
    EXPECT_TRUE(contains(o.err, c.expected)) << "expected: " << c.expected << "\ngot: " << o.err;
    EXPECT_EQ(o.err.find('\x1b'), std::string::npos) << "an escape reached the terminal";
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
  // company_id,prepayments,current,...,days_over_360,total: the columns summed over the
  // companies' rows (the CSV carries data rows only; the (total) row is the table's).
  std::vector<std::int64_t> sums;
  std::istringstream rows(aging.out.substr(aging.out.find('\n') + 1));
  for (std::string row; std::getline(rows, row);) {
    std::istringstream cells(row.substr(row.find(',') + 1));
    std::size_t i = 0;
    for (std::string cell; std::getline(cells, cell, ','); ++i) {
      sums.resize(std::max(sums.size(), i + 1));
      sums[i] += cartera::sdk::parse_pesos(cell, true).centavos.value();
    }
  }
  ASSERT_GE(sums.size(), 4U) << aging.out;
  EXPECT_NE(sums[1], 0) << "nothing current: " << aging.out;
  EXPECT_FALSE(sums[sums.size() - 2] == 0 && sums.back() == 0) << "nothing far in arrears: " << aging.out;
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
  expect_golden(
      cartera::testing::run_cartera(w.path(), {"collections", "aging", "--as-of", "2026-11-22", "--format", "csv"}).out,
      kGolden / "aging-by-customer.csv");
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
      {replaced("María", "Mar&#27;[31mía"), "export.xml:"},
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

// ---- Members, invoice lines and the statement operations (tests/data/statements/) ----

namespace {

const fs::path kFamilyCompany = fs::path(CARTERA_SOURCE_DIR) / "tests/data/statements/family-company";

// One operation of the reference catalog, run on url as a module runs it: its rows as CSV
// lines under a header (dates ISO, amounts in pesos, NULL as "NULL"). params: text values,
// dates as YYYY-MM-DD.
std::string run_operation(const std::string &url, const std::string &name,
                          const std::map<std::string, std::string> &params) {
  static const cartera::sql::Catalog kCatalog =
      cartera::sql::parse_catalog(read_text(fs::path(CARTERA_SOURCE_DIR) / "host-adapters/reference/operations.xml"));
  cartera::sql::Database db = cartera::sql::open_database(url);
  cartera::sql::CatalogDataAccess data(db, kCatalog);
  const cartera::sql::OperationSpec *spec = kCatalog.find(name);
  if (spec == nullptr) {
    return "no operation " + name;
  }
  auto op = data.prepare(name);
  for (const auto &p : spec->params) {
    cartera::runtime::OwnedValue v;
    v.type = p.type;
    if (p.type == CARTERA_TYPE_DATE) {
      v.i = cartera::sdk::parse_iso_date(params.at(p.name)).value();
    } else {
      v.s = params.at(p.name);
    }
    op->bind(p.name, v);
  }
  op->execute();
  std::string out;
  for (std::uint32_t i = 0; i < op->column_count(); ++i) {
    out += (i == 0 ? "" : ",") + op->column_name(i);
  }
  out += "\n";
  while (op->step()) {
    for (std::uint32_t i = 0; i < op->column_count(); ++i) {
      const cartera_value v = op->column(i);
      out += i == 0 ? "" : ",";
      switch (v.type) {
      case CARTERA_TYPE_NULL:
        out += "NULL";
        break;
      case CARTERA_TYPE_TEXT:
        out.append(v.s.ptr, v.s.len);
        break;
      case CARTERA_TYPE_DATE:
        out += cartera::sdk::format_iso_date(v.i);
        break;
      case CARTERA_TYPE_CENTAVOS:
        out += cartera::sdk::format_pesos_plain(v.i);
        break;
      default:
        out += std::to_string(v.i);
      }
    }
    out += "\n";
  }
  return out;
}

// The statement operations on SQLite and on PostgreSQL (where a server runs).
class ReferenceStatements : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    const auto url = cartera::testing::backend_url(GetParam(), "cartera_st");
    if (!url) {
      GTEST_SKIP() << cartera::testing::kNoPostgres;
    }
    // cartera runs in the work folder; this process opens the same file by its full path.
    url_ = GetParam() == "sqlite" ? "sqlite3:" + (work_.path() / "cartera.db").string() : *url;
  }

  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", url_, "--quiet"});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  std::string op(const std::string &name, const std::map<std::string, std::string> &params) {
    return run_operation(url_, name, params);
  }

  // Everything an import writes from the two new files, and the invoices they hang on.
  std::string snapshot() {
    std::string members;
    {
      cartera::sql::Database db = cartera::sql::open_database(url_);
      soci::rowset<soci::row> rs =
          (db.session->prepare << "SELECT member_id, contract_id, name FROM ref_member ORDER BY member_id");
      for (const auto &r : rs) {
        members += r.get<std::string>(0) + "," + r.get<std::string>(1) + "," + r.get<std::string>(2) + "\n";
      }
    }
    return members + op("statement_invoices", {{"customer", ""}, {"to", "2100-12-31"}}) +
           op("statement_lines", {{"customer", ""}, {"from", "2000-01-01"}, {"to", "2100-12-31"}});
  }

  // A copy of the family company with one text replaced in one file, and a new valid member,
  // invoice and line besides: if anything of a refused import were written, they would show.
  fs::path mutated(const std::string &file, const std::string &from, const std::string &to) {
    fs::path dir = work_.path() / "bad";
    fs::remove_all(dir);
    fs::copy(kFamilyCompany, dir);
    std::ofstream(dir / "members.csv", std::ios::app)
        << "B-0003-02,K-0003,Gloria Inés Díaz Rubio,1961-06-03,2026-02-01,\n";
    std::ofstream(dir / "invoices.csv", std::ios::app) << "FE-10010,C-0003,K-0003,2026-03-01,2026-03-31,640691.00\n";
    std::ofstream(dir / "invoice_lines.csv", std::ios::app)
        << "FE-10010,1,B-0003-01,fee,Plan Integral,60+,Cuota marzo 2026,640691.00\n";
    if (!file.empty()) {
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

TEST_P(ReferenceStatements, TheFamilyCompanyImportsWithItsMembersAndLinesOnceAndForAll) {
  const Outcome first = run({"host", "import", kFamilyCompany.string()});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_TRUE(contains(first.out, "customers 3/3, contracts 3/3, invoices 9/9, payments 8/8, applications 7/7"))
      << first.out;
  const std::string before = snapshot();
  EXPECT_TRUE(contains(before, "B-0001-03,K-0001,Sofía Rojas Ospina\n")) << before;
  EXPECT_EQ(std::count(before.begin(), before.end(), '\n'), 14 + 10 + 44); // members, invoices + header, lines + header
  const Outcome again = run({"host", "import", kFamilyCompany.string()});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "customers 0/3, contracts 0/3, invoices 0/9, payments 0/8, applications 0/7"))
      << again.out;
  EXPECT_EQ(snapshot(), before);
}

TEST_P(ReferenceStatements, EachOperationGivesItsRowsByCustomerWithInclusiveDates) {
  ASSERT_EQ(run({"host", "import", kFamilyCompany.string()}).code, 0);
  EXPECT_EQ(op("statement_customers", {{"customer", ""}}),
            "customer_id,id_type,id_number,name,address,city\n"
            "C-0001,CC,52345678,Luz Marina Ospina Zapata,Carrera 15 # 93-47 Apto 502,Bogotá\n"
            "C-0002,NIT,900456123-1,Transportes del Valle S.A.S.,Calle 10 # 40-21 Bodega 3,Cali\n"
            "C-0003,CC,79456123,Jorge Hernán Quintero Díaz,Calle 52 # 43-18,Medellín\n");
  EXPECT_EQ(op("statement_customers", {{"customer", "C-0002"}}),
            "customer_id,id_type,id_number,name,address,city\n"
            "C-0002,NIT,900456123-1,Transportes del Valle S.A.S.,Calle 10 # 40-21 Bodega 3,Cali\n");
  EXPECT_EQ(op("statement_customers", {{"customer", "C-9999"}}), "customer_id,id_type,id_number,name,address,city\n");

  EXPECT_EQ(op("statement_contracts", {{"customer", ""}}), "customer_id,contract_id,kind,plan,status\n"
                                                           "C-0001,K-0001,familiar,Plan Clásico,activo\n"
                                                           "C-0002,K-0002,colectivo,Plan Esencial,activo\n"
                                                           "C-0003,K-0003,individual,Plan Integral,activo\n");
  EXPECT_EQ(op("statement_contracts", {{"customer", "C-0003"}}),
            "customer_id,contract_id,kind,plan,status\nC-0003,K-0003,individual,Plan Integral,activo\n");

  // Issued on or before 2026-01-01: December's and January's (issued that very day).
  EXPECT_EQ(op("statement_invoices", {{"customer", ""}, {"to", "2026-01-01"}}),
            "customer_id,contract_id,invoice_id,issue_date,due_date,amount\n"
            "C-0001,K-0001,FE-10001,2025-12-01,2025-12-31,328400.00\n"
            "C-0001,K-0001,FE-10004,2026-01-01,2026-01-31,510087.00\n"
            "C-0002,K-0002,FE-10002,2025-12-01,2025-12-31,1162300.00\n"
            "C-0002,K-0002,FE-10005,2026-01-01,2026-01-31,1266905.00\n"
            "C-0003,K-0003,FE-10003,2025-12-01,2025-12-31,862092.00\n"
            "C-0003,K-0003,FE-10006,2026-01-01,2026-01-31,640691.00\n");
  EXPECT_EQ(op("statement_invoices", {{"customer", "C-0001"}, {"to", "2025-12-31"}}),
            "customer_id,contract_id,invoice_id,issue_date,due_date,amount\n"
            "C-0001,K-0001,FE-10001,2025-12-01,2025-12-31,328400.00\n");

  // Paid on or before 2026-02-18: the advance of that day with no invoice is there.
  EXPECT_EQ(op("statement_payments", {{"customer", "C-0001"}, {"to", "2026-02-18"}}),
            "customer_id,payment_id,paid_on,amount,method,reference\n"
            "C-0001,P-20001,2025-12-22,328400.00,PSE,PSE 4471203\n"
            "C-0001,P-20004,2026-01-26,510087.00,PSE,PSE 4502918\n"
            "C-0001,P-20008,2026-02-18,300000.00,PSE,ABONO CUOTA FEBRERO\n");
  EXPECT_EQ(op("statement_payments", {{"customer", "C-0001"}, {"to", "2026-02-17"}}),
            "customer_id,payment_id,paid_on,amount,method,reference\n"
            "C-0001,P-20001,2025-12-22,328400.00,PSE,PSE 4471203\n"
            "C-0001,P-20004,2026-01-26,510087.00,PSE,PSE 4502918\n");

  EXPECT_EQ(op("statement_applications", {{"customer", ""}, {"to", "2026-01-28"}}),
            "customer_id,payment_id,invoice_id,amount\n"
            "C-0001,P-20001,FE-10001,328400.00\n"
            "C-0001,P-20004,FE-10004,510087.00\n"
            "C-0002,P-20002,FE-10002,1162300.00\n"
            "C-0002,P-20005,FE-10005,1266905.00\n"
            "C-0003,P-20003,FE-10003,862092.00\n");
  EXPECT_EQ(op("statement_applications", {{"customer", "C-0002"}, {"to", "2026-02-20"}}),
            "customer_id,payment_id,invoice_id,amount\n"
            "C-0002,P-20002,FE-10002,1162300.00\n"
            "C-0002,P-20005,FE-10005,1266905.00\n"
            "C-0002,P-20007,FE-10008,600000.00\n");

  // January and February of the family: the newborn from January (with the yearly increase),
  // the father's birthday moving him to 45-59 in February.
  const std::string header =
      "customer_id,contract_id,invoice_id,issue_date,line_no,member_id,member_name,concept,plan,age_band,description,"
      "amount\n";
  EXPECT_EQ(op("statement_lines", {{"customer", "C-0001"}, {"from", "2026-01-01"}, {"to", "2026-02-01"}}),
            header +
                "C-0001,K-0001,FE-10004,2026-01-01,1,B-0001-01,Luz Marina Ospina Zapata,fee,Plan Clásico,18-44,Cuota "
                "enero 2026,178978.00\n"
                "C-0001,K-0001,FE-10004,2026-01-01,2,B-0001-02,Andrés Felipe Rojas Castro,fee,Plan Clásico,18-44,Cuota "
                "enero 2026,178978.00\n"
                "C-0001,K-0001,FE-10004,2026-01-01,3,B-0001-03,Sofía Rojas Ospina,fee,Plan Clásico,0-17,Cuota enero "
                "2026,152131.00\n"
                "C-0001,K-0001,FE-10007,2026-02-01,1,B-0001-01,Luz Marina Ospina Zapata,fee,Plan Clásico,18-44,Cuota "
                "febrero 2026,178978.00\n"
                "C-0001,K-0001,FE-10007,2026-02-01,2,B-0001-02,Andrés Felipe Rojas Castro,fee,Plan Clásico,45-59,Cuota "
                "febrero 2026,241620.00\n"
                "C-0001,K-0001,FE-10007,2026-02-01,3,B-0001-03,Sofía Rojas Ospina,fee,Plan Clásico,0-17,Cuota febrero "
                "2026,152131.00\n");
  // The interest line names no member.
  EXPECT_EQ(op("statement_lines", {{"customer", "C-0003"}, {"from", "2026-02-01"}, {"to", "2026-02-28"}}),
            header +
                "C-0003,K-0003,FE-10009,2026-02-01,1,B-0003-01,Jorge Hernán Quintero Díaz,fee,Plan Integral,60+,Cuota "
                "febrero 2026,640691.00\n"
                "C-0003,K-0003,FE-10009,2026-02-01,2,,,interest,Plan Integral,,Intereses de mora factura FE-10003: 19 "
                "días,10919.00\n");
  const std::string february = op("statement_lines", {{"customer", ""}, {"from", "2026-02-01"}, {"to", "2026-02-28"}});
  EXPECT_EQ(std::count(february.begin(), february.end(), '\n'), 1 + 3 + 10 + 2);
  EXPECT_TRUE(contains(february, "C-0001,K-0001,FE-10007,2026-02-01,3,B-0001-03,Sofía Rojas Ospina,fee,Plan Clásico,"
                                 "0-17,Cuota febrero 2026,152131.00\nC-0002,K-0002,FE-10008,2026-02-01,1,"))
      << february;
  EXPECT_TRUE(contains(february, "C-0002,K-0002,FE-10008,2026-02-01,10,B-0002-09,Camilo Andrés Martínez Ospina,"
                                 "adjustment,Plan Esencial,18-44,Prorrata retiro 15/01/2026: 15 de 31 días "
                                 "cubiertos,-55415.00\nC-0003,K-0003,FE-10009,2026-02-01,1,"))
      << february;
  EXPECT_EQ(op("statement_lines", {{"customer", ""}, {"from", "2026-02-02"}, {"to", "2026-02-28"}}), header);

  EXPECT_EQ(op("customer_contacts", {{"customer", ""}}), "customer_id,channel,address,purpose\n"
                                                         "C-0001,email,luzmarina.ospina@correo.com.co,billing\n"
                                                         "C-0001,phone,310 456 7788,billing\n"
                                                         "C-0002,email,tesoreria@transportesdelvalle.com.co,billing\n"
                                                         "C-0002,phone,602 555 0144,billing\n"
                                                         "C-0003,phone,315 220 1093,billing\n");
  EXPECT_EQ(op("customer_contacts", {{"customer", "C-0003"}}),
            "customer_id,channel,address,purpose\nC-0003,phone,315 220 1093,billing\n");
}

// Every customer's rows are each customer's rows, one customer after another: what lets a
// module walk them side by side.
TEST_P(ReferenceStatements, AllCustomersAreEachCustomerInTurn) {
  ASSERT_EQ(run({"host", "import", kFamilyCompany.string()}).code, 0);
  const std::vector<std::map<std::string, std::string>> dated = {
      {}, {{"to", "2026-02-17"}}, {{"to", "2026-02-17"}}, {{"from", "2025-12-01"}, {"to", "2026-02-28"}}, {}};
  const std::vector<std::string> names = {"statement_customers", "statement_invoices", "statement_payments",
                                          "statement_lines", "customer_contacts"};
  for (std::size_t k = 0; k < names.size(); ++k) {
    std::map<std::string, std::string> params = dated[k];
    params["customer"] = "";
    const std::string all = op(names[k], params);
    std::string one_by_one = all.substr(0, all.find('\n') + 1);
    for (const char *customer : {"C-0001", "C-0002", "C-0003"}) {
      params["customer"] = customer;
      const std::string mine = op(names[k], params);
      one_by_one += mine.substr(mine.find('\n') + 1);
    }
    EXPECT_EQ(all, one_by_one) << names[k];
    EXPECT_GT(std::count(all.begin(), all.end(), '\n'), 3) << names[k];
  }
}

TEST_P(ReferenceStatements, AnExportWithoutMembersOrLinesImportsAsBeforeAndHasNoLines) {
  ASSERT_EQ(run({"host", "import", kSmallCompany.string()}).code, 0);
  EXPECT_EQ(op("statement_lines", {{"customer", ""}, {"from", "2000-01-01"}, {"to", "2100-12-31"}}),
            "customer_id,contract_id,invoice_id,issue_date,line_no,member_id,member_name,concept,plan,age_band,"
            "description,amount\n");
  // F10 names no contract: its contract_id is empty.
  EXPECT_TRUE(contains(op("statement_invoices", {{"customer", "C1"}, {"to", "2100-12-31"}}),
                       "C1,K1,F1,2026-11-01,2026-11-30,1000.00\nC1,,F10,2026-12-01,2026-12-31,700.50\n"));
}

TEST_P(ReferenceStatements, BadMembersAndLinesAreRefusedWithExit3AndChangeNothing) {
  ASSERT_EQ(run({"host", "import", kFamilyCompany.string()}).code, 0);
  const std::string before = snapshot();
  struct Case {
    std::string file, from, to, expected;
  };
  const std::vector<Case> cases = {
      // The database holds lines already: the sum is checked with them, after writing, and undone.
      {"invoice_lines.csv", "0-17,Cuota febrero 2026,152131.00", "0-17,Cuota febrero 2026,152132.00",
       "invoice_lines.csv:32: column amount: '152132.00': the lines of invoice FE-10007 add up to 572730.00, its "
       "amount is 572729.00 (with the lines already imported)"},
      {"invoice_lines.csv", "FE-10001,1,B-0001-01", "FE-10001,1,B-0001-09",
       "invoice_lines.csv:2: column member_id: 'B-0001-09': unknown member (not in members.csv nor in the database)"},
      {"invoice_lines.csv", "FE-10001,1,B-0001-01", "FE-10001,1,B-0002-01",
       "invoice_lines.csv:2: column member_id: 'B-0002-01': the member belongs to contract K-0002, the invoice to "
       "K-0001"},
      {"invoice_lines.csv", "FE-10001,2,B-0001-02", "FE-10001,1,B-0001-02",
       "invoice_lines.csv:3: column line_no: '1': duplicate line 1 of invoice FE-10001 (first on line 2)"},
      {"invoice_lines.csv", "Cuota diciembre 2025,164200.00", "Cuota diciembre 2025,164200.001",
       "invoice_lines.csv:2: column amount: '164200.001': more than two decimals"},
      {"invoice_lines.csv", "Cuota diciembre 2025,164200.00", "Cuota diciembre 2025,$164200",
       "invoice_lines.csv:2: column amount: '$164200': "},
      {"invoice_lines.csv", "FE-10001,1,", "FE-19999,1,",
       "invoice_lines.csv:2: column invoice_id: 'FE-19999': unknown invoice (not in invoices.csv nor in the database)"},
      {"invoice_lines.csv", "FE-10001,1,B-0001-01,fee", "FE-10001,1,B-0001-01,cuota",
       "invoice_lines.csv:2: column concept: 'cuota': expected fee, adjustment, interest or other"},
      {"invoice_lines.csv", "FE-10001,1,", "FE-10001,0,",
       "invoice_lines.csv:2: column line_no: '0': a whole line number, at least 1"},
      {"members.csv", "B-0001-01,K-0001", "B-0001-01,K-0009",
       "members.csv:2: column contract_id: 'K-0009': unknown contract (not in contracts.csv nor in the database)"},
      {"members.csv", "2021-07-01,2026-01-15", "2021-07-01,2020-01-15",
       "members.csv:13: column left_on: '2020-01-15': before the day the member joined, 2021-07-01"},
      // An invoice's amount changed while its lines (in the database) did not.
      {"invoices.csv", "2026-02-28,572729.00", "2026-02-28,572730.00",
       "invoices.csv:8: column amount: '572730.00': the lines of invoice FE-10007 add up to 572729.00, its amount is "
       "572730.00 (with the lines already imported)"},
  };
  for (const auto &c : cases) {
    const fs::path dir = mutated(c.file, c.from, c.to);
    if (c.file == "invoices.csv") {
      fs::remove(dir / "invoice_lines.csv"); // the lines stay as imported
    }
    const Outcome o = run({"host", "import", dir.string()});
    EXPECT_EQ(o.code, 3) << c.expected << "\n" << o.err;
    EXPECT_TRUE(contains(o.err, c.expected)) << "expected: " << c.expected << "\ngot: " << o.err;
  }
  EXPECT_EQ(snapshot(), before) << "a refused import changed the database";
  // The same folder without a mistake imports, the new member, invoice and line included.
  const Outcome good = run({"host", "import", mutated("", "", "").string()});
  ASSERT_EQ(good.code, 0) << good.err;
  const std::string after = snapshot();
  EXPECT_TRUE(contains(after, "B-0003-02,K-0003,Gloria Inés Díaz Rubio\n")) << after;
  EXPECT_TRUE(contains(after, "FE-10010,2026-03-01,1,B-0003-01,")) << after;
}

INSTANTIATE_TEST_SUITE_P(Cartera, ReferenceStatements, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string> &p) { return p.param; });

TEST(ReferenceStatementsXml, TheXmlFormImportsTheSameMembersAndLines) {
  ModuleDir w;
  const std::string url = "sqlite3:" + (w.path() / "cartera.db").string();
  const auto import = [&](const fs::path &what) {
    return cartera::testing::run_cartera(w.path(), {"--db", url, "--quiet", "host", "import", what.string()});
  };
  const Outcome xml = import(kFamilyCompany.parent_path() / "family-company.xml");
  ASSERT_EQ(xml.code, 0) << xml.err;
  const std::string lines =
      run_operation(url, "statement_lines", {{"customer", ""}, {"from", "2000-01-01"}, {"to", "2100-12-31"}});
  const Outcome csv = import(kFamilyCompany);
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_TRUE(contains(csv.out, "customers 0/3, contracts 0/3, invoices 0/9, payments 0/8, applications 0/7"))
      << csv.out;
  EXPECT_EQ(run_operation(url, "statement_lines", {{"customer", ""}, {"from", "2000-01-01"}, {"to", "2100-12-31"}}),
            lines);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 44);

  // A refusal names the element and attribute.
  ModuleDir fresh;
  std::string text = read_text(kFamilyCompany.parent_path() / "family-company.xml");
  text.replace(text.find("amount=\"152131.00\"/>\n    <invoice-line invoice_id=\"FE-10008\""), 18,
               "amount=\"152131.10\"");
  std::ofstream(fresh.path() / "bad.xml", std::ios::binary) << text;
  const Outcome bad = cartera::testing::run_cartera(fresh.path(), {"--quiet", "host", "import", "bad.xml"});
  EXPECT_EQ(bad.code, 3) << bad.err;
  EXPECT_TRUE(contains(bad.err, "bad.xml:83: invoice-line/@amount: '152131.10': the lines of invoice FE-10007 add up "
                                "to 572729.10, its amount is 572729.00"))
      << bad.err;
}

// The files `host generate` writes without --members, as they were before members existed:
// the tests and goldens built on generated companies depend on these bytes.
TEST(ReferenceGenerator, WithoutMembersTheFilesAreTheBytesTheyWereBefore) {
  ModuleDir d;
  const Outcome o = cartera::testing::run_cartera(d.path(), {"host", "generate", "--customers", "40", "--seed", "21",
                                                             "--months", "6", "--as-of", "2026-11-22", "--out", "x"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(cartera::runtime::sha256_file_hex(d.path() / "x/customers.csv"),
            "b4a9ab46dbe8178e376b735432851bcbc6112fe0c61347dca22310502c961444");
  EXPECT_EQ(cartera::runtime::sha256_file_hex(d.path() / "x/contracts.csv"),
            "93733fa0f9db38949902766c81cf182f84b0b774f7a16702f701d6ec7a4f368f");
  EXPECT_EQ(cartera::runtime::sha256_file_hex(d.path() / "x/invoices.csv"),
            "dca5ff30d725a8175c02f931694d303aca15a956561d7e54b74327155b693202");
  EXPECT_EQ(cartera::runtime::sha256_file_hex(d.path() / "x/payments.csv"),
            "74d2343afa4a465c9029de323bf09fa8b585fb10b5c68db847bc544ad3cc0118");
  EXPECT_FALSE(fs::exists(d.path() / "x/members.csv"));
  EXPECT_FALSE(fs::exists(d.path() / "x/invoice_lines.csv"));
}

// A generated CSV file (no quoted fields in these) as rows of fields, header dropped.
std::vector<std::vector<std::string>> csv_rows(const fs::path &file) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_text(file));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1) {
      fields.push_back(line.substr(start, comma - start));
    }
    fields.push_back(line.substr(start));
    rows.push_back(std::move(fields));
  }
  return rows;
}

std::int64_t pesos(const std::string &text) {
  return cartera::sdk::parse_pesos(text, true).centavos.value();
}

int age_on(const std::string &born, const std::string &day) {
  int age = std::stoi(day.substr(0, 4)) - std::stoi(born.substr(0, 4));
  return day.substr(5) < born.substr(5) ? age - 1 : age;
}

TEST(ReferenceGenerator, WithMembersEveryInvoiceIsTheSumOfItsLinesAndMembersComeGoAndAge) {
  ModuleDir d;
  const auto gen = [&](const std::string &out, bool members) {
    std::vector<std::string> args = {"host",     "generate", "--customers", "100",        "--seed", "3",
                                     "--months", "12",       "--as-of",     "2026-11-22", "--out",  out};
    if (members) {
      args.emplace_back("--members");
    }
    return cartera::testing::run_cartera(d.path(), args);
  };
  const Outcome o = gen("m", true);
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "100 customers, 100 contracts, 1200 invoices")) << o.out;
  EXPECT_TRUE(contains(o.out, " members, ")) << o.out;
  ASSERT_EQ(gen("again", true).code, 0);
  ASSERT_EQ(gen("plain", false).code, 0);
  for (const char *f :
       {"customers.csv", "contracts.csv", "invoices.csv", "payments.csv", "members.csv", "invoice_lines.csv"}) {
    EXPECT_EQ(read_text(d.path() / "m" / f), read_text(d.path() / "again" / f)) << f << ": the same seed, other bytes";
  }
  // The members' own stream leaves the customers as they are without --members.
  EXPECT_EQ(read_text(d.path() / "m/customers.csv"), read_text(d.path() / "plain/customers.csv"));

  const auto members = csv_rows(d.path() / "m/members.csv");
  const auto lines = csv_rows(d.path() / "m/invoice_lines.csv");
  const auto invoices = csv_rows(d.path() / "m/invoices.csv");
  const auto contracts = csv_rows(d.path() / "m/contracts.csv");
  const auto payments = csv_rows(d.path() / "m/payments.csv");
  ASSERT_EQ(invoices.size(), 1200u);
  EXPECT_EQ(payments.size(), csv_rows(d.path() / "plain/payments.csv").size());

  struct MemberRow {
    std::string contract, born, joined, left;
  };
  std::map<std::string, MemberRow> member;
  const std::string first_issue = "2025-12-01";
  std::size_t joins = 0;
  std::size_t leaves = 0;
  for (const auto &m : members) {
    ASSERT_EQ(m.size(), 6u);
    member[m[0]] = MemberRow{m[1], m[3], m[4], m[5]};
    joins += m[4] > first_issue ? 1 : 0;
    leaves += m[5].empty() ? 0 : 1;
  }
  EXPECT_GE(joins, 1u) << "nobody joined in a year";
  EXPECT_GE(leaves, 1u) << "nobody left in a year";

  // Each contract counts the members it has on the as-of date.
  for (const auto &k : contracts) {
    std::size_t active = 0;
    for (const auto &[id, m] : member) {
      active += m.contract == k[0] && m.joined <= "2026-11-22" && (m.left.empty() || m.left >= "2026-11-22") ? 1 : 0;
    }
    EXPECT_EQ(std::to_string(std::max<std::size_t>(active, 1)), k[4]) << k[0];
  }

  struct InvoiceRow {
    std::string contract, issue;
    std::int64_t amount = 0;
    std::int64_t lines = 0;
  };
  std::map<std::string, InvoiceRow> invoice;
  for (const auto &i : invoices) {
    invoice[i[0]] = InvoiceRow{i[2], i[3], pesos(i[5]), 0};
  }
  std::map<std::string, std::map<std::string, std::string>> band_by_member_and_issue;
  std::map<std::string, std::size_t> concepts;
  for (const auto &l : lines) {
    ASSERT_EQ(l.size(), 8u);
    InvoiceRow &inv = invoice.at(l[0]);
    inv.lines += pesos(l[7]);
    ++concepts[l[3]];
    if (l[3] != "fee") {
      continue;
    }
    const MemberRow &m = member.at(l[2]);
    EXPECT_EQ(m.contract, inv.contract) << l[2];
    EXPECT_LE(m.joined, inv.issue) << l[2] << " billed before joining";
    EXPECT_TRUE(m.left.empty() || m.left >= inv.issue) << l[2] << " billed after leaving";
    const int age = age_on(m.born, inv.issue);
    const std::string band = age < 18 ? "0-17" : age < 45 ? "18-44" : age < 60 ? "45-59" : "60+";
    EXPECT_EQ(l[5], band) << l[2] << " on " << inv.issue;
    band_by_member_and_issue[l[2]][inv.issue] = l[5];
  }
  for (const auto &[id, inv] : invoice) {
    EXPECT_EQ(inv.lines, inv.amount) << id << ": its lines do not add up to it";
  }
  EXPECT_GT(concepts["fee"], 1200u);
  EXPECT_GE(concepts["adjustment"], 1u);
  EXPECT_GE(concepts["interest"], 1u);
  std::size_t band_changes = 0;
  for (const auto &[id, bands] : band_by_member_and_issue) {
    std::string previous;
    for (const auto &[issue, band] : bands) {
      band_changes += !previous.empty() && band != previous ? 1 : 0;
      previous = band;
    }
  }
  EXPECT_GE(band_changes, 1u) << "no birthday moved anyone to another band";

  // Payments follow the invoices' new amounts: never above them, and most pay them exactly.
  std::size_t exact = 0;
  for (const auto &p : payments) {
    const std::int64_t paid = pesos(p[3]);
    EXPECT_LE(paid, invoice.at(p[6]).amount) << p[0];
    exact += paid == invoice.at(p[6]).amount ? 1 : 0;
  }
  EXPECT_GT(exact, payments.size() / 2);

  // And the company imports as it is.
  const Outcome imported = cartera::testing::run_cartera(d.path(), {"--quiet", "host", "import", "m"});
  EXPECT_EQ(imported.code, 0) << imported.err;
}

} // namespace
