#include "statement_golden.hpp"

#include "golden.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cstdlib>
#include <fstream>

namespace cartera::testing {

namespace {

long long centavos(const char *pesos) {
  const std::string s(pesos);
  const bool negative = !s.empty() && s[0] == '-';
  const std::string digits = s.substr(negative ? 1 : 0);
  const std::size_t dot = digits.find('.');
  const long long v = std::stoll(digits.substr(0, dot)) * 100 + std::stoll(digits.substr(dot + 1));
  return negative ? -v : v;
}

} // namespace

void check_statement(const std::string &xml, const std::string &what) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << what;
  const pugi::xml_node changes = doc.child("statement").child("changes");
  long long sum = 0;
  for (const pugi::xml_node c : changes.children("cause")) {
    sum += centavos(c.attribute("amount").value());
  }
  EXPECT_EQ(sum, centavos(changes.attribute("difference").value())) << what;
  EXPECT_EQ(centavos(changes.attribute("amount-due").value()) -
                centavos(changes.attribute("previous-amount-due").value()),
            centavos(changes.attribute("difference").value()))
      << what;
}

void expect_golden_statement(const std::string &out, const std::filesystem::path &golden, const std::string &format,
                             const std::filesystem::path &scratch) {
  expect_golden(out, golden);
  if (format != "xml") {
    return;
  }
  check_statement(out, golden.filename().string());
  const std::filesystem::path file = scratch / "statement-under-test.xml";
  std::ofstream(file, std::ios::binary) << out;
  const std::string schema = std::string(CARTERA_SCHEMA_XML_DIR) + "/statement.xsd";
  EXPECT_EQ(std::system(("xmllint --noout --nonet --schema " + schema + " " + file.string() + " 2>/dev/null").c_str()),
            0)
      << golden.filename().string() << " does not validate against statement.xsd";
}

} // namespace cartera::testing
