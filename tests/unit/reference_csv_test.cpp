#include "reference/csv_reader.hpp"
#include "runtime/failure.hpp"

#include "module_dir.hpp"

#include <cartera/sdk/text.hpp>

#include <gtest/gtest.h>

using cartera::reference::CsvFile;
using cartera::runtime::Failure;
using cartera::sdk::first_invalid_utf8;

namespace {
struct Csv {
  explicit Csv(const std::string &text) { dir.write_file("x.csv", text); }
  std::string refusal(const std::vector<std::string> &required) {
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
  EXPECT_EQ(Csv("id,name\nA1\n").refusal({"id"}), "x.csv:2: 1 fields, the header has 2");
  EXPECT_EQ(Csv("id\nA1\n").refusal({"id", "name", "city"}), "x.csv:1: missing columns name, city");
  EXPECT_EQ(Csv("id,id\n").refusal({"id"}), "x.csv:1: column 'id' appears twice");
  EXPECT_EQ(Csv("id\n\"A1\n").refusal({"id"}), "x.csv:2: a quoted field is never closed");
  EXPECT_EQ(Csv("").refusal({"id"}), "x.csv:1: empty file; the first line must name the columns");
  EXPECT_EQ(Csv("id,name\nA1,P\xe9rez\n").refusal({"id"}),
            "x.csv:2: byte 5 (0xE9) is not UTF-8; export the file as UTF-8");
}

TEST(Csv, Utf8Validation) {
  EXPECT_EQ(first_invalid_utf8("Pérez ñ €"), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("ab\xC3"), 2u);           // truncated sequence
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);         // overlong
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);     // surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u); // above U+10FFFF
}
