// Result rows as people and programs want them: an aligned table for a terminal (amounts as
// $ 1.234.567,89), or CSV, XML or JSON with amounts as plain decimal strings ("1234567.89")
// so no consumer ever parses money as a float. Raw output (SVG) is passed through.
#pragma once

#include "runtime/call/call.hpp"

#include <memory>
#include <ostream>
#include <string>

namespace cartera::runtime {

// format: table | csv | xml | json, or a raw format (svg, html, pdf) that the module writes
// with emit_output. title names the result in XML (module and job).
std::unique_ptr<ResultSink> make_sink(const std::string &format, std::ostream &out, const std::string &module,
                                      const std::string &job);

// A value as text in the plain (program) form.
std::string plain_text(const OwnedValue &v);

} // namespace cartera::runtime
