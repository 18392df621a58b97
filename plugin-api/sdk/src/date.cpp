#include <cartera/sdk/date.hpp>

#include <cstdio>

namespace cartera::sdk {

namespace {
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, std::uint32_t &out) noexcept {
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + static_cast<std::uint32_t>(s[i] - '0');
  }
  return true;
}
} // namespace

std::optional<std::int64_t> parse_iso_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  std::uint32_t y = 0;
  std::uint32_t m = 0;
  std::uint32_t d = 0;
  if (!read_digits(text, 0, 4, y) || !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(static_cast<std::int32_t>(y), m)) {
    return std::nullopt;
  }
  return days_from_civil(CivilDate{static_cast<std::int32_t>(y), m, d});
}

std::string format_iso_date(std::int64_t days) {
  const CivilDate c = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::string format_co_date(std::int64_t days) {
  const CivilDate c = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", c.day, c.month, c.year);
  return buf;
}

std::string format_iso_instant_utc(std::int64_t us) {
  const std::int64_t secs = us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000;
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t rem = secs - days * 86400;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lldZ", format_iso_date(days).c_str(),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem % 3600 / 60),
                static_cast<long long>(rem % 60));
  return buf;
}

std::optional<std::int64_t> parse_iso_instant_utc(std::string_view text) noexcept {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  const std::optional<std::int64_t> days = parse_iso_date(text.substr(0, 10));
  std::uint32_t h = 0;
  std::uint32_t m = 0;
  std::uint32_t sec = 0;
  if (!days || !read_digits(text, 11, 2, h) || !read_digits(text, 14, 2, m) || !read_digits(text, 17, 2, sec) ||
      h > 23 || m > 59 || sec > 59) {
    return std::nullopt;
  }
  return (*days * 86400 + std::int64_t{h} * 3600 + std::int64_t{m} * 60 + std::int64_t{sec}) * 1'000'000;
}

} // namespace cartera::sdk
