// `cartera host generate`: a realistic sample company as interchange files. Family, collective
// and individual contracts; monthly invoices with a yearly tariff increase; customers who pay
// on time, late, partly, stop paying, or are far in arrears. The same seed gives the same
// bytes (its own PRNG: std:: distributions may differ between library versions).
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
};

struct GeneratedCounts {
  std::uint64_t customers = 0;
  std::uint64_t contracts = 0;
  std::uint64_t invoices = 0;
  std::uint64_t payments = 0;
};

GeneratedCounts generate_company(const GeneratorOptions &options, const std::filesystem::path &out,
                                 const std::function<void(std::uint64_t, std::uint64_t)> &progress);

} // namespace cartera::reference
