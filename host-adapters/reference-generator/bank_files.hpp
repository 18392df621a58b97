// The bank's files of the day after as_of (GeneratorOptions::bank_files): a camt.053 statement
// of account and an Asobancaria 2001 collection file, whose credits are drawn from the invoices
// the company left open. generator.cpp fills the Ledger while it writes the company;
// bank_files.cpp plans the credits; camt053_file.cpp and asobancaria_file.cpp write them.
#pragma once

#include "reference-generator/generator.hpp"
#include "reference-generator/sample.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::reference::sample {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr std::string_view kAccount = "0123456789"; // the company's account at the collecting bank

struct BankCustomer {
  std::string name;
  std::string id_number; // NIT without its check digit, or the CC
  bool nit = false;
};

struct OpenInvoice {
  std::uint64_t number = 0; // F%09llu
  std::size_t customer = 0; // index into Ledger::customers
  std::int64_t balance = 0; // centavos, open as of as_of
};

// What the bank files are drawn from, collected while the company is written and without
// drawing from its PRNG, so that the company's files are the same bytes with or without them.
struct Ledger {
  std::vector<BankCustomer> customers;
  std::vector<OpenInvoice> open; // customer by customer, oldest due first
};

// What a movement says about who paid what; the shares are set in write_bank_files.
enum class Kind : std::uint8_t {
  kInvoice,         // "PAGO FACTURA <id>": exact, less GMF, or partial
  kInvoiceAndPayer, // the invoice as a structured reference, and the payer's id
  kOverpayment,     // names the invoice, pays more: the rest is the customer's credit balance
  kPayerOnly,       // only the payer's id: its oldest open invoice, or an arbitrary part
  kUnidentified,    // neither a known reference nor a known payer
};

enum class Channel : std::uint8_t { kTransfer, kCash, kCheque };

struct Credit {
  Kind kind = Kind::kUnidentified;
  Channel channel = Channel::kTransfer;
  std::int64_t amount = 0;
  std::size_t invoice = kNone;  // the open invoice it names, or whose customer paid it
  std::size_t customer = kNone; // the paying customer, when known
};

// Writes both files into out/bank and counts them in n.
void write_bank_files(const GeneratorOptions &o, const Ledger &ledger, const std::filesystem::path &out,
                      GeneratedCounts &n);

// What the two writers share.
void append_invoice_id(std::string &out, std::uint64_t number); // F%09llu
void append_compact_date(std::string &out, std::int64_t days);  // YYYYMMDD

// The account's statement of the day (camt053_file.cpp).
void write_camt(Rng &rng, const Ledger &ledger, std::vector<Credit> credits, std::int64_t day,
                const std::filesystem::path &dir);
// The collection agreement's file of the day (asobancaria_file.cpp); returns its lots.
std::uint64_t write_asobancaria(Rng &rng, const Ledger &ledger, const std::vector<Credit> &credits, std::int64_t day,
                                const std::filesystem::path &dir);

} // namespace cartera::reference::sample
