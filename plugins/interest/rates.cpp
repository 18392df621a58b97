#include "rates.hpp"

#include <cartera/sdk/csv.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace cartera::interest {

namespace {

constexpr std::array<std::string_view, 6> kColumns = {"from",          "to",         "bank_rate_ea",
                                                      "usury_rate_ea", "resolution", "source"};
constexpr std::int32_t kMaxRate = 100000; // 1000 % E.A.: anything above is a typo
// The SFC certified each period for a month, a quarter, or (July-August 2017) two months: a
// longer one is a typo (a "to" of 2100 would block every later certification).
constexpr std::int64_t kLongestPeriodDays = 92;

std::string where(const std::string &name, std::size_t line) {
  return name + ":" + std::to_string(line) + ": ";
}

std::int32_t parse_rate(std::string_view text, const std::string &at, std::string_view field) {
  const std::string_view dot = text.size() >= 3 ? text.substr(text.size() - 3, 1) : std::string_view{};
  const sdk::ParsedAmount a = sdk::parse_pesos(text);
  if (!a.centavos || dot != ".") {
    throw RateFileError(at + "field '" + std::string(field) + "': '" + std::string(text) +
                        "' is not a percentage with two decimals (25.55)");
  }
  if (*a.centavos <= 0 || *a.centavos >= kMaxRate) {
    throw RateFileError(at + "field '" + std::string(field) + "': '" + std::string(text) +
                        "' is not a plausible E.A. rate (more than 0 and less than 1000)");
  }
  return static_cast<std::int32_t>(*a.centavos);
}

std::int64_t parse_day(std::string_view text, const std::string &at, std::string_view field) {
  const std::optional<std::int64_t> d = sdk::parse_iso_date(text);
  if (!d) {
    throw RateFileError(at + "field '" + std::string(field) + "': '" + std::string(text) +
                        "' is not a date (YYYY-MM-DD)");
  }
  return *d;
}

std::string period_text(const RatePeriod &p) {
  return sdk::format_iso_date(p.from) + ".." + sdk::format_iso_date(p.to);
}

} // namespace

std::vector<RatePeriod> parse_rate_file(std::string_view text, const std::string &name) {
  if (const std::size_t bad = sdk::first_invalid_utf8(text); bad != std::string_view::npos) {
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
    throw RateFileError(where(name, static_cast<std::size_t>(line)) + "not UTF-8 (byte " + std::to_string(bad) +
                        " of the file); save it as UTF-8");
  }
  // Comment lines ('#' first, outside a quoted field) are blanked before the split, so that
  // they may hold anything and the line numbers stay the file's.
  std::string uncommented(text);
  bool in_quotes = false;
  for (std::size_t start = 0; start < uncommented.size();) {
    std::size_t end = uncommented.find('\n', start);
    end = end == std::string::npos ? uncommented.size() : end;
    const bool skip = start == 0 ? uncommented.compare(0, 4, "\xEF\xBB\xBF#") == 0 || uncommented[0] == '#'
                                 : uncommented[start] == '#';
    if (!in_quotes && skip) {
      std::fill(uncommented.begin() + static_cast<std::ptrdiff_t>(start),
                uncommented.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    } else {
      in_quotes ^= (std::count(uncommented.begin() + static_cast<std::ptrdiff_t>(start),
                               uncommented.begin() + static_cast<std::ptrdiff_t>(end), '"') %
                    2) != 0;
    }
    start = end + 1;
  }
  const sdk::CsvSplit split = sdk::split_csv(uncommented);
  if (split.error) {
    throw RateFileError(where(name, split.error->line) + split.error->reason);
  }
  std::vector<RatePeriod> out;
  bool header_seen = false;
  for (const sdk::CsvRecord &record : split.records) {
    const std::vector<std::string> *fields = &record.fields;
    if (fields->size() == 1 && fields->front().find_first_not_of(' ') == std::string::npos) {
      continue; // a comment line, blanked above
    }
    const std::string at = where(name, record.line);
    if (!header_seen) {
      for (std::size_t i = 0; i < kColumns.size(); ++i) {
        if (i >= fields->size() || (*fields)[i] != kColumns[i]) {
          throw RateFileError(at + "the header must be from,to,bank_rate_ea,usury_rate_ea,resolution,source; column " +
                              std::to_string(i + 1) + " is '" + (i < fields->size() ? (*fields)[i] : "") + "'");
        }
      }
      header_seen = true;
      continue;
    }
    if (fields->size() != kColumns.size()) {
      throw RateFileError(at + std::to_string(fields->size()) + " fields, not " + std::to_string(kColumns.size()));
    }
    RatePeriod p;
    p.from = parse_day((*fields)[0], at, "from");
    p.to = parse_day((*fields)[1], at, "to");
    p.bank_rate = parse_rate((*fields)[2], at, "bank_rate_ea");
    p.usury_rate = parse_rate((*fields)[3], at, "usury_rate_ea");
    p.resolution = (*fields)[4];
    p.source = (*fields)[5];
    if (p.to < p.from) {
      throw RateFileError(at + "field 'to': '" + (*fields)[1] + "' is before 'from' " + (*fields)[0]);
    }
    if (p.usury_rate < p.bank_rate) {
      throw RateFileError(at + "field 'usury_rate_ea': '" + (*fields)[3] + "' is below the bank rate " + (*fields)[2]);
    }
    if (p.to - p.from + 1 > kLongestPeriodDays) {
      throw RateFileError(at + "field 'to': '" + (*fields)[1] + "' makes a period of " +
                          std::to_string(p.to - p.from + 1) + " days; the SFC certifies a month or a quarter at most");
    }
    // Código Penal art. 305 and C.Co. art. 884: the usury rate is 1.5 times the certified bank
    // rate. Published figures are that product rounded or cut to two decimals: 2u is 3b, or
    // one hundredth either side.
    if (const std::int64_t off = 2LL * p.usury_rate - 3LL * p.bank_rate; off < -1 || off > 1) {
      throw RateFileError(at + "field 'usury_rate_ea': '" + (*fields)[3] + "' is not 1.5 times the bank rate " +
                          (*fields)[2] + " (" + format_rate(static_cast<std::int32_t>((3LL * p.bank_rate + 1) / 2)) +
                          ", C.Co. art. 884)");
    }
    if (p.source.empty()) {
      throw RateFileError(at + "field 'source' is empty: say where the certification was read");
    }
    if (!out.empty() && p.from != out.back().to + 1) {
      throw RateFileError(at + "field 'from': '" + (*fields)[0] + "' does not follow the previous period " +
                          period_text(out.back()) + (p.from <= out.back().to ? " (overlap)" : " (gap)"));
    }
    out.push_back(std::move(p));
  }
  if (!header_seen) {
    throw RateFileError(name + ": no header (from,to,bank_rate_ea,usury_rate_ea,resolution,source)");
  }
  if (out.empty()) {
    throw RateFileError(name + ": no rate periods");
  }
  return out;
}

RateTable::RateTable(std::vector<RatePeriod> periods) : periods_(std::move(periods)) {
  std::sort(periods_.begin(), periods_.end(), [](const RatePeriod &a, const RatePeriod &b) { return a.from < b.from; });
  for (std::size_t i = 1; i < periods_.size(); ++i) {
    if (periods_[i].from != periods_[i - 1].to + 1) {
      throw std::invalid_argument("rate periods " + period_text(periods_[i - 1]) + " and " + period_text(periods_[i]) +
                                  (periods_[i].from <= periods_[i - 1].to ? " overlap" : " leave a gap"));
    }
  }
}

const RatePeriod *RateTable::find(std::int64_t day) const noexcept {
  auto it = std::upper_bound(periods_.begin(), periods_.end(), day,
                             [](std::int64_t d, const RatePeriod &p) { return d < p.from; });
  if (it == periods_.begin()) {
    return nullptr;
  }
  --it;
  return day <= it->to ? &*it : nullptr;
}

std::string RateTable::why_not_addable(const std::vector<RatePeriod> &more) const {
  if (more.empty() || periods_.empty()) {
    return {};
  }
  // The table is contiguous: a period overlaps it exactly when it meets its whole span.
  for (const RatePeriod &p : more) {
    if (p.from <= periods_.back().to && p.to >= periods_.front().from) {
      const RatePeriod *clash = find(std::max(p.from, periods_.front().from));
      return "the period " + period_text(p) + " overlaps the certified period " + period_text(*clash) + " (" +
             clash->origin + ")";
    }
  }
  if (more.front().from > periods_.back().to + 1) {
    return "the file starts on " + sdk::format_iso_date(more.front().from) + " but the table ends on " +
           sdk::format_iso_date(periods_.back().to) + ": the days between would have no rate";
  }
  if (more.back().to + 1 < periods_.front().from) {
    return "the file ends on " + sdk::format_iso_date(more.back().to) + " but the table starts on " +
           sdk::format_iso_date(periods_.front().from) + ": the days between would have no rate";
  }
  return {};
}

std::string month_of(std::int64_t day) {
  return sdk::format_iso_date(day).substr(0, 7);
}

std::int64_t daily_rate_e10(std::int32_t ea_hundredths, std::int32_t year_base) {
  const long double ea = static_cast<long double>(ea_hundredths) / 10000.0L;
  const long double daily = std::expm1(std::log1p(ea) / static_cast<long double>(year_base));
  return static_cast<std::int64_t>(std::floor(daily * 1e10L + 0.5L));
}

std::string format_rate(std::int32_t hundredths) {
  return sdk::format_pesos_plain(hundredths);
}

std::string format_daily_rate(std::int64_t e10) {
  std::string digits = std::to_string(e10);
  if (digits.size() < 11) {
    digits.insert(0, 11 - digits.size(), '0');
  }
  return digits.substr(0, digits.size() - 10) + "." + digits.substr(digits.size() - 10);
}

} // namespace cartera::interest
