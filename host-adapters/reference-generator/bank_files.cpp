#include "reference-generator/bank_files.hpp"

#include <cartera/sdk/date.hpp>

#include <algorithm>
#include <initializer_list>
#include <utility>

namespace cartera::reference::sample {

namespace fs = std::filesystem;

namespace {

// Open invoices in a seeded random order, each named by one credit at most while any is left
// (a partial Fisher-Yates shuffle: only as many draws as credits). Two credits on one invoice
// would leave the second with nothing to pay and make the mix less than it claims.
class InvoicePicker {
public:
  InvoicePicker(const std::vector<OpenInvoice> &open, Rng &rng)
      : open_(open), rng_(rng), order_(open.size()), used_(open.size(), 0) {
    for (std::size_t i = 0; i < order_.size(); ++i) {
      order_[i] = i;
    }
  }

  // An invoice no earlier credit named; once every one has been, any (a customer who pays
  // twice). kNone when nothing is open at all.
  std::size_t any() {
    while (next_ < order_.size()) {
      const std::size_t j = next_ + static_cast<std::size_t>(rng_.next() % (order_.size() - next_));
      std::swap(order_[next_], order_[j]);
      const std::size_t i = order_[next_++];
      if (used_[i] == 0) {
        used_[i] = 1;
        return i;
      }
    }
    return open_.empty() ? kNone : static_cast<std::size_t>(rng_.next() % open_.size());
  }

  // The oldest invoice of i's customer that no credit named yet (i itself when there is none):
  // what a customer who pays without a reference usually means to settle.
  std::size_t oldest_of_customer(std::size_t i) {
    std::size_t first = i;
    while (first > 0 && open_[first - 1].customer == open_[i].customer) {
      --first;
    }
    for (std::size_t k = first; k < i; ++k) {
      if (used_[k] == 0) {
        used_[k] = 1;
        return k;
      }
    }
    return i;
  }

private:
  const std::vector<OpenInvoice> &open_;
  Rng &rng_;
  std::vector<std::size_t> order_;
  std::vector<char> used_;
  std::size_t next_ = 0;
};

std::int64_t whole_pesos(std::int64_t centavos) {
  return centavos / 100 * 100;
}

// Exact most of the time; less the 4 x 1000 (GMF) some payers' banks take; or a part.
std::int64_t invoice_amount(Rng &rng, std::int64_t balance, int exact, int gmf) {
  const auto r = rng.between(1, 100);
  if (r <= exact) {
    return balance;
  }
  if (r <= exact + gmf) {
    return balance - balance * 4 / 1000; // never above 0.40 %: inside the matcher's gmf tolerance
  }
  const std::int64_t part = whole_pesos(balance * rng.between(30, 70) / 100);
  return part > 0 ? part : balance;
}

// Kinds in exact numbers (shares of count, rounded), in seeded random order.
std::vector<Kind> shuffled_kinds(Rng &rng, std::size_t count, std::initializer_list<std::pair<Kind, int>> percents,
                                 std::size_t overpayments) {
  std::vector<Kind> kinds;
  kinds.reserve(count);
  for (const auto &[kind, percent] : percents) {
    const std::size_t n = std::min(count - kinds.size(), (count * static_cast<std::size_t>(percent) + 50) / 100);
    kinds.insert(kinds.end(), n, kind);
  }
  kinds.insert(kinds.end(), std::min(overpayments, count - kinds.size()), Kind::kOverpayment);
  kinds.resize(count, Kind::kInvoice);
  for (std::size_t i = kinds.size(); i > 1; --i) {
    std::swap(kinds[i - 1], kinds[static_cast<std::size_t>(rng.next() % i)]);
  }
  return kinds;
}

std::vector<Credit> plan_credits(Rng &rng, const Ledger &ledger, InvoicePicker &picker, const std::vector<Kind> &kinds,
                                 bool asobancaria) {
  std::vector<Credit> credits;
  credits.reserve(kinds.size());
  for (const Kind wanted : kinds) {
    Credit c;
    c.kind = wanted;
    const auto r = rng.between(1, 100);
    c.channel = r <= 70 ? Channel::kTransfer : (r <= 90 ? Channel::kCash : Channel::kCheque);
    if (wanted != Kind::kUnidentified) {
      c.invoice = picker.any();
      if (c.invoice == kNone) {
        c.kind = Kind::kUnidentified; // a company with nothing open: nobody owes anything
      }
    }
    switch (c.kind) {
    case Kind::kInvoice:
    case Kind::kInvoiceAndPayer:
      // Collections through an Asobancaria agreement come from the invoice's own coupon:
      // exact, or a part; the GMF is taken from transfers.
      c.amount = asobancaria ? invoice_amount(rng, ledger.open[c.invoice].balance, 85, 0)
                             : invoice_amount(rng, ledger.open[c.invoice].balance, 60, 20);
      break;
    case Kind::kOverpayment: {
      // A round figure above what is owed: the next $ 50.000 and $ 50.000 more.
      constexpr std::int64_t kRound = 5'000'000;
      c.amount = (ledger.open[c.invoice].balance / kRound + 2) * kRound;
      break;
    }
    case Kind::kPayerOnly: {
      c.invoice = picker.oldest_of_customer(c.invoice);
      const std::int64_t balance = ledger.open[c.invoice].balance;
      const std::int64_t part = balance * rng.between(20, 80) / 100 / 100'000 * 100'000; // whole thousands
      c.amount = rng.chance(65) || part <= 0 ? balance : part;
      break;
    }
    case Kind::kUnidentified:
      c.amount = rng.between(50, 3000) * 100'000; // $ 50.000 to $ 3.000.000
      break;
    }
    if (c.invoice != kNone) {
      c.customer = ledger.open[c.invoice].customer;
    }
    credits.push_back(c);
  }
  return credits;
}

} // namespace

void append_invoice_id(std::string &out, std::uint64_t number) {
  out += 'F';
  append_number(out, number, 9);
}

void append_compact_date(std::string &out, std::int64_t days) {
  const sdk::CivilDate c = sdk::civil_from_days(days);
  append_number(out, static_cast<std::uint64_t>(c.year), 4);
  append_number(out, c.month, 2);
  append_number(out, c.day, 2);
}

void write_bank_files(const GeneratorOptions &o, const Ledger &ledger, const fs::path &out, GeneratedCounts &n) {
  const std::uint64_t total = o.bank_entries != 0 ? o.bank_entries : std::max<std::uint64_t>(20, n.invoices * 2 / 100);
  // About 30 % through the collection agreement, the rest straight to the account; at least one
  // in each file.
  const auto asobancaria = static_cast<std::size_t>(std::max<std::uint64_t>(1, (total * 3 + 5) / 10));
  const auto camt = static_cast<std::size_t>(total) - asobancaria;
  // Its own stream: the company's files do not change when bank files are asked for.
  Rng rng(Rng(o.seed ^ 0x62616E6B66696C65ULL).next());
  InvoicePicker picker(ledger.open, rng);
  // Asobancaria carries no payer id, so the payer-only share is all on the statement: overall
  // about 62 % name an invoice (3 % with the payer's id too), 25 % only the payer, 10 % neither.
  const std::vector<Kind> camt_kinds = shuffled_kinds(
      rng, camt, {{Kind::kUnidentified, 10}, {Kind::kPayerOnly, 36}, {Kind::kInvoiceAndPayer, 4}}, camt >= 10 ? 2 : 0);
  const std::vector<Kind> asobancaria_kinds = shuffled_kinds(rng, asobancaria, {{Kind::kUnidentified, 10}}, 0);
  std::vector<Credit> camt_credits = plan_credits(rng, ledger, picker, camt_kinds, false);
  const std::vector<Credit> asobancaria_credits = plan_credits(rng, ledger, picker, asobancaria_kinds, true);

  n.bank_date = o.as_of + 1;
  const fs::path dir = out / "bank";
  fs::create_directories(dir);
  write_camt(rng, ledger, std::move(camt_credits), n.bank_date, dir);
  n.asobancaria_lots = write_asobancaria(rng, ledger, asobancaria_credits, n.bank_date, dir);
  n.camt_credits = camt;
  n.asobancaria_credits = asobancaria;
}

} // namespace cartera::reference::sample
