// The statement as the XML document the host validates (schemas/xml/statement.xsd) and archives,
// and its movements as CSV. Deterministic: the same Statement gives the same bytes.
#pragma once

#include "statement.hpp"

#include <string>

namespace cartera::statements {

inline constexpr const char *kStatementNamespace = "urn:cartera:statement:1";

std::string render_xml(const Statement &s);

// One header line, then one line per movement (the opening and closing balances as the first and
// last rows), UTF-8, comma-separated, amounts as 1234.56.
std::string render_csv(const Statement &s);

} // namespace cartera::statements
