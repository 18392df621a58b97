// The statement of account as a PDF (es-CO, A4 portrait), drawn in-process with pango and cairo.
#pragma once

#include "statement.hpp"

#include <string>

namespace cartera::statements {

// The PDF's bytes: the same sections as render_html, tables continued across pages under their
// header row, "Página N de M" on every page. The metadata (title, author, creator "cartera",
// creation date = issued_on) is fixed by the statement, so two renders of one statement match.
// Safe to call from several threads at once: each call draws on a surface of its own and each
// thread shapes text with a font map of its own. Throws std::runtime_error when cairo fails.
std::string render_pdf(const Statement &s);

} // namespace cartera::statements
