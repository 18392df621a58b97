// What every test that builds a statement checks of it: the golden file, the schema, and the
// promise of statement.hpp that the causes add up to the difference.
#pragma once

#include <filesystem>
#include <string>

namespace cartera::testing {

// The causes add up to the difference, and the difference is amount due - previous amount due.
void check_statement(const std::string &xml, const std::string &what);

// out (a generated statement, format "xml" or "html") equals golden byte for byte
// (expect_golden, tests/support/golden.hpp; CARTERA_UPDATE_GOLDEN=1 rewrites it); an XML one
// also validates against statement.xsd (xmllint, through a file in scratch) and passes
// check_statement.
void expect_golden_statement(const std::string &out, const std::filesystem::path &golden, const std::string &format,
                             const std::filesystem::path &scratch);

} // namespace cartera::testing
