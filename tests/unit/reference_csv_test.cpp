#include "base/failure.hpp"
#include "reference/csv_reader.hpp"
#include "reference/import.hpp"
#include "sql/database.hpp"

#include "module_dir.hpp"

#include <cartera/sdk/text.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using cartera::reference::CsvFile;
using cartera::runtime::Failure;
using cartera::sdk::first_invalid_utf8;

namespace {
struct Csv {
  explicit Csv(const std::string &text) { dir.write_file("x.csv", text); }
  std::string reference_refusal(const std::vector<std::string> &required) {
    try {
      CsvFile f(dir.path() / "x.csv", required);
    } catch (const Failure &e) {
      EXPECT_EQ(e.code(), cartera::runtime::ExitCode::kInputRefused);
      return e.what();
    }
    return "";
  }
  cartera::testing::ModuleDir dir;
};
} // namespace

TEST(Csv, ReadsQuotedFieldsWithCommasQuotesAndNewlinesAndKeepsExtraColumns) {
  Csv c("\xEF\xBB\xBFid,name,note\r\nA1,\"Pérez, \"\"Ana\"\"\",\"two\nlines\"\r\n\r\nA2,Luz,\n");
  CsvFile f(c.dir.path() / "x.csv", {"id", "name"});
  ASSERT_EQ(f.rows(), 2u);
  EXPECT_EQ(f.get(0, "name"), "Pérez, \"Ana\"");
  EXPECT_EQ(f.extra(0), "note=two\nlines\n");
  EXPECT_EQ(f.line(1), 5u);
  EXPECT_EQ(f.get(1, "id"), "A2");
}

TEST(Csv, RefusalsNameFileLineAndWhat) {
  EXPECT_EQ(Csv("id,name\nA1\n").reference_refusal({"id"}), "x.csv:2: 1 fields, the header has 2");
  EXPECT_EQ(Csv("id\nA1\n").reference_refusal({"id", "name", "city"}), "x.csv:1: missing columns name, city");
  EXPECT_EQ(Csv("id,id\n").reference_refusal({"id"}), "x.csv:1: column 'id' appears twice");
  EXPECT_EQ(Csv("id\n\"A1\n").reference_refusal({"id"}), "x.csv:2: a quoted field is never closed");
  EXPECT_EQ(Csv("").reference_refusal({"id"}), "x.csv:1: empty file; the first line must name the columns");
  EXPECT_EQ(Csv("id,name\nA1,P\xe9rez\n").reference_refusal({"id"}),
            "x.csv:2: byte 5 (0xE9) is not UTF-8; export the file as UTF-8");
}

// Issue 20 item 7: C0 controls found for refusals at intake, and never written into XML.
TEST(Text, ControlCharactersAreFoundAndNeverReachXml) {
  using cartera::sdk::first_control_char;
  EXPECT_EQ(first_control_char("a\tb"), std::string_view::npos);
  EXPECT_EQ(first_control_char("ab\x1B[31m"), 2u);
  EXPECT_EQ(first_control_char(std::string_view("a\0b", 3)), 1u);
  EXPECT_EQ(first_control_char("a\nb"), 1u);
  EXPECT_EQ(first_control_char("a\r\nb", true), std::string_view::npos);
  EXPECT_EQ(first_control_char("\x7F\xC2\x85"), std::string_view::npos); // DEL and C1 are not C0
  EXPECT_EQ(cartera::sdk::describe_control_char(0x1B), "U+001B");
  EXPECT_EQ(cartera::sdk::xml_escape(std::string_view("a\x1B<\0\r\n\t", 7)), "a\xEF\xBF\xBD&lt;\xEF\xBF\xBD&#13;\n\t");
}

TEST(Csv, Utf8Validation) {
  EXPECT_EQ(first_invalid_utf8("Pérez ñ €"), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("ab\xC3"), 2u);           // truncated sequence
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);         // overlong
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);     // surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u); // above U+10FFFF
}

// ---- members.csv and invoice_lines.csv, read and imported in process (SQLite) ----

namespace {

namespace fs = std::filesystem;
const fs::path kFamilyCompany = fs::path(CARTERA_SOURCE_DIR) / "tests/data/statements/family-company";
const fs::path kSmallCompany = fs::path(CARTERA_SOURCE_DIR) / "tests/integration/data/small-company";

// A scratch copy of the family company, with one text replaced in one file.
fs::path family_copy(const cartera::testing::ModuleDir &dir, const std::string &file, const std::string &from,
                     const std::string &to) {
  fs::path copy = dir.path() / "export";
  fs::remove_all(copy);
  fs::copy(kFamilyCompany, copy);
  if (!file.empty()) {
    std::string text = cartera::testing::read_text(copy / file);
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(copy / file, std::ios::binary | std::ios::trunc) << text;
  }
  return copy;
}

struct ReferenceDb {
  explicit ReferenceDb(const cartera::testing::ModuleDir &dir)
      : db(cartera::sql::open_database("sqlite3:" + (dir.path() / "c.db").string())) {
    cartera::sql::migrate(db, "reference", CARTERA_SCHEMA_SQL_DIR, "2026-02-20T12:00:00Z");
  }
  cartera::reference::ImportReport import(const fs::path &dir) {
    const auto files = cartera::reference::read_csv_export(dir);
    return cartera::reference::import_export(db, files, [](std::uint64_t, std::uint64_t, const std::string &) {});
  }
  std::string reference_refusal(const fs::path &dir) {
    try {
      import(dir);
    } catch (const Failure &e) {
      EXPECT_EQ(e.code(), cartera::runtime::ExitCode::kInputRefused);
      return e.what();
    }
    return "";
  }
  long long count(const std::string &sql) {
    long long n = 0;
    *db.session << sql, soci::into(n);
    return n;
  }
  cartera::sql::Database db;
};

} // namespace

TEST(ReferenceCsv, AnExportWithoutMembersOrLinesReadsThemAsNoRows) {
  const auto files = cartera::reference::read_csv_export(kSmallCompany);
  EXPECT_EQ(files.members->rows(), 0u);
  EXPECT_EQ(files.invoice_lines->rows(), 0u);
  const auto family = cartera::reference::read_csv_export(kFamilyCompany);
  EXPECT_EQ(family.members->rows(), 14u);
  EXPECT_EQ(family.invoice_lines->rows(), 43u);
  EXPECT_EQ(family.invoice_lines->get(40, "amount"), "-55415.00");
}

TEST(ReferenceImport, MembersAndLinesAreWrittenCountedAndKeepTheirSign) {
  cartera::testing::ModuleDir dir;
  ReferenceDb ref(dir);
  const auto first = ref.import(kFamilyCompany);
  EXPECT_EQ(first.members.read, 14u);
  EXPECT_EQ(first.members.written, 14u);
  EXPECT_EQ(first.invoice_lines.read, 43u);
  EXPECT_EQ(first.invoice_lines.written, 43u);
  EXPECT_EQ(ref.count("SELECT amount FROM ref_invoice_line WHERE invoice_id = 'FE-10008' AND line_no = 10"), -5541500);
  EXPECT_EQ(ref.count("SELECT COUNT(*) FROM ref_invoice_line WHERE member_id IS NULL"), 1); // the interest line
  EXPECT_EQ(ref.count("SELECT COUNT(*) FROM ref_member WHERE left_on IS NULL"), 13);
  // Every invoice is the sum of its lines.
  EXPECT_EQ(ref.count("SELECT COUNT(*) FROM ref_invoice i WHERE i.amount <> "
                      "(SELECT SUM(amount) FROM ref_invoice_line l WHERE l.invoice_id = i.invoice_id)"),
            0);
  const auto again = ref.import(kFamilyCompany);
  EXPECT_EQ(again.members.written, 0u);
  EXPECT_EQ(again.invoice_lines.written, 0u);
  // A corrected description is one changed row.
  const auto changed = ref.import(
      family_copy(dir, "invoice_lines.csv", "Cuota febrero 2026,640691.00", "Cuota febrero de 2026,640691.00"));
  EXPECT_EQ(changed.invoice_lines.written, 1u);
}

TEST(ReferenceImport, LinesThatDoNotAddUpAreRefusedBeforeAnythingIsWritten) {
  cartera::testing::ModuleDir dir;
  ReferenceDb ref(dir);
  EXPECT_EQ(ref.reference_refusal(family_copy(dir, "invoice_lines.csv", "0-17,Cuota febrero 2026,152131.00",
                                              "0-17,Cuota febrero 2026,152132.00")),
            "invoice_lines.csv:32: column amount: '152132.00': the lines of invoice FE-10007 add up to 572730.00, its "
            "amount is 572729.00");
  EXPECT_EQ(ref.count("SELECT COUNT(*) FROM ref_customer"), 0);
  EXPECT_EQ(ref.count("SELECT COUNT(*) FROM ref_member"), 0);
}

TEST(ReferenceImport, ALineNumberTwiceIsRefusedWhereverItComes) {
  cartera::testing::ModuleDir dir;
  ReferenceDb ref(dir);
  // Line 1 of FE-10001 again, among FE-10002's lines: out of order, and adding nothing.
  EXPECT_EQ(ref.reference_refusal(family_copy(dir, "invoice_lines.csv", "FE-10002,4,",
                                              "FE-10001,1,B-0001-02,fee,Plan Clásico,18-44,Cuota,0.00\nFE-10002,4,")),
            "invoice_lines.csv:7: column line_no: '1': duplicate line 1 of invoice FE-10001 (first on line 2)");
  EXPECT_EQ(ref.count("SELECT COUNT(*) FROM ref_invoice"), 0);
}

TEST(ReferenceImport, MembersAreCheckedAsTheOtherFilesAre) {
  cartera::testing::ModuleDir dir;
  ReferenceDb ref(dir);
  EXPECT_EQ(ref.reference_refusal(family_copy(dir, "members.csv", "B-0001-01,K-0001", "B-0001-01,K-0009")),
            "members.csv:2: column contract_id: 'K-0009': unknown contract (not in contracts.csv nor in the database)");
  EXPECT_EQ(ref.reference_refusal(family_copy(dir, "members.csv", "B-0002-10,", "B-0002-09,")),
            "members.csv:14: column member_id: 'B-0002-09': duplicate member_id (first on line 13)");
  EXPECT_EQ(ref.reference_refusal(family_copy(dir, "members.csv", "Sofía Rojas Ospina,2025-12-09,2026-01-01",
                                              "Sofía Rojas Ospina,2026-01-01,2025-12-09")),
            "members.csv:4: column birth_date: '2026-01-01': after the day the member joined, 2025-12-09");
  EXPECT_EQ(ref.reference_refusal(family_copy(dir, "members.csv", "2021-07-01,2026-01-15", "2021-07-01,2020-01-15")),
            "members.csv:13: column left_on: '2020-01-15': before the day the member joined, 2021-07-01");
  EXPECT_EQ(ref.reference_refusal(family_copy(dir, "members.csv", "1958-02-17", "1958-02-30")),
            "members.csv:15: column birth_date: '1958-02-30': not a date (YYYY-MM-DD)");
  EXPECT_EQ(ref.count("SELECT COUNT(*) FROM ref_member"), 0);
}
