// The camt.053 file as bytes and as an XML document, checked before anything is read from it:
// UTF-8 only, no C0 control character raw or as a character reference, no DOCTYPE or entity,
// well-formed, one Document in a camt.053 namespace. Refusals name the line and the element.
#include "camt053_reader.hpp"

#include <cartera/sdk/text.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace cartera::payments::camt053 {

namespace {

constexpr std::string_view kIsoNamespace = "urn:iso:std:iso:20022:tech:xsd:";
constexpr std::string_view kStatementNamespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.";

} // namespace

// A short, single-line piece of the file from offset, cut on a character boundary.
std::string Camt053Reader::excerpt(std::size_t offset) const {
  if (offset >= bytes_.size()) {
    return {};
  }
  std::size_t end = offset;
  while (end < bytes_.size() && end - offset < 40 && bytes_[end] != '\n' && bytes_[end] != '\r') {
    ++end;
  }
  while (end > offset && end < bytes_.size() && (static_cast<unsigned char>(bytes_[end]) & 0xC0u) == 0x80u) {
    --end;
  }
  return std::string(bytes_.substr(offset, end - offset));
}

// The element a byte offset is inside, by its last start tag: the field of a refusal found by
// scanning bytes before parsing.
std::string Camt053Reader::element_at(std::size_t offset) const {
  const std::size_t open = bytes_.rfind('<', offset);
  if (open == std::string_view::npos || open + 1 >= bytes_.size() || bytes_[open + 1] == '/' ||
      bytes_[open + 1] == '!' || bytes_[open + 1] == '?') {
    return "XML";
  }
  std::size_t end = open + 1;
  while (end < bytes_.size() && !is_xml_space(bytes_[end]) && bytes_[end] != '>' && bytes_[end] != '/') {
    ++end;
  }
  std::string_view name = bytes_.substr(open + 1, end - open - 1);
  if (const std::size_t colon = name.find(':'); colon != std::string_view::npos) {
    name.remove_prefix(colon + 1);
  }
  return name.empty() ? std::string("XML") : std::string(name);
}

// The XML declaration's encoding, when it names one: only UTF-8 is read, and a file that says
// it is something else is not silently read as UTF-8.
void Camt053Reader::check_declared_encoding() const {
  const std::size_t start = bytes_.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  if (bytes_.substr(start, 5) != "<?xml") {
    return;
  }
  const std::size_t end = bytes_.find("?>", start);
  const std::string_view decl = bytes_.substr(start, end == std::string_view::npos ? 200 : end - start);
  const std::size_t at = decl.find("encoding");
  if (at == std::string_view::npos) {
    return;
  }
  const std::size_t q = decl.find_first_of("\"'", at);
  if (q == std::string_view::npos) {
    return; // malformed: pugixml says so
  }
  const std::size_t close = decl.find(decl[q], q + 1);
  const std::string value(decl.substr(q + 1, close == std::string_view::npos ? 0 : close - q - 1));
  std::string upper = value;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
  if (upper != "UTF-8" && upper != "UTF8") {
    throw BankFileError(lines_.line_at(start + at), "encoding", value,
                        "the file declares the encoding " + value +
                            "; cartera reads ISO 20022 files in UTF-8 only (ask the bank for UTF-8, or convert "
                            "the file and its declaration)");
  }
}

// C0 control characters: raw (not XML at all) or as character references, which pugixml would
// decode into the text (&#0; would cut it short). Tab, newline and carriage return are XML's
// own whitespace and pass.
void Camt053Reader::check_control_chars() const {
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes_[i]);
    if (c > '&') {
      continue; // letters, digits, markup: one comparison for almost every byte of a 90 MB file
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      throw BankFileError(lines_.line_at(i), element_at(i), sdk::describe_control_char(c),
                          "control character " + sdk::describe_control_char(c) + " at byte " + std::to_string(i) +
                              ": XML 1.0 allows no C0 control but tab, newline and carriage return");
    }
    if (c != '&' || i + 2 >= bytes_.size() || bytes_[i + 1] != '#') {
      continue;
    }
    const bool hex = bytes_[i + 2] == 'x';
    std::size_t k = i + (hex ? 3 : 2);
    unsigned long value = 0;
    bool digits = false;
    while (k < bytes_.size() && k - i < 16) {
      const char d = bytes_[k];
      int v = -1;
      if (d >= '0' && d <= '9') {
        v = d - '0';
      } else if (hex && d >= 'a' && d <= 'f') {
        v = d - 'a' + 10;
      } else if (hex && d >= 'A' && d <= 'F') {
        v = d - 'A' + 10;
      }
      if (v < 0) {
        break;
      }
      value = value * (hex ? 16 : 10) + static_cast<unsigned long>(v);
      digits = true;
      ++k;
    }
    if (digits && value < 0x20 && value != '\t' && value != '\n' && value != '\r') {
      const std::string ref(bytes_.substr(i, k + 1 - i));
      throw BankFileError(lines_.line_at(i), element_at(i), ref,
                          "character reference " + ref + " is control character " +
                              sdk::describe_control_char(static_cast<unsigned char>(value)) +
                              ": XML 1.0 allows no C0 control but tab, newline and carriage return");
    }
  }
}

void Camt053Reader::check_bytes() const {
  if (bytes_.size() >= 2 &&
      ((bytes_[0] == '\xFF' && bytes_[1] == '\xFE') || (bytes_[0] == '\xFE' && bytes_[1] == '\xFF'))) {
    throw BankFileError(1, "encoding",
                        hex_byte(static_cast<unsigned char>(bytes_[0])) + " " +
                            hex_byte(static_cast<unsigned char>(bytes_[1])),
                        "a UTF-16 byte-order mark: ISO 20022 files are UTF-8 (ask the bank for UTF-8, or convert "
                        "the file)");
  }
  check_declared_encoding();
  if (const std::size_t bad = sdk::first_invalid_utf8(bytes_); bad != std::string_view::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(bytes_[bad])));
    throw BankFileError(lines_.line_at(bad), "encoding", hex,
                        "byte " + std::to_string(bad) + " (" + hex +
                            ") is not UTF-8; ISO 20022 files are UTF-8 (this one was probably saved as Latin-1 "
                            "or Windows-1252)");
  }
  if (const std::size_t nul = bytes_.find('\0'); nul != std::string_view::npos) {
    throw BankFileError(lines_.line_at(nul), "encoding", "0x00",
                        "byte " + std::to_string(nul) + " is NUL: not a UTF-8 XML file (UTF-16?)");
  }
  check_control_chars();
  // pugixml never expands entities (it is used without parse_doctype), but a file that
  // declares them was built to exploit some parser, and camt.053 needs no DTD: refuse it
  // outright, wherever the declaration is.
  std::size_t at = std::string_view::npos;
  std::string field;
  for (const std::string_view marker : {"<!DOCTYPE", "<!ENTITY"}) {
    const std::size_t found = bytes_.find(marker);
    if (found < at) {
      at = found;
      field = std::string(marker.substr(2));
    }
  }
  if (at != std::string_view::npos) {
    throw BankFileError(lines_.line_at(at), field, excerpt(at),
                        "DOCTYPE and entity declarations are refused: camt.053 needs neither, and entities can "
                        "read local files or expand without bound");
  }
}

pugi::xml_node Camt053Reader::load() {
  const pugi::xml_parse_result result =
      doc_.load_buffer(bytes_.data(), bytes_.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, result.offset));
    std::string reason = std::string("malformed XML: ") + result.description();
    // pugixml reports an unclosed document at its last byte; the last line says more there.
    if (offset + 1 >= bytes_.size()) {
      const std::size_t last_line = bytes_.find_last_of('\n', bytes_.empty() ? 0 : bytes_.size() - 2);
      const std::size_t start = last_line == std::string_view::npos ? 0 : last_line + 1;
      throw BankFileError(lines_.line_at(offset), "XML", trim_xml_space(excerpt(start)),
                          reason + " at the end of the file (is it cut short?)");
    }
    throw BankFileError(lines_.line_at(offset), "XML", excerpt(offset), reason);
  }
  // pugixml accepts several top-level elements and stray text; a statement is one Document.
  pugi::xml_node root;
  for (pugi::xml_node c = doc_.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) {
      if (root) {
        refuse(c, std::string(local_name(c.name())), "", "a second top-level element: the file holds one Document");
      }
      root = c;
    } else if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      refuse(c, "XML", trim_xml_space(c.value()).substr(0, 40), "text outside the Document element");
    }
  }
  if (!root) {
    throw BankFileError(0, "Document", "", "the file holds no XML element");
  }
  return root;
}

void Camt053Reader::check_root(pugi::xml_node root) const {
  const std::string_view name = root.name();
  if (local_name(root.name()) != "Document") {
    refuse(root, "Document", std::string(name), "the root element is not an ISO 20022 Document");
  }
  const std::string ns = trim_xml_space(root_namespace(root));
  if (ns.empty()) {
    refuse(root, "Document@xmlns", "", "no namespace: the file does not say it is a camt.053 statement");
  }
  const std::string_view version = std::string_view(ns).substr(std::min(ns.size(), kStatementNamespace.size()));
  if (ns.rfind(kStatementNamespace, 0) == 0 && !version.empty() &&
      std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return;
  }
  std::string reason = "not a camt.053 statement (its namespace is urn:iso:std:iso:20022:tech:xsd:camt.053.001.xx)";
  const std::string iso(kIsoNamespace);
  if (ns.rfind(iso + "camt.054.", 0) == 0) {
    reason = "a camt.054 notification, not a camt.053 statement";
  } else if (ns.rfind(iso + "camt.052.", 0) == 0) {
    reason = "a camt.052 intraday report, not a camt.053 statement";
  }
  refuse(root, "Document@xmlns", ns, reason);
}

} // namespace cartera::payments::camt053
