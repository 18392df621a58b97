// The GnuCash host adapter against GnuCash itself (CTest label "gnucash"). Books are built by
// GnuCash's own Python bindings (tests/gnucash/make_book.py); GnuCash's "Receivable Aging"
// report runs headless on them with the date fixed (tests/gnucash/gnucash_aging.py), and its
// engine lists the open invoices (tests/gnucash/gnucash_open_items.py). cartera's aging with
// --buckets gnucash must equal the report cell by cell, and its open items the engine's,
// invoice by invoice: on SQLite books of 30, 1,000 and 10,000 invoices, on a PostgreSQL book,
// through SOCI's native backends and through ODBC. The book's bytes never change.
//
// A book and GnuCash's answers for it are built once per build tree and kept in
// <build>/tests/gnucash-books/<key>/ (a 10,000-invoice book takes GnuCash about 40 s).
#include "cartera_process.hpp"
#include "module_dir.hpp"
#include "postgres.hpp"
#include "runtime/config/config.hpp"
#include "runtime/files/sha256.hpp"
#include "sql/catalog.hpp"
#include "sql/operations.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <unistd.h>

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

const fs::path kScripts = fs::path(CARTERA_SOURCE_DIR) / "tests/gnucash";
const fs::path kBookCache = fs::path(CARTERA_BINARY_DIR) / "tests/gnucash-books";
constexpr const char *kAsOf = "2026-11-22";

void shell(const std::string &cmd) {
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("failed: " + cmd);
  }
}

bool gnucash_installed() {
  return fs::exists("/usr/bin/gnucash-cli") && std::system("/usr/bin/python3 -c 'import gnucash' 2>/dev/null") == 0;
}

struct Book {
  fs::path dir;              // the cache folder: book (SQLite), GnuCash's answers
  std::string gnc_url;       // as GnuCash names it
  std::string cartera_url;   // as cartera's --db names it (native)
  std::string odbc_dsn_line; // the odbc.ini body that reaches the same book
};

// Builds (or finds) a book of n invoices in time zone tz, on SQLite or on PostgreSQL, with
// GnuCash's aging and open items for kAsOf next to it.
Book book(int invoices, const std::string &tz, bool postgres) {
  // The scripts that build the book and read GnuCash's answers name the cache: a change to any
  // of them builds the book again.
  const std::string key =
      std::string(postgres ? "pg" : "sqlite") + "-" + std::to_string(invoices) + "-" +
      (tz == "UTC" ? "utc" : "bogota") + "-" +
      cartera::runtime::sha256_hex(read_text(kScripts / "make_book.py") + read_text(kScripts / "gnucash_aging.py") +
                                   read_text(kScripts / "gnucash_open_items.py"))
          .substr(0, 12);
  Book b;
  b.dir = kBookCache / key;
  if (postgres) {
    // A PostgreSQL book lives only as long as the server script/test started: never cached.
    b.dir = kBookCache / (key + "-" + std::to_string(::getpid()));
    const std::string pg_port = env_or_empty("CARTERA_TEST_PG_PORT");
    const std::string pg_db = new_postgres_database("gnucash_" + std::to_string(invoices) + "_");
    b.gnc_url = "postgres://cartera:x@127.0.0.1:" + pg_port + "/" + pg_db;
    b.cartera_url = postgres_url(pg_db);
    b.odbc_dsn_line = "Driver=PostgreSQL Unicode\nServername=127.0.0.1\nPort=" + pg_port + "\nDatabase=" + pg_db +
                      "\nUsername=cartera\n";
  } else {
    b.gnc_url = "sqlite3://" + (b.dir / "book.gnucash").string();
    b.cartera_url = "sqlite3:" + (b.dir / "book.gnucash").string();
    b.odbc_dsn_line = "Driver=SQLite3\nDatabase=" + (b.dir / "book.gnucash").string() + "\n";
  }
  if (fs::exists(b.dir / "open-items.csv")) {
    return b;
  }
  // Built beside, then renamed into place: a concurrent test process either finds the whole
  // folder or builds its own.
  const fs::path tmp = kBookCache / (key + ".tmp." + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const std::string url = postgres ? b.gnc_url : "sqlite3://" + (tmp / "book.gnucash").string();
  const std::string run = "cd '" + tmp.string() + "' && TZ=" + tz + " /usr/bin/python3 ";
  shell(run + "'" + (kScripts / "make_book.py").string() + "' '" + url + "' --invoices " + std::to_string(invoices) +
        " --as-of " + kAsOf + " --seed 7 > make_book.log 2>&1");
  shell(run + "'" + (kScripts / "gnucash_aging.py").string() + "' '" + url + "' --as-of " + kAsOf +
        " --out aging.csv 2> aging.log");
  shell(run + "'" + (kScripts / "gnucash_open_items.py").string() + "' '" + url + "' --as-of " + kAsOf +
        " --out open-items.csv 2> open-items.log");
  for (const auto &e : fs::directory_iterator(tmp)) {
    if (e.path().filename().string().rfind("book.gnucash.", 0) == 0) {
      fs::remove(e.path()); // GnuCash's transaction logs
    }
  }
  std::error_code ec;
  fs::rename(tmp, b.dir, ec);
  if (ec) {
    fs::remove_all(tmp); // another process got there first
  }
  return b;
}

// cartera's aging CSV in the report's shape: the header says "prepayment", as the harness
// writes it; amounts are already the same plain decimals.
std::string as_report(const std::string &csv) {
  const auto nl = csv.find('\n');
  return "customer_id,prepayment,current,days_0_30,days_31_60,days_61_90,days_91_plus,total" + csv.substr(nl);
}

// Sums of what the catalog's operations return for kAsOf, run as a module would run them.
struct OperationTotals {
  std::map<std::string, std::int64_t> rows;
  std::int64_t invoiced_by_as_of = 0; // invoices issued on or before kAsOf
  std::int64_t paid = 0;
  std::int64_t applied = 0;
  std::int64_t unapplied = 0;
  std::int64_t open = 0;
  std::set<std::string> customers;
  bool contracts_have_customers = true;
};

OperationTotals run_operations(const std::string &url) {
  using cartera::runtime::OwnedValue;
  const fs::path path = fs::path(CARTERA_BINARY_DIR) / "share/cartera/adapters/gnucash/operations.xml";
  const cartera::sql::Catalog catalog = cartera::sql::parse_catalog(read_text(path));
  cartera::sql::Database db = cartera::sql::open_database(url, cartera::sql::Access::kReadOnly);
  cartera::sql::CatalogDataAccess data(db, catalog, {{"utc_shift", cartera::runtime::utc_shift("America/Bogota")}});
  const std::int64_t as_of = *cartera::sdk::parse_iso_date(kAsOf);
  OperationTotals t;
  for (const auto &spec : catalog.operations) {
    auto op = data.prepare(spec.name);
    if (spec.find_param("as_of") != nullptr) {
      OwnedValue v;
      v.type = CARTERA_TYPE_DATE;
      v.i = as_of;
      op->bind("as_of", v);
    }
    op->execute();
    const auto text = [&](std::uint32_t i) {
      const cartera_value v = op->column(i);
      return std::string(v.s.ptr, v.s.len);
    };
    while (op->step()) {
      ++t.rows[spec.name];
      if (spec.name == "customers") {
        t.customers.insert(text(0));
      } else if (spec.name == "contracts") {
        t.contracts_have_customers = t.contracts_have_customers && t.customers.count(text(1)) != 0;
      } else if (spec.name == "invoices" && op->column(3).i <= as_of) {
        t.invoiced_by_as_of += op->column(5).i;
      } else if (spec.name == "payments") {
        t.paid += op->column(3).i;
        t.applied += op->column(4).i;
      } else if (spec.name == "unapplied_payments") {
        t.unapplied += op->column(6).i;
      } else if (spec.name == "open_items") {
        t.open += op->column(5).i;
      }
    }
  }
  return t;
}

// Every operation of the catalog runs, and what they say adds up: invoiced less applied is
// what GnuCash's engine says is open; paid less applied is the prepayments of GnuCash's report.
void expect_operations_agree(const std::string &url, const fs::path &answers, int invoices) {
  const OperationTotals t = run_operations(url);
  // make_book.py: the regular invoices, 2 posted after as-of, ZZ9999's 8 edges and 1 more.
  EXPECT_EQ(t.rows.at("invoices"), invoices + 11);
  EXPECT_EQ(t.rows.count("attach_check"), 0u) << "a book cartera may read has no attach problems";
  EXPECT_TRUE(t.customers.count("ZZ9999") != 0);
  EXPECT_GT(t.rows.at("contracts"), 0);
  EXPECT_TRUE(t.contracts_have_customers);
  std::int64_t engine_open = 0;
  std::istringstream items(read_text(answers / "open-items.csv"));
  std::string line;
  std::getline(items, line);
  while (std::getline(items, line)) {
    engine_open += cartera::sdk::parse_pesos(line.substr(line.rfind(',') + 1)).centavos.value_or(-1);
  }
  EXPECT_EQ(t.open, engine_open);
  EXPECT_EQ(t.invoiced_by_as_of - t.applied, engine_open);
  EXPECT_EQ(t.paid - t.applied, t.unapplied);
  EXPECT_EQ(t.unapplied, 25'000'000) << "C0002's 250,000.00; C0003's is dated after as-of";
}

class GnuCash : public ::testing::Test {
protected:
  void SetUp() override {
    if (!gnucash_installed()) {
      GTEST_SKIP() << "GnuCash 4.13 and python3-gnucash are not installed (script/bootstrap installs them)";
    }
  }

  // Runs cartera on the book, with cartera's own tables in the work folder's cartera.db.
  Outcome run(const std::string &db, std::vector<std::string> args) {
    args.insert(args.begin(), {"--host", "gnucash", "--db", db, "--quiet"});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  void enable(const std::string &db) {
    const Outcome o = run(db, {"modules", "enable", "collections", "--department", "cartera"});
    ASSERT_EQ(o.code, 0) << o.err;
  }

  void compare(const Book &b, const std::string &db) {
    enable(db);
    const Outcome aging =
        run(db, {"collections", "aging", "--as-of", kAsOf, "--buckets", "gnucash", "--format", "csv"});
    ASSERT_EQ(aging.code, 0) << aging.err;
    EXPECT_EQ(as_report(aging.out), read_text(b.dir / "aging.csv"));
    const Outcome items = run(db, {"collections", "open-items", "--as-of", kAsOf, "--format", "csv"});
    ASSERT_EQ(items.code, 0) << items.err;
    EXPECT_EQ(items.out, read_text(b.dir / "open-items.csv"));
  }

  void use_odbc(const Book &b) {
    std::ofstream(work_.path() / "odbcinst.ini") << "[PostgreSQL Unicode]\nDriver=psqlodbcw.so\nDontDLClose=1\n\n"
                                                    "[SQLite3]\nDriver=libsqlite3odbc.so\nDontDLClose=1\n";
    std::ofstream(work_.path() / "odbc.ini") << "[book]\n" << b.odbc_dsn_line;
    ::setenv("ODBCSYSINI", work_.path().c_str(), 1);
    ::setenv("ODBCINI", (work_.path() / "odbc.ini").c_str(), 1);
  }

  ModuleDir work_;
};

TEST_F(GnuCash, AgingAndOpenItemsEqualGnuCashOn30Invoices) {
  const Book b = book(30, "America/Bogota", false);
  compare(b, b.cartera_url);
}

TEST_F(GnuCash, AgingAndOpenItemsEqualGnuCashOn1000Invoices) {
  const Book b = book(1000, "America/Bogota", false);
  compare(b, b.cartera_url);
}

TEST_F(GnuCash, AgingAndOpenItemsEqualGnuCashOn10000Invoices) {
  const Book b = book(10000, "America/Bogota", false);
  compare(b, b.cartera_url);
}

TEST_F(GnuCash, EveryOperationRunsAndTheyAddUp) {
  const Book b = book(1000, "America/Bogota", false);
  expect_operations_agree(b.cartera_url, b.dir, 1000);
}

TEST_F(GnuCash, AgingAndOpenItemsEqualGnuCashThroughOdbcOnSqlite) {
  const Book b = book(1000, "America/Bogota", false);
  use_odbc(b);
  compare(b, "odbc:DSN=book");
}

TEST_F(GnuCash, AgingAndOpenItemsEqualGnuCashOnPostgresql) {
  if (!have_postgres()) {
    GTEST_SKIP() << "no PostgreSQL server: script/test starts one (script/postgres start)";
  }
  const Book b = book(1000, "America/Bogota", true);
  compare(b, b.cartera_url);
  expect_operations_agree(b.cartera_url, b.dir, 1000);
  // The same book through psqlODBC, with a fresh cartera database.
  fs::remove(work_.path() / "cartera.db");
  use_odbc(b);
  compare(b, "odbc:DSN=book");
  fs::remove_all(b.dir);
}

TEST_F(GnuCash, ABookKeptInUtcIsReadInTheZoneTheConfigurationNames) {
  const Book b = book(30, "UTC", false);
  std::ofstream(work_.path() / "cartera.xml")
      << "<cartera xmlns=\"urn:cartera:config:1\"><host adapter=\"gnucash\" time-zone=\"UTC\"/></cartera>\n";
  compare(b, b.cartera_url);
}

TEST_F(GnuCash, TheEdgeCustomerLandsWhereGnuCashPutsIt) {
  // ZZ9999 has one invoice n days past due for n = -1, 0, 29, 30, 59, 60, 89, 90, of 1,000
  // times 2^i, and 300,000 paid only after as-of (tests/gnucash/README.md).
  const Book b = book(30, "America/Bogota", false);
  enable(b.cartera_url);
  const Outcome aging =
      run(b.cartera_url, {"collections", "aging", "--as-of", kAsOf, "--buckets", "gnucash", "--format", "csv"});
  ASSERT_EQ(aging.code, 0) << aging.err;
  EXPECT_TRUE(contains(aging.out, "\nZZ9999,0.00,1000.00,306000.00,24000.00,96000.00,128000.00,555000.00\n"))
      << aging.out;
}

TEST_F(GnuCash, TheBookIsByteForByteUnchanged) {
  const Book b = book(30, "America/Bogota", false);
  const fs::path copy = work_.path() / "book.gnucash";
  fs::copy_file(b.dir / "book.gnucash", copy);
  const std::string before = cartera::runtime::sha256_file_hex(copy);
  const std::string db = "sqlite3:" + copy.string();
  enable(db);
  for (const std::vector<std::string> &args :
       std::vector<std::vector<std::string>>{{"collections", "aging", "--as-of", kAsOf},
                                             {"collections", "aging", "--as-of", kAsOf, "--format", "svg"},
                                             {"collections", "open-items", "--as-of", kAsOf},
                                             {"modules", "list"},
                                             {"runs"}}) {
    const Outcome o = run(db, args);
    EXPECT_EQ(o.code, 0) << o.err;
  }
  EXPECT_EQ(cartera::runtime::sha256_file_hex(copy), before);
  for (const auto &e : fs::directory_iterator(work_.path())) {
    EXPECT_EQ(e.path().filename().string().rfind("book.gnucash-", 0), std::string::npos)
        << "a journal beside the book: " << e.path();
  }
}

TEST_F(GnuCash, ABookGnuCashHasOpenIsRefused) {
  const Book b = book(30, "America/Bogota", false);
  const fs::path copy = work_.path() / "book.gnucash";
  fs::copy_file(b.dir / "book.gnucash", copy);
  shell("sqlite3 '" + copy.string() + "' \"INSERT INTO gnclock VALUES ('contabilidad-pc', 4242)\"");
  const std::string before = cartera::runtime::sha256_file_hex(copy);
  enable("sqlite3:" + copy.string());
  const Outcome o = run("sqlite3:" + copy.string(), {"collections", "aging", "--as-of", kAsOf});
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(contains(o.err, "GnuCash has it open for writing (lock held by process 4242 on contabilidad-pc)"))
      << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(cartera::runtime::sha256_file_hex(copy), before);
}

TEST_F(GnuCash, ABookOfAnotherGnuCashVersionIsRefused) {
  const Book b = book(30, "America/Bogota", false);
  const fs::path copy = work_.path() / "book.gnucash";
  fs::copy_file(b.dir / "book.gnucash", copy);
  shell("sqlite3 '" + copy.string() + "' \"UPDATE versions SET table_version = 3000011 WHERE table_name = 'Gnucash'\"");
  enable("sqlite3:" + copy.string());
  const Outcome o = run("sqlite3:" + copy.string(), {"collections", "aging", "--as-of", kAsOf});
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(contains(o.err, "it was written by GnuCash 3.11, and cartera reads GnuCash 4.x books")) << o.err;
}

TEST_F(GnuCash, WhatIsNotAGnuCashBookIsRefusedAndNothingIsCreated) {
  // An SQLite file, but not a book.
  const fs::path other = work_.path() / "other.db";
  shell("sqlite3 '" + other.string() + "' 'CREATE TABLE t (a)'");
  enable("sqlite3:" + other.string());
  Outcome o = run("sqlite3:" + other.string(), {"collections", "aging", "--as-of", kAsOf});
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(contains(o.err, "is not a gnucash database: ")) << o.err;
  EXPECT_TRUE(contains(o.err, "no such table")) << o.err;

  const fs::path missing = work_.path() / "no-such.gnucash";
  o = run("sqlite3:" + missing.string(), {"collections", "aging", "--as-of", kAsOf});
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(contains(o.err, "cannot open database sqlite3:" + missing.string())) << o.err;
  EXPECT_FALSE(fs::exists(missing));
}

// A module that keeps its own state (payments) works on a read-only book: its tables live in
// cartera's database, the book's invoices are matched by reference, and the book is untouched.
TEST_F(GnuCash, PaymentsAreMatchedAgainstTheBookAndTheBookIsUntouched) {
  const Book b = book(30, "America/Bogota", false);
  const fs::path copy = work_.path() / "book.gnucash";
  fs::copy_file(b.dir / "book.gnucash", copy);
  const std::string before = cartera::runtime::sha256_file_hex(copy);
  const std::string db = "sqlite3:" + copy.string();
  ASSERT_EQ(run(db, {"modules", "enable", "payments", "--department", "cartera"}).code, 0);
  std::ofstream(work_.path() / "extracto.xml") << R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>GC-1</MsgId><CreDtTm>2026-11-22T20:00:00-05:00</CreDtTm></GrpHdr>
<Stmt><Id>GC-20261122</Id><CreDtTm>2026-11-22T20:00:00-05:00</CreDtTm>
<Acct><Id><Othr><Id>0123456789</Id></Othr></Id><Ccy>COP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="COP">1000000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-22</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="COP">1008000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-22</Dt></Dt></Bal>
<Ntry><Amt Ccy="COP">8000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-22</Dt></BookgDt>
<AcctSvcrRef>GC000001</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>ZZ Frontera Ltda.</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>PAGO FACTURA F000036</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
)";
  ASSERT_EQ(run(db, {"payments", "import", (work_.path() / "extracto.xml").string()}).code, 0);
  const Outcome m = run(db, {"--user", "ana", "payments", "match", "--as-of", kAsOf, "--format", "csv"});
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_TRUE(contains(m.out, ",reference,invoice,1,1,8000.00\n")) << m.out;
  ASSERT_EQ(run(db, {"--user", "beto", "payments", "approve", "--all"}).code, 0);
  const Outcome open = run(db, {"payments", "open-items", "--as-of", kAsOf, "--all", "--format", "csv"});
  ASSERT_EQ(open.code, 0) << open.err;
  EXPECT_TRUE(contains(open.out, "ZZ9999,,F000036,2026-10-23,8000.00,8000.00,0.00\n")) << open.out;
  EXPECT_EQ(cartera::runtime::sha256_file_hex(copy), before);
}

TEST_F(GnuCash, WithoutABookTheMessageSaysHowToNameIt) {
  ASSERT_EQ(cartera::testing::run_cartera(
                work_.path(), {"--host", "gnucash", "modules", "enable", "collections", "--department", "cartera"})
                .code,
            0);
  const Outcome o =
      cartera::testing::run_cartera(work_.path(), {"--host", "gnucash", "collections", "aging", "--as-of", kAsOf});
  EXPECT_EQ(o.code, 2);
  EXPECT_TRUE(contains(o.err, "name it with --db or <host adapter=\"gnucash\" database=\"...\"/> in cartera.xml"))
      << o.err;
}

} // namespace
