// Text for documents and files: XML escaping and CSV fields, the same everywhere.
#pragma once

#include <string>
#include <string_view>

namespace cartera::sdk {

// <, >, &, " escaped (enough for element content and double-quoted attributes).
std::string xml_escape(std::string_view s);

// An RFC 4180 field: quoted, with doubled quotes, only when it holds a comma, a quote or a
// line break.
std::string csv_field(std::string_view s);

} // namespace cartera::sdk
