// A strict JSON reader (RFC 8259) for the tests that check cartera's JSON output: they parse it
// back and look at values and their types instead of searching the text. Boost's property_tree
// (the one JSON reader the build already has) keeps every value as a string, so it cannot tell
// null from "null" or 7 from "7", which is what the tests check; this reader keeps the kind.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::testing {

struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  struct Member; // a name and its value
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;            // a string's value; a number as written
  std::vector<Json> items;     // an array's
  std::vector<Member> members; // an object's, in the order written

  [[nodiscard]] bool is_null() const { return kind == Kind::kNull; }
  [[nodiscard]] bool is_string() const { return kind == Kind::kString; }
  [[nodiscard]] bool is_number() const { return kind == Kind::kNumber; }
  [[nodiscard]] bool has(std::string_view key) const;
  // An object's member (std::out_of_range when absent or not an object).
  [[nodiscard]] const Json &operator[](std::string_view key) const;
  // An array's item (std::out_of_range past the end or not an array).
  [[nodiscard]] const Json &operator[](std::size_t i) const;
  // An object's members or an array's items.
  [[nodiscard]] std::size_t size() const;
};

struct Json::Member {
  std::string key;
  Json value;
};

inline std::size_t Json::size() const {
  return kind == Kind::kObject ? members.size() : items.size();
}

// The one value text holds, whitespace around it allowed; std::runtime_error naming the byte
// offset on anything else (a trailing comma, an unescaped control character, a lone surrogate,
// a second value, a duplicate key in one object).
Json parse_json(std::string_view text);

} // namespace cartera::testing
