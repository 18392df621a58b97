#include "json.hpp"

#include <cstdint>
#include <stdexcept>
#include <utility>

namespace cartera::testing {

namespace {

class Reader {
public:
  explicit Reader(std::string_view text) : s_(text) {}

  Json document() {
    Json v = value(0);
    space();
    if (at_ != s_.size()) {
      fail("a second value after the first");
    }
    return v;
  }

private:
  static constexpr int kMaxDepth = 256;

  [[noreturn]] void fail(const std::string &what) const {
    throw std::runtime_error("JSON: " + what + " at byte " + std::to_string(at_));
  }

  void space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) {
      ++at_;
    }
  }

  [[nodiscard]] char peek() const { return at_ < s_.size() ? s_[at_] : '\0'; }

  void expect(char c) {
    if (peek() != c) {
      fail(std::string("'") + c + "' expected");
    }
    ++at_;
  }

  void literal(std::string_view word) {
    if (s_.substr(at_, word.size()) != word) {
      fail("not a JSON value");
    }
    at_ += word.size();
  }

  Json value(int depth) {
    if (depth > kMaxDepth) {
      fail("nested too deep");
    }
    space();
    Json v;
    switch (peek()) {
    case '{':
      v.kind = Json::Kind::kObject;
      object(v, depth);
      break;
    case '[':
      v.kind = Json::Kind::kArray;
      array(v, depth);
      break;
    case '"':
      v.kind = Json::Kind::kString;
      v.text = string();
      break;
    case 't':
      literal("true");
      v.kind = Json::Kind::kBool;
      v.boolean = true;
      break;
    case 'f':
      literal("false");
      v.kind = Json::Kind::kBool;
      break;
    case 'n':
      literal("null");
      break;
    default:
      v.kind = Json::Kind::kNumber;
      v.text = number();
    }
    return v;
  }

  void object(Json &v, int depth) {
    expect('{');
    space();
    if (peek() == '}') {
      ++at_;
      return;
    }
    for (;;) {
      space();
      if (peek() != '"') {
        fail("a member name expected");
      }
      std::string key = string();
      if (v.has(key)) {
        fail("member \"" + key + "\" twice");
      }
      space();
      expect(':');
      Json item = value(depth + 1);
      v.members.push_back({std::move(key), std::move(item)});
      space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      expect('}');
      return;
    }
  }

  void array(Json &v, int depth) {
    expect('[');
    space();
    if (peek() == ']') {
      ++at_;
      return;
    }
    for (;;) {
      v.items.push_back(value(depth + 1));
      space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      expect(']');
      return;
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  std::string number() {
    const std::size_t start = at_;
    if (peek() == '-') {
      ++at_;
    }
    if (peek() == '0') {
      ++at_;
    } else if (digit(peek())) {
      while (digit(peek())) {
        ++at_;
      }
    } else {
      fail("not a JSON value");
    }
    if (peek() == '.') {
      ++at_;
      if (!digit(peek())) {
        fail("a digit expected after '.'");
      }
      while (digit(peek())) {
        ++at_;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      ++at_;
      if (peek() == '+' || peek() == '-') {
        ++at_;
      }
      if (!digit(peek())) {
        fail("a digit expected in the exponent");
      }
      while (digit(peek())) {
        ++at_;
      }
    }
    return std::string(s_.substr(start, at_ - start));
  }

  std::uint32_t hex4() {
    if (at_ + 4 > s_.size()) {
      fail("four hex digits expected");
    }
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[at_++];
      v <<= 4U;
      if (digit(c)) {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        fail("four hex digits expected");
      }
    }
    return v;
  }

  static void utf8(std::string &out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0U | (cp >> 6U));
      out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0U | (cp >> 12U));
      out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
      out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else {
      out += static_cast<char>(0xF0U | (cp >> 18U));
      out += static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU));
      out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
      out += static_cast<char>(0x80U | (cp & 0x3FU));
    }
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (at_ >= s_.size()) {
        fail("an unterminated string");
      }
      const char c = s_[at_++];
      if (c == '"') {
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        --at_;
        fail("a control character unescaped in a string");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++at_;
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        std::uint32_t cp = hex4();
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (s_.substr(at_, 2) != "\\u") {
            fail("a high surrogate without its low one");
          }
          at_ += 2;
          const std::uint32_t low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) {
            fail("a high surrogate without its low one");
          }
          cp = 0x10000 + ((cp - 0xD800) << 10U) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          fail("a low surrogate alone");
        }
        utf8(out, cp);
        break;
      }
      default:
        --at_;
        fail("an unknown escape");
      }
    }
  }

  std::string_view s_;
  std::size_t at_ = 0;
};

} // namespace

bool Json::has(std::string_view key) const {
  for (const auto &m : members) {
    if (m.key == key) {
      return true;
    }
  }
  return false;
}

const Json &Json::operator[](std::string_view key) const {
  if (kind == Kind::kObject) {
    for (const auto &m : members) {
      if (m.key == key) {
        return m.value;
      }
    }
  }
  throw std::out_of_range("JSON: no member \"" + std::string(key) + "\"");
}

const Json &Json::operator[](std::size_t i) const {
  if (kind != Kind::kArray || i >= items.size()) {
    throw std::out_of_range("JSON: no item " + std::to_string(i));
  }
  return items[i];
}

Json parse_json(std::string_view text) {
  return Reader(text).document();
}

} // namespace cartera::testing
