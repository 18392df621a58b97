// `cartera host generate`: a realistic sample company as interchange files. Family, collective
// and individual contracts; monthly invoices with a yearly tariff increase; customers who pay
// on time, late, partly, stop paying, or are far in arrears. The same seed gives the same
// bytes (its own PRNG: std:: distributions may differ between library versions).
//
// With members, also members.csv and invoice_lines.csv (GeneratorOptions::members).
//
// With bank_files, also the bank's files of the day after as_of (bank/camt053-DATE.xml and
// bank/asobancaria-DATE.txt): credits against the company's open invoices, mixed as a
// collections analyst's morning is (by invoice, by payer id only, unidentified, one returned
// cheque), for `cartera payments import` and `payments match`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace cartera::reference {

struct GeneratorOptions {
  std::uint64_t customers = 1000;
  std::uint64_t seed = 1;
  int months = 24;        // invoices per contract, monthly, ending in the as-of month
  std::int64_t as_of = 0; // days; the last invoice is issued in this month
  bool payments = true;   // false: no payment at all (every invoice stays open)
  bool bank_files = false;
  std::uint64_t bank_entries = 0; // credits in both bank files; 0: about 2 % of the invoices, at least 20
  // Also members.csv and invoice_lines.csv: each contract's members, who join and leave, and
  // every invoice as a fee line per member (by plan and age band) plus prorations and
  // interest; invoices are then the sum of their lines. Drawn from their own PRNG stream:
  // without it the files are the same bytes as before it existed.
  bool members = false;
};

struct GeneratedCounts {
  std::uint64_t customers = 0;
  std::uint64_t contracts = 0;
  std::uint64_t invoices = 0;
  std::uint64_t payments = 0;
  std::uint64_t members = 0;       // with GeneratorOptions::members
  std::uint64_t invoice_lines = 0; // with GeneratorOptions::members
  std::uint64_t camt_credits = 0;  // plus one reversal (a returned cheque)
  std::uint64_t asobancaria_credits = 0;
  std::uint64_t asobancaria_lots = 0;
  std::int64_t bank_date = 0; // days; the day after as_of
};

GeneratedCounts generate_company(const GeneratorOptions &options, const std::filesystem::path &out,
                                 const std::function<void(std::uint64_t, std::uint64_t)> &progress);

} // namespace cartera::reference
