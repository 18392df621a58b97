// The statement of account as one self-contained HTML5 page (es-CO): inline CSS, no scripts,
// no external resources, so it can be mailed, archived or printed as it is.
#pragma once

#include "statement.hpp"

#include <string>

namespace cartera::statements {

// Deterministic: the same statement always gives the same bytes (golden files compare them).
// The markup is also well-formed XML, so XML tools can check it.
std::string render_html(const Statement &s);

} // namespace cartera::statements
