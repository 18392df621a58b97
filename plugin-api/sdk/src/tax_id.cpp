#include <cartera/sdk/tax_id.hpp>

#include <cctype>

namespace cartera::sdk {

std::optional<int> nit_check_digit(std::string_view digits) noexcept {
  static constexpr int kWeights[] = {3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71};
  if (digits.empty() || digits.size() > std::size(kWeights)) {
    return std::nullopt;
  }
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[digits.size() - 1 - i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    sum += (c - '0') * kWeights[i];
  }
  const int r = sum % 11;
  return r <= 1 ? r : 11 - r;
}

std::optional<IdType> parse_id_type(std::string_view text) noexcept {
  if (text == "NIT") {
    return IdType::kNit;
  }
  if (text == "CC") {
    return IdType::kCc;
  }
  if (text == "CE") {
    return IdType::kCe;
  }
  if (text == "PA") {
    return IdType::kPassport;
  }
  if (text == "TI") {
    return IdType::kTi;
  }
  return std::nullopt;
}

const char *id_type_code(IdType t) noexcept {
  switch (t) {
  case IdType::kNit:
    return "NIT";
  case IdType::kCc:
    return "CC";
  case IdType::kCe:
    return "CE";
  case IdType::kPassport:
    return "PA";
  case IdType::kTi:
    return "TI";
  }
  return "?";
}

namespace {
std::string without_separators(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '.' && c != ' ') {
      out += c;
    }
  }
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !s.empty();
}
} // namespace

IdCheck check_id_number(IdType type, std::string_view text) {
  IdCheck r;
  const std::string s = without_separators(text);
  if (type == IdType::kPassport) {
    bool ok = s.size() >= 3 && s.size() <= 20;
    for (char c : s) {
      ok = ok && std::isalnum(static_cast<unsigned char>(c)) != 0;
    }
    r.ok = ok;
    r.normalized = s;
    r.error = ok ? "" : "a passport number is 3 to 20 letters and digits";
    return r;
  }
  if (type != IdType::kNit) {
    r.ok = all_digits(s) && s.size() >= 3 && s.size() <= 15;
    r.normalized = s;
    r.error = r.ok ? "" : std::string("a ") + id_type_code(type) + " number is 3 to 15 digits";
    return r;
  }
  const auto dash = s.find('-');
  const std::string body = s.substr(0, dash);
  if (!all_digits(body) || body.size() < 5 || body.size() > 15) {
    r.error = "a NIT is 5 to 15 digits, optionally followed by -D (its check digit)";
    return r;
  }
  if (dash == std::string::npos) {
    r.ok = true;
    r.normalized = body;
    return r;
  }
  const std::string given = s.substr(dash + 1);
  if (given.size() != 1 || !all_digits(given)) {
    r.error = "the check digit after '-' must be a single digit";
    return r;
  }
  const int expected = *nit_check_digit(body);
  if (given[0] - '0' != expected) {
    r.error =
        "check digit " + given + " is wrong; DIAN's modulus-11 digit for " + body + " is " + std::to_string(expected);
    return r;
  }
  r.ok = true;
  r.normalized = body + "-" + given;
  return r;
}

} // namespace cartera::sdk
