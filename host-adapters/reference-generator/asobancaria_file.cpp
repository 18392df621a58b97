// The Asobancaria 2001 collection file of the day after as_of (domain/colombia.md §6.1).
#include "reference-generator/bank_files.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/tax_id.hpp>

#include <algorithm>

namespace cartera::reference::sample {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kAsobancariaRecord = 162;
constexpr std::string_view kCompanyNit = "900456789"; // the health group's (made up); its check digit is computed
constexpr std::string_view kBankCode = "007";         // Asobancaria code of the collecting bank
constexpr std::array<const char *, 6> kDebitedBanks = {"001", "007", "013", "023", "051", "052"};
constexpr std::array<const char *, 4> kCollectionMedia = {"01", "01", "02", "15"}; // cash, cheque, internet debit

// Fills an Asobancaria record that started at `start` with spaces to its 162 characters.
void end_record(std::string &out, std::size_t start) {
  out.append(kAsobancariaRecord - (out.size() - start), ' ');
  out += "\r\n";
}

// EAN-13 of a collection service: 12 digits and their check digit.
void append_ean13(std::string &out, std::string_view twelve) {
  int sum = 0;
  for (std::size_t i = 0; i < twelve.size(); ++i) {
    sum += (twelve[i] - '0') * (i % 2 == 0 ? 1 : 3);
  }
  out += twelve;
  out += static_cast<char>('0' + (10 - sum % 10) % 10);
}

} // namespace

// The collection agreement's file of the day (colombia.md §6.1): 01, one or two lots (05, 06...,
// 08), 09; 162-character records ending CR LF; counts and totals that reconcile.
std::uint64_t write_asobancaria(Rng &rng, const Ledger &ledger, const std::vector<Credit> &credits, std::int64_t day,
                                const fs::path &dir) {
  const std::string date = sdk::format_iso_date(day);
  const std::size_t lots = credits.size() >= 2 && rng.chance(50) ? 2 : 1;
  const std::size_t first_lot = lots == 2 ? std::max<std::size_t>(1, credits.size() * 2 / 3) : credits.size();

  OutFile file(dir, "asobancaria-" + date + ".txt", "");
  std::string out;
  out.reserve(kChunk + 4096);
  std::size_t start = out.size();
  out += "01";
  out += kCompanyNit;
  out += static_cast<char>('0' + sdk::nit_check_digit(kCompanyNit).value_or(0));
  append_compact_date(out, day); // fecha de recaudo
  out += kBankCode;
  out.append(17 - kAccount.size(), '0');
  out += kAccount;
  append_compact_date(out, day); // generated at the end of the collection day
  out += "2345A01";
  end_record(out, start);

  std::int64_t file_total = 0;
  std::size_t k = 0;
  for (std::size_t lot = 1; lot <= lots; ++lot) {
    const std::size_t end = lot == 1 ? first_lot : credits.size();
    start = out.size();
    out += "05";
    append_ean13(out, lot == 1 ? "770999800001" : "770999800002"); // one service per company of the group
    append_number(out, lot, 4);
    end_record(out, start);
    std::int64_t lot_total = 0;
    const std::size_t lot_count = end - k;
    for (; k < end; ++k) {
      const Credit &c = credits[k];
      start = out.size();
      out += "06";
      if (c.kind == Kind::kUnidentified) {
        // A reference that names no invoice: the payer typed a document or phone number.
        append_number(out, static_cast<std::uint64_t>(rng.between(10'000'000, 9'999'999'999)), 48);
      } else {
        out.append(48 - 10, '0');
        append_invoice_id(out, ledger.open[c.invoice].number);
      }
      append_number(out, static_cast<std::uint64_t>(c.amount), 14);
      out += "01"; // procedencia
      out += rng.pick(kCollectionMedia);
      append_number(out, static_cast<std::uint64_t>(rng.between(1, 999999)), 6); // operación
      append_number(out, static_cast<std::uint64_t>(rng.between(1, 999999)), 6); // autorización
      out += rng.pick(kDebitedBanks);
      append_number(out, static_cast<std::uint64_t>(rng.between(1, 999)), 4); // sucursal
      append_number(out, k + 1, 7);                                           // secuencia, unique in the file
      out += "000";                                                           // not returned
      end_record(out, start);
      lot_total += c.amount;
      flush_if_full(out, file);
    }
    start = out.size();
    out += "08";
    append_number(out, lot_count, 9);
    append_number(out, static_cast<std::uint64_t>(lot_total), 18);
    append_number(out, lot, 4);
    end_record(out, start);
    file_total += lot_total;
  }
  start = out.size();
  out += "09";
  append_number(out, credits.size(), 9);
  append_number(out, static_cast<std::uint64_t>(file_total), 18);
  end_record(out, start);
  file.write(out);
  file.commit();
  return lots;
}

} // namespace cartera::reference::sample
