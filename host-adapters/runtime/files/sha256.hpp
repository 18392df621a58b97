// SHA-256 of bytes and files, as lower-case hex (manifests, documents, the archive).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cartera::runtime {

std::string sha256_hex(std::string_view bytes);
std::string sha256_file_hex(const std::filesystem::path &path);

} // namespace cartera::runtime
