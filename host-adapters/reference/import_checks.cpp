#include "reference/import_checks.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <cctype>
#include <exception>

namespace cartera::reference {

std::int64_t date_or_refuse(const Rows &f, std::size_t row, const std::string &col) {
  const auto d = sdk::parse_iso_date(f.get(row, col));
  if (!d) {
    f.refuse(row, col, "not a date (YYYY-MM-DD)");
  }
  return *d;
}

std::int64_t amount_or_refuse(const Rows &f, std::size_t row, const std::string &col, bool zero_ok, bool negative_ok) {
  const auto a = sdk::parse_pesos(f.get(row, col), negative_ok);
  if (!a.centavos) {
    f.refuse(row, col, std::string(sdk::describe(a.error)) + "; amounts are pesos with '.' and up to two decimals");
  }
  if (!zero_ok && *a.centavos == 0) {
    f.refuse(row, col, "must be more than zero");
  }
  return *a.centavos;
}

void require_text(const Rows &f, std::size_t row, const std::string &col) {
  if (f.get(row, col).empty()) {
    f.refuse(row, col, "must not be empty");
  }
}

void require_id(const Rows &f, std::size_t row, const std::string &col) {
  const std::string_view v = f.get(row, col);
  if (v.empty() || v.size() > 64) {
    f.refuse(row, col, "an id is 1 to 64 characters");
  }
  for (unsigned char c : v) {
    if (c < 0x20 || c == 0x7F) {
      f.refuse(row, col, "an id has no control characters");
    }
  }
}

long long whole_or_refuse(const Rows &f, std::size_t row, const std::string &col, long long least,
                          const std::string &why) {
  const std::string_view v = f.get(row, col);
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(std::string(v), &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != v.size() || n < least || !std::isdigit(static_cast<unsigned char>(v.front()))) {
    f.refuse(row, col, why);
  }
  return n;
}

void unique_or_refuse(const Rows &f, std::size_t row, const std::string &col,
                      std::unordered_map<std::string_view, std::size_t> &first_line) {
  const std::string_view id = f.get(row, col);
  const auto [it, inserted] = first_line.try_emplace(id, f.line(row));
  if (!inserted) {
    f.refuse(row, col, "duplicate " + col + " (first on line " + std::to_string(it->second) + ")");
  }
}

} // namespace cartera::reference
