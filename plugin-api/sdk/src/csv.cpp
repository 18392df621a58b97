#include <cartera/sdk/csv.hpp>

namespace cartera::sdk {

std::string_view without_bom(std::string_view text) noexcept {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

CsvSplit split_csv(std::string_view text) {
  CsvSplit out;
  text = without_bom(text);
  std::size_t line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    // A blank line (LF or CRLF alone) is no record.
    if (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      i += text[i] == '\r' ? 2 : 1;
      ++line;
      continue;
    }
    CsvRecord record;
    record.line = line;
    record.fields.emplace_back();
    bool quoted = false;
    bool was_quoted = false; // the field's closing quote was seen: only a separator may follow
    for (;;) {
      if (i == text.size()) {
        if (quoted) {
          out.error = CsvError{record.line, "a quoted field is not closed"};
          return out;
        }
        break;
      }
      const char c = text[i];
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          record.fields.back() += '"';
          i += 2;
        } else if (c == '"') {
          quoted = false;
          was_quoted = true;
          ++i;
        } else {
          line += c == '\n' ? 1 : 0;
          record.fields.back() += c;
          ++i;
        }
        continue;
      }
      if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
        i += c == '\r' ? 2 : 1;
        ++line;
        break;
      }
      if (c == ',') {
        record.fields.emplace_back();
        was_quoted = false;
      } else if (c == '"' && record.fields.back().empty() && !was_quoted) {
        quoted = true;
      } else if (was_quoted || c == '"') {
        out.error = CsvError{line, was_quoted ? "text after a quoted field's closing quote"
                                              : "a quote inside an unquoted field (quote the whole field)"};
        return out;
      } else {
        record.fields.back() += c;
      }
      ++i;
    }
    out.records.push_back(std::move(record));
  }
  return out;
}

} // namespace cartera::sdk
