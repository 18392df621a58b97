#include "exchange/recipient_token.hpp"

#include "base/failure.hpp"
#include "runtime/files/sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>

namespace cartera::exchange {

std::string new_recipient_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    runtime::fail("the system's random generator gave no bytes for a token");
  }
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

const runtime::Recipient *authenticate_recipient(const runtime::Config &config, std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() || authorization.substr(0, kScheme.size()) != kScheme) {
    return nullptr;
  }
  const std::string digest = runtime::sha256_hex(authorization.substr(kScheme.size()));
  const runtime::Recipient *found = nullptr;
  for (const auto &r : config.recipients) {
    // Every configured token is compared, in constant time, so the answer's timing tells nothing.
    if (r.token_sha256.size() == digest.size() &&
        CRYPTO_memcmp(r.token_sha256.data(), digest.data(), digest.size()) == 0) {
      found = &r;
    }
  }
  return found;
}

} // namespace cartera::exchange
