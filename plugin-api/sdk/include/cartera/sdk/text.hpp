// Text for documents and files: XML escaping, CSV fields and UTF-8 checking, the same everywhere.
#pragma once

#include <string>
#include <string_view>

namespace cartera::sdk {

// <, >, &, " escaped (enough for element content and double-quoted attributes). A carriage
// return becomes &#13; (a parser would turn it into a newline), and the C0 controls XML 1.0
// cannot carry at all, even as a character reference (U+0000-U+001F but tab, newline and CR),
// become U+FFFD: what was stored before intake refused them still gives well-formed XML.
std::string xml_escape(std::string_view s);

// ` name="value"`, the value escaped by xml_escape: one attribute of an XML element, with the
// space before it, as the documents modules write put them one after another.
std::string attr(std::string_view name, std::string_view value);

// An RFC 4180 field: quoted, with doubled quotes, when it holds a comma, a quote or a line
// break. Every CSV cartera writes goes through here (the result renderer of every
// `--format csv`, the statements' CSV, the generator's export files).
//
// Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with '=',
// '+', '-', '@', tab or carriage return as a formula. Such a cell is neutralised: prefixed with
// a single quote and quoted ("'=HYPERLINK(...)" -> "\"'=HYPERLINK(...)\""). A plain number is
// left alone, so that amounts stay numbers for the programs that read them: an optional '-',
// digits, and optionally '.' and digits ("-123.45", "-7"); "+1", "-1e3", "-.5" or "--1" are
// not plain numbers and are neutralised.
std::string csv_field(std::string_view s);

// True when csv_field() would prefix s with a quote (exposed for tests and readers).
bool csv_needs_neutralising(std::string_view s) noexcept;

// Offset of the first byte that does not start well-formed UTF-8 (strict: no overlong forms,
// no surrogates, nothing above U+10FFFF, so a Latin-1 file is caught), or npos when all is.
std::size_t first_invalid_utf8(std::string_view s) noexcept;

// Offset of the first C0 control character (U+0000-U+001F) text from outside may not hold, or
// npos: tab is allowed always, newline and carriage return only when allow_line_breaks (a
// multi-line note; a name, a reference or an amount is one line). DEL and C1 are not looked at.
// What every entrance (bank files, the host's import) uses to refuse, naming the offset.
std::size_t first_control_char(std::string_view s, bool allow_line_breaks = false) noexcept;

// "U+001B": a refused control character as people can look it up.
std::string describe_control_char(unsigned char c);

// s for a terminal or a message: every control character (C0 and DEL; newline and tab too when
// !keep_line_breaks) shown as "<U+001B>", so an escape sequence in data never reaches the
// terminal that prints it.
std::string printable(std::string_view s, bool keep_line_breaks = false);

} // namespace cartera::sdk
