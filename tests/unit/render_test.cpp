#include "json.hpp"
#include "runtime/call/render.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace cartera::runtime;

namespace {
std::string render(const std::string &format) {
  std::ostringstream out;
  auto sink = make_sink(format, out, "m", "j");
  sink->columns({{"name", CARTERA_TYPE_TEXT},
                 {"amount", CARTERA_TYPE_CENTAVOS},
                 {"due", CARTERA_TYPE_DATE},
                 {"n", CARTERA_TYPE_INTEGER}});
  sink->row({OwnedValue{CARTERA_TYPE_TEXT, 0, "Pérez, \"Ana\" & <Co>"},
             OwnedValue{CARTERA_TYPE_CENTAVOS, 123456789, ""}, OwnedValue{CARTERA_TYPE_DATE, 20414, ""},
             OwnedValue{CARTERA_TYPE_INTEGER, 7, ""}});
  sink->row({OwnedValue{CARTERA_TYPE_TEXT, 0, "Luz"}, OwnedValue{}, OwnedValue{CARTERA_TYPE_DATE, 0, ""},
             OwnedValue{CARTERA_TYPE_INTEGER, -1, ""}});
  sink->finish();
  return out.str();
}
} // namespace

TEST(Render, CsvQuotesAndKeepsAmountsPlain) {
  EXPECT_EQ(render("csv"),
            "name,amount,due,n\n\"Pérez, \"\"Ana\"\" & <Co>\",1234567.89,2025-11-22,7\nLuz,,1970-01-01,-1\n");
}

// Issue 20 #8: a cell a spreadsheet would run as a formula is neutralised (OWASP: a leading
// single quote, the cell quoted) in every CSV; numbers, negative ones included, stay numbers.
TEST(Render, CsvNeutralisesFormulasButKeepsNumbers) {
  std::ostringstream out;
  auto sink = make_sink("csv", out, "m", "j");
  sink->columns({{"=cmd", CARTERA_TYPE_TEXT}, {"amount", CARTERA_TYPE_CENTAVOS}, {"note", CARTERA_TYPE_TEXT}});
  const auto row = [&](std::string a, std::int64_t cents, std::string b) {
    sink->row({OwnedValue{CARTERA_TYPE_TEXT, 0, std::move(a)}, OwnedValue{CARTERA_TYPE_CENTAVOS, cents, ""},
               OwnedValue{CARTERA_TYPE_TEXT, 0, std::move(b)}});
  };
  row("=HYPERLINK(\"http://x\",\"y\")", -12345, "-123.45");
  row("+57 310", 0, "@SUM(A1)");
  row("-2+3", 1, "\tx");
  row("\rx", 2, "-7");
  row("a=b", 3, "--1");
  row("-", 4, "+1");
  sink->finish();
  EXPECT_EQ(out.str(), "\"'=cmd\",amount,note\n"
                       "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-123.45,-123.45\n"
                       "\"'+57 310\",0.00,\"'@SUM(A1)\"\n"
                       "\"'-2+3\",0.01,\"'\tx\"\n"
                       "\"'\rx\",0.02,-7\n"
                       "a=b,0.03,\"'--1\"\n"
                       "\"'-\",0.04,\"'+1\"\n");
}

TEST(Render, JsonHasAmountsAsStringsAndNulls) {
  const std::string j = render("json");
  EXPECT_NE(j.find("\"name\": \"Pérez, \\\"Ana\\\" & <Co>\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"amount\": \"1234567.89\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"amount\": null"), std::string::npos) << j;
  EXPECT_NE(j.find("\"n\": 7"), std::string::npos) << j;
}

// The same output read back by a JSON parser: an array of one object per row, members in
// column order, amounts and dates as strings, integers as numbers, a NULL as null.
TEST(Render, JsonParsesBackWithTheTypesItPromises) {
  const cartera::testing::Json j = cartera::testing::parse_json(render("json"));
  ASSERT_EQ(j.kind, cartera::testing::Json::Kind::kArray);
  ASSERT_EQ(j.size(), 2U);
  const auto &first = j[0];
  ASSERT_EQ(first.members.size(), 4U);
  EXPECT_EQ(first.members[0].key, "name");
  EXPECT_EQ(first.members[3].key, "n");
  EXPECT_TRUE(first["name"].is_string());
  EXPECT_EQ(first["name"].text, "Pérez, \"Ana\" & <Co>");
  EXPECT_TRUE(first["amount"].is_string());
  EXPECT_EQ(first["amount"].text, "1234567.89");
  EXPECT_TRUE(first["due"].is_string());
  EXPECT_EQ(first["due"].text, "2025-11-22");
  EXPECT_TRUE(first["n"].is_number());
  EXPECT_EQ(first["n"].text, "7");
  const auto &second = j[1];
  EXPECT_TRUE(second["amount"].is_null());
  EXPECT_EQ(second["due"].text, "1970-01-01");
  EXPECT_EQ(second["n"].text, "-1");
}

TEST(Render, XmlEscapesAndSkipsNulls) {
  const std::string x = render("xml");
  EXPECT_NE(x.find("<name>Pérez, &quot;Ana&quot; &amp; &lt;Co&gt;</name>"), std::string::npos) << x;
  EXPECT_NE(x.find("<row><name>Luz</name><due>1970-01-01</due><n>-1</n></row>"), std::string::npos) << x;
  EXPECT_NE(x.find("<result xmlns=\"urn:cartera:result:1\" module=\"m\" job=\"j\">"), std::string::npos);
}

TEST(Render, TableAlignsNumbersRightAndShowsPesosForPeople) {
  const std::string t = render("table");
  EXPECT_NE(t.find("$ 1.234.567,89"), std::string::npos) << t;
  // Characters, not bytes, are counted: with a right-aligned last column every line of the
  // table has the same width even though "Pérez" takes an extra byte.
  std::istringstream in(t);
  std::vector<std::size_t> widths;
  for (std::string line; std::getline(in, line);) {
    std::size_t chars = 0;
    for (unsigned char c : line) {
      chars += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    widths.push_back(chars);
  }
  ASSERT_EQ(widths.size(), 4u);
  for (auto w : widths) {
    EXPECT_EQ(w, widths[0]) << t;
  }
}
