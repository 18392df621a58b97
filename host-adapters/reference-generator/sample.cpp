#include "reference-generator/sample.hpp"

#include "base/failure.hpp"

#include <cartera/sdk/date.hpp>

#include <algorithm>
#include <charconv>

namespace cartera::reference::sample {

namespace fs = std::filesystem;

OutFile::OutFile(const fs::path &dir, const std::string &name, const std::string &header)
    : tmp_(dir / ("." + name + ".tmp")), final_(dir / name), out_(tmp_, std::ios::binary) {
  if (!out_) {
    runtime::fail("cannot write " + tmp_.string());
  }
  out_ << header;
}

void OutFile::commit() {
  out_.close();
  if (!out_) {
    runtime::fail("cannot write " + tmp_.string());
  }
  fs::rename(tmp_, final_);
}

std::int64_t add_months(std::int64_t days, int months, std::uint32_t day_of_month) {
  sdk::CivilDate c = sdk::civil_from_days(days);
  int m = static_cast<int>(c.month) - 1 + months;
  int y = c.year + (m >= 0 ? m / 12 : (m - 11) / 12);
  m = ((m % 12) + 12) % 12;
  const std::uint32_t dim = sdk::days_in_month(y, static_cast<std::uint32_t>(m + 1));
  return sdk::days_from_civil({y, static_cast<std::uint32_t>(m + 1), std::min(day_of_month, dim)});
}

void append_number(std::string &out, std::uint64_t value, std::size_t width) {
  char digits[24];
  const char *end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  const auto len = static_cast<std::size_t>(end - digits);
  if (len < width) {
    out.append(width - len, '0');
  }
  out.append(digits, len);
}

void flush_if_full(std::string &buf, OutFile &file) {
  if (buf.size() >= kChunk) {
    file.write(buf);
    buf.clear();
  }
}

} // namespace cartera::reference::sample
