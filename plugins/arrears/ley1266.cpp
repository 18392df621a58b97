#include "ley1266.hpp"

#include <cartera/sdk/csv.hpp>
#include <cartera/sdk/date.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <stdexcept>
#include <string_view>

namespace cartera::arrears {

extern const char *const kShippedSmlmvCsv; // smlmv_data.cpp, generated from schemas/data/smlmv.csv

namespace {

// year -> SMLMV in centavos, from the shipped CSV (header year,smlmv_pesos,source; '#' lines are
// comments). The table is compiled in and covered by the unit tests, so a malformed row is a
// build's mistake: std::logic_error naming line, field and value.
std::map<int, std::int64_t> parse_shipped_table() {
  std::string text(kShippedSmlmvCsv);
  // Comment lines become blank lines (skipped by split_csv), so record lines stay the file's.
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    if (text[at] == '#') {
      text.erase(at, end - at);
      ++at;
    } else {
      at = end + 1;
    }
  }
  const sdk::CsvSplit split = sdk::split_csv(text);
  const std::string file = "smlmv.csv";
  if (split.error) {
    throw std::logic_error(file + ":" + std::to_string(split.error->line) + ": " + split.error->reason);
  }
  std::map<int, std::int64_t> table;
  bool header = true;
  for (const sdk::CsvRecord &r : split.records) {
    const std::string where = file + ":" + std::to_string(r.line) + ": ";
    if (header) {
      if (r.fields != std::vector<std::string>{"year", "smlmv_pesos", "source"}) {
        throw std::logic_error(where + "the header is not year,smlmv_pesos,source");
      }
      header = false;
      continue;
    }
    if (r.fields.size() != 3) {
      throw std::logic_error(where + "3 fields expected, " + std::to_string(r.fields.size()) + " found");
    }
    int year = 0;
    std::int64_t pesos = 0;
    const std::string &y = r.fields[0];
    const std::string &p = r.fields[1];
    if (std::from_chars(y.data(), y.data() + y.size(), year).ptr != y.data() + y.size() || y.empty() || year < 1950 ||
        year > 9999) {
      throw std::logic_error(where + "year '" + y + "' is not a year");
    }
    if (std::from_chars(p.data(), p.data() + p.size(), pesos).ptr != p.data() + p.size() || p.empty() || pesos <= 0 ||
        pesos > 1'000'000'000) {
      throw std::logic_error(where + "smlmv_pesos '" + p + "' is not a whole number of pesos");
    }
    if (r.fields[2].empty()) {
      throw std::logic_error(where + "source is empty");
    }
    if (!table.emplace(year, pesos * 100).second) {
      throw std::logic_error(where + "year " + y + " twice");
    }
  }
  return table;
}

const std::map<int, std::int64_t> &shipped_table() {
  static const std::map<int, std::int64_t> kTable = parse_shipped_table();
  return kTable;
}

} // namespace

std::optional<std::int64_t> smlmv_centavos(int year) {
  const auto &table = shipped_table();
  const auto it = table.find(year);
  if (it == table.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<int> smlmv_years() {
  std::vector<int> years;
  for (const auto &[year, value] : shipped_table()) {
    years.push_back(year);
  }
  return years;
}

bool is_small_obligation(std::int64_t amount, std::int64_t smlmv) noexcept {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (amount < std::numeric_limits<std::int64_t>::min() / 100) {
    return true; // a negative amount is below anything
  }
  if (amount > kMax / 100) {
    return false; // above any SMLMV's 15 %; amount * 100 would not fit
  }
  if (smlmv > kMax / 15) {
    return true; // 15 * smlmv would not fit, and amount * 100 does, so it is below
  }
  return amount * 100 <= smlmv * 15;
}

ReportDate first_report_day(const std::vector<Notice> &notices, std::int64_t amount, const SmlmvLookup &smlmv) {
  std::vector<std::int64_t> days;
  for (const Notice &n : notices) {
    if (n.delivered) {
      days.push_back(n.sent);
    }
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end()); // two the same day are one

  ReportDate out;
  if (days.empty()) {
    out.status = ReportDate::Status::kNoNotice;
    out.reason = notices.empty() ? "no notice was sent" : "no notice reached the holder";
    return out;
  }
  // The earliest notice the 20 days may run from: one alone for an obligation above 15 % of the
  // SMLMV of its year, or any after a first one on an earlier day.
  for (std::size_t i = 0; i < days.size(); ++i) {
    const int year = sdk::civil_from_days(days[i]).year;
    const std::optional<std::int64_t> wage = smlmv ? smlmv(year) : smlmv_centavos(year);
    if (!wage) {
      out.status = ReportDate::Status::kMissingSmlmv;
      out.missing_year = year;
      out.reason = "no SMLMV for " + std::to_string(year) + " in schemas/data/smlmv.csv";
      return out;
    }
    if (i >= 1 || !is_small_obligation(amount, *wage)) {
      out.status = ReportDate::Status::kAllowed;
      out.first_day = days[i] + kLey1266NoticeDays;
      return out;
    }
  }
  out.status = ReportDate::Status::kNeedsSecondNotice;
  out.reason = "an obligation of at most 15 % of the SMLMV needs a second notice on another day (Ley 2157 de 2021)";
  return out;
}

} // namespace cartera::arrears
