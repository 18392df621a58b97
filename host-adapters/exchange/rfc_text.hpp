// Character classes and encodings that the mail and HTTP clients both need (RFC 4648 base64,
// RFC 9110 / RFC 2045 tokens). ASCII only, whatever locale the program set: <cctype> may call é
// alphanumeric in Latin-1.
#pragma once

#include <string>
#include <string_view>

namespace cartera::exchange {

bool is_ascii_alnum(unsigned char c) noexcept;

// A non-empty run of token characters: header names (RFC 9110 §5.6.2) and the parts of a media
// type (RFC 2045 §5.1) share this alphabet.
bool is_rfc_token(std::string_view s) noexcept;

// Base64 with padding, on one line (RFC 4648 §4).
std::string base64(std::string_view bytes);

} // namespace cartera::exchange
