// Text for documents and files: XML escaping, CSV fields and UTF-8 checking, the same everywhere.
#pragma once

#include <string>
#include <string_view>

namespace cartera::sdk {

// <, >, &, " escaped (enough for element content and double-quoted attributes).
std::string xml_escape(std::string_view s);

// An RFC 4180 field: quoted, with doubled quotes, only when it holds a comma, a quote or a
// line break.
std::string csv_field(std::string_view s);

// Offset of the first byte that does not start well-formed UTF-8 (strict: no overlong forms,
// no surrogates, nothing above U+10FFFF, so a Latin-1 file is caught), or npos when all is.
std::size_t first_invalid_utf8(std::string_view s) noexcept;

} // namespace cartera::sdk
