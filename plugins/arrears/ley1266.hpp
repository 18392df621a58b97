// Ley 1266 de 2008 art. 12 (habeas data), as amended by Ley 2157 de 2021: when a creditor may first
// report an obligation in arrears to the credit bureaus (issue 22 item 6).
//
// The norm (shared/domain/colombia.md §4.2, sources: noticiasdecolombia.com.co and infobae.com
// quoting the article, Apr 2025; lexir.co; elpais.com.co; sepsaabogados.com):
//  - a negative report is allowed only after a prior notice to the holder, so that he can pay or
//    dispute the amount or the due date; the notice may go in a statement or as a data message
//    (Ley 527 de 1999);
//  - the report may be made 20 calendar days after the notice was sent;
//  - for an obligation of at most 15 % of one SMLMV, at least two notices on different days are
//    needed, and the 20 days run from the last one.
// shared/domain/arrears-complaints-tariffs.md §1.4 adds nothing confirmed.
//
// Choices the norm leaves open, made here:
//  - A notice that did not reach the holder (a returned letter, an SMS the provider reports as not
//    delivered) does not count (issue 22 item 5); the 20 days still run from the sending of those
//    that did, as the article says.
//  - Two notices sent the same day count as one day.
//  - "15 % of the SMLMV of the year of the notice": the SMLMV is that of the year each notice was
//    sent. The report may follow a notice N (the 20 days run from N) when the obligation is above
//    15 % of the SMLMV of N's year, or, when it is at most that, when another counting notice was
//    sent on an earlier day. So an obligation noticed in late December and again in January is
//    judged small or not by the January notice's year when the 20 days run from January.
//  - The boundary is exact, in integer centavos: small when amount * 100 <= 15 * SMLMV.
// Pure: no host, no database.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cartera::arrears {

// Calendar days between a notice's sending and the first day a report is allowed.
inline constexpr std::int64_t kLey1266NoticeDays = 20;

struct Notice {
  std::int64_t sent = 0;  // the day it was sent (days since 1970-01-01, Bogotá)
  bool delivered = false; // it reached the holder (not returned, not reported undelivered)
};

// The SMLMV of a year in centavos, or nullopt when the table does not have it.
using SmlmvLookup = std::function<std::optional<std::int64_t>(int year)>;

// True when an obligation of amount centavos is at most 15 % of smlmv centavos (amount * 100 <=
// 15 * smlmv in integers: no rounding, and no overflow for any int64 value).
[[nodiscard]] bool is_small_obligation(std::int64_t amount, std::int64_t smlmv) noexcept;

struct ReportDate {
  enum class Status {
    kAllowed,           // first_day holds the first day a negative report is allowed
    kNoNotice,          // no notice reached the holder
    kNeedsSecondNotice, // a small obligation with counting notices on one day only
    kMissingSmlmv,      // the SMLMV table has no value for missing_year
  };
  Status status = Status::kNoNotice;
  std::optional<std::int64_t> first_day;
  int missing_year = 0; // for kMissingSmlmv
  std::string reason;   // for the report when !first_day: "no SMLMV for 2027 in smlmv.csv", ...
};

// The first day a negative report of an obligation of amount centavos is allowed, given all its
// notices (any order). smlmv gives the SMLMV of a notice's year; by default the shipped table
// (smlmv_centavos).
[[nodiscard]] ReportDate first_report_day(const std::vector<Notice> &notices, std::int64_t amount,
                                          const SmlmvLookup &smlmv = {});

// The SMLMV of year in centavos from the shipped table (schemas/data/smlmv.csv, compiled in), or
// nullopt when the table has no such year.
[[nodiscard]] std::optional<std::int64_t> smlmv_centavos(int year);

// The years the shipped table holds, ascending.
[[nodiscard]] std::vector<int> smlmv_years();

} // namespace cartera::arrears
