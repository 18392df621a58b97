// Colombian identification numbers: NIT with DIAN's modulus-11 check digit, cédulas and the
// other document types customers are registered with.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cartera::sdk {

// The check digit (dígito de verificación) DIAN assigns to a NIT: the digits, right to left,
// weighted 3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71; r = sum mod 11; the digit
// is r when r is 0 or 1, else 11 - r. Returns nullopt for an empty, too long (over 15 digits)
// or non-numeric number.
std::optional<int> nit_check_digit(std::string_view digits) noexcept;

enum class IdType { kNit, kCc, kCe, kPassport, kTi };

std::optional<IdType> parse_id_type(std::string_view text) noexcept; // NIT, CC, CE, PA, TI
const char *id_type_code(IdType t) noexcept;

struct IdCheck {
  bool ok = false;
  std::string normalized; // digits only, and "-D" for a NIT given with its check digit
  std::string error;      // why not, for a message that names the value
};

// Validates an id number of the given type. A NIT may come as "900123456" or "900123456-7";
// with a check digit, the digit must be DIAN's. Dots and spaces ("900.123.456-7") are accepted
// and removed. CC, CE and TI are 3 to 15 digits; a passport 3 to 20 letters and digits.
IdCheck check_id_number(IdType type, std::string_view text);

} // namespace cartera::sdk
