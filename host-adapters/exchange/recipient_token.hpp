// Recipients' credentials for `cartera serve`: each recipient that answers over HTTP holds a
// bearer token; cartera.xml keeps only its SHA-256 (token-sha256), so a copy of the
// configuration lets nobody answer. Tokens are 256 random bits, so one unsalted hash is enough
// (there is nothing to guess a password from), and the comparison takes the same time
// whatever matches.
#pragma once

#include "runtime/config/config.hpp"

#include <string>
#include <string_view>

namespace cartera::exchange {

// A new token: 32 bytes from OpenSSL's generator, as 64 hex digits.
std::string new_recipient_token();

// The recipient whose token the Authorization header ("Bearer TOKEN") carries; nullptr when
// the header is missing, malformed, or matches none.
const runtime::Recipient *authenticate_recipient(const runtime::Config &config, std::string_view authorization);

} // namespace cartera::exchange
