#include <cartera/sdk/text.hpp>

#include <cstdio>

namespace cartera::sdk {

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\r':
      out += "&#13;";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
        out += "\xEF\xBF\xBD"; // U+FFFD: XML 1.0 has no way to write this character
      } else {
        out += c;
      }
    }
  }
  return out;
}

std::string attr(std::string_view name, std::string_view value) {
  std::string out = " "; // appended, not " " + string: g++ 12 -O3 -Wrestrict false positive
  out += name;
  out += "=\"";
  out += xml_escape(value);
  out += '"';
  return out;
}

namespace {
// -?[0-9]+(\.[0-9]+)?
bool plain_number(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '-') {
    s.remove_prefix(1);
  }
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  const auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return digits(whole) && (dot == std::string_view::npos || digits(frac));
}
} // namespace

bool csv_needs_neutralising(std::string_view s) noexcept {
  if (s.empty()) {
    return false;
  }
  switch (s.front()) {
  case '=':
  case '+':
  case '-':
  case '@':
  case '\t':
  case '\r':
    return !plain_number(s);
  default:
    return false;
  }
}

std::string csv_field(std::string_view s) {
  const bool neutralise = csv_needs_neutralising(s);
  if (!neutralise && s.find_first_of(",\"\n\r") == std::string_view::npos) {
    return std::string(s);
  }
  std::string out = neutralise ? "\"'" : "\"";
  for (char c : s) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  return out + "\"";
}

std::size_t first_invalid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      min = 0x10000;
    } else {
      return i;
    }
    unsigned cp = c & (0x3F >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) {
        return i;
      }
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

std::size_t first_control_char(std::string_view s, bool allow_line_breaks) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 || c == '\t') {
      continue;
    }
    if (allow_line_breaks && (c == '\n' || c == '\r')) {
      continue;
    }
    return i;
  }
  return std::string_view::npos;
}

std::string describe_control_char(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

std::string printable(std::string_view s, bool keep_line_breaks) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && !(keep_line_breaks && (c == '\n' || c == '\t'))) || c == 0x7F) {
      out += "<" + describe_control_char(c) + ">";
    } else {
      out += ch;
    }
  }
  return out;
}

} // namespace cartera::sdk
