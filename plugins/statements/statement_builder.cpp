#include "statement_builder.hpp"

#include "labels.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace cartera::statements {

namespace {

namespace sdk = cartera::sdk;

struct Bucket {
  const char *label;
  std::int64_t max_days; // inclusive upper bound of days overdue
};
constexpr Bucket kBuckets[] = {{"Corriente", 0}, {"1-30", 30},    {"31-60", 60},
                               {"61-90", 90},    {"91-180", 180}, {"Más de 180", INT64_MAX}};

// What the statement's scope (the customer, or one contract) takes of the books.
class Scope {
public:
  Scope(const CustomerBooks &books, const std::string &contract_id) : contract_(contract_id) {
    for (const InvoiceRow &i : books.invoices) {
      if (takes(i.contract_id)) {
        invoices_.insert(i.invoice_id);
      }
    }
    for (const ApplicationRow &a : books.applications) {
      if (invoices_.count(a.invoice_id) != 0) {
        sdk::accumulate_centavos(applied_[a.payment_id], a.amount);
        settled_[a.payment_id].push_back(a.invoice_id);
      }
    }
  }
  [[nodiscard]] bool whole_customer() const { return contract_.empty(); }
  [[nodiscard]] bool takes(const std::string &contract_id) const {
    return contract_.empty() || contract_id == contract_;
  }
  [[nodiscard]] bool takes_invoice(const std::string &invoice_id) const { return invoices_.count(invoice_id) != 0; }
  // A row of cartera's: all of them for the customer; for a contract, those on its invoices.
  [[nodiscard]] bool takes_row(const CarteraRow &r) const {
    return contract_.empty() || (!r.invoice_id.empty() && takes_invoice(r.invoice_id));
  }
  // What a payment credits to this scope: all of it for the customer, its applications to the
  // contract's invoices for a contract.
  [[nodiscard]] std::int64_t credit_of(const PaymentRow &p) const {
    if (contract_.empty()) {
      return p.amount;
    }
    const auto it = applied_.find(p.payment_id);
    return it == applied_.end() ? 0 : it->second;
  }
  [[nodiscard]] std::string settled_text(const std::string &payment_id) const {
    const auto it = settled_.find(payment_id);
    if (it == settled_.end()) {
      return {};
    }
    std::string out;
    for (const std::string &inv : it->second) {
      out += (out.empty() ? "" : ", ") + inv;
    }
    return out;
  }

private:
  std::string contract_;
  std::unordered_set<std::string> invoices_;
  std::unordered_map<std::string, std::int64_t> applied_;
  std::unordered_map<std::string, std::vector<std::string>> settled_;
};

std::string invoice_description(const InvoiceRow &i, const std::vector<LineRow> &lines) {
  std::string plan;
  for (const LineRow &l : lines) {
    if (l.invoice_id == i.invoice_id && !l.plan.empty()) {
      plan = l.plan;
      break;
    }
  }
  return "Factura de " + period_name(i.issue_date) + (plan.empty() ? "" : " · " + plan);
}

std::string payment_description(const PaymentRow &p) {
  return p.method.empty() ? std::string("Pago recibido") : "Pago " + p.method;
}

// Cartera's rows this statement shows: in its scope, and not yet told by the host's own books
// (a payment the host recorded under the movement's key shows as the host's).
std::vector<const CarteraRow *> cartera_rows(const CustomerBooks &books, const Scope &scope) {
  // A row stops showing once the host's books carry its key: as a payment's reference (a
  // payment approved here, a credit note issued), or as an invoice's number (a debit note of
  // interest accounting issued).
  std::unordered_set<std::string> host_references;
  for (const PaymentRow &p : books.payments) {
    if (!p.reference.empty()) {
      host_references.insert(p.reference);
    }
  }
  for (const InvoiceRow &i : books.invoices) {
    host_references.insert(i.invoice_id);
  }
  std::vector<const CarteraRow *> out;
  for (const CarteraRow &r : books.cartera) {
    if (scope.takes_row(r) && (r.until_host_reference.empty() || host_references.count(r.until_host_reference) == 0)) {
      out.push_back(&r);
    }
  }
  return out;
}

void add_movements(Statement &s, const CustomerBooks &books, const Scope &scope, const Period &period,
                   const std::vector<const CarteraRow *> &cartera) {
  for (const InvoiceRow &i : books.invoices) {
    if (scope.takes(i.contract_id) && i.issue_date >= period.start && i.issue_date <= period.end) {
      s.movements.push_back(Movement{i.issue_date, "invoice", i.invoice_id, "", invoice_description(i, books.lines),
                                     i.contract_id, i.amount, 0, 0});
    }
  }
  for (const PaymentRow &p : books.payments) {
    const std::int64_t credit = scope.credit_of(p);
    if (credit != 0 && p.paid_on >= period.start && p.paid_on <= period.end) {
      std::string reference = p.reference;
      if (const std::string settled = scope.settled_text(p.payment_id); !settled.empty()) {
        reference += (reference.empty() ? "" : " · ") + std::string("abona ") + settled;
      }
      s.movements.push_back(
          Movement{p.paid_on, "payment", p.payment_id, reference, payment_description(p), "", 0, credit, 0});
    }
  }
  std::unordered_map<std::string, std::string> contract_of;
  for (const InvoiceRow &i : books.invoices) {
    contract_of.emplace(i.invoice_id, i.contract_id);
  }
  for (const CarteraRow *r : cartera) {
    if (r->date >= period.start && r->date <= period.end) {
      std::string reference = r->reference;
      if (!r->invoice_id.empty()) {
        reference += (reference.empty() ? "" : " · ") + std::string("factura ") + r->invoice_id;
      }
      const auto contract = contract_of.find(r->invoice_id);
      s.movements.push_back(Movement{r->date, r->kind, r->document, reference, r->description,
                                     contract == contract_of.end() ? std::string() : contract->second,
                                     std::max<std::int64_t>(r->amount, 0), std::max<std::int64_t>(-r->amount, 0), 0});
    }
  }
  // By date; on one day the charges before the payments, then by document.
  std::stable_sort(s.movements.begin(), s.movements.end(), [](const Movement &a, const Movement &b) {
    if (a.date != b.date) {
      return a.date < b.date;
    }
    if ((a.debit > 0) != (b.debit > 0)) {
      return a.debit > 0;
    }
    return a.document < b.document;
  });
  std::int64_t balance = s.opening_balance;
  for (Movement &m : s.movements) {
    sdk::accumulate_centavos(balance, sdk::add_centavos(m.debit, -m.credit));
    m.balance = balance;
    sdk::accumulate_centavos(s.total_debits, m.debit);
    sdk::accumulate_centavos(s.total_credits, m.credit);
  }
  s.closing_balance = balance;
}

void add_open_items(Statement &s, const CustomerBooks &books, const Scope &scope, std::int64_t end,
                    const std::vector<const CarteraRow *> &cartera) {
  std::unordered_map<std::string, std::int64_t> applied;
  std::int64_t cartera_unapplied = 0; // cartera's credits to no invoice (a credit balance)
  std::unordered_set<std::string> paid_by_end;
  for (const PaymentRow &p : books.payments) {
    if (p.paid_on <= end) {
      paid_by_end.insert(p.payment_id);
    }
  }
  for (const ApplicationRow &a : books.applications) {
    if (paid_by_end.count(a.payment_id) != 0 && scope.takes_invoice(a.invoice_id)) {
      sdk::accumulate_centavos(applied[a.invoice_id], a.amount);
    }
  }
  // What the host has applied, by invoice, before cartera's rows move it: the customer's
  // unapplied money below is the host's payments less the host's own applications.
  std::int64_t host_applied = 0;
  for (const auto &[invoice, amount] : applied) {
    sdk::accumulate_centavos(host_applied, amount);
  }
  for (const CarteraRow *r : cartera) {
    if (r->date > end) {
      continue;
    }
    if (r->kind == "interest" && r->amount > 0) {
      // Interest charged is owed beside its invoice, not on it: an item of its own.
      const auto invoice = std::find_if(books.invoices.begin(), books.invoices.end(),
                                        [&](const InvoiceRow &i) { return i.invoice_id == r->invoice_id; });
      s.open_items.push_back(OpenItem{r->document, invoice != books.invoices.end() ? invoice->contract_id : "", r->date,
                                      r->date, r->amount, r->amount, std::max<std::int64_t>(0, end - r->date)});
    } else if (!r->invoice_id.empty()) {
      sdk::accumulate_centavos(applied[r->invoice_id], -r->amount);
    } else if (r->amount > 0) {
      s.open_items.push_back(
          OpenItem{r->document, "", r->date, r->date, r->amount, r->amount, std::max<std::int64_t>(0, end - r->date)});
    } else {
      sdk::accumulate_centavos(cartera_unapplied, -r->amount);
    }
  }
  for (const InvoiceRow &i : books.invoices) {
    if (!scope.takes(i.contract_id) || i.issue_date > end) {
      continue;
    }
    const auto it = applied.find(i.invoice_id);
    const std::int64_t open = i.amount - (it == applied.end() ? 0 : it->second);
    if (open > 0) {
      s.open_items.push_back(OpenItem{i.invoice_id, i.contract_id, i.issue_date, i.due_date, i.amount, open,
                                      std::max<std::int64_t>(0, end - i.due_date)});
    }
  }
  std::sort(s.open_items.begin(), s.open_items.end(), [](const OpenItem &a, const OpenItem &b) {
    return a.due_date != b.due_date ? a.due_date < b.due_date : a.invoice_id < b.invoice_id;
  });
  // On a customer's statement, money the host holds unapplied (an advance, a payment without an
  // invoice) is the customer's: it covers the oldest items first, so that what the statement
  // calls open and overdue is what the customer really owes, and the items add up to the
  // closing balance. The host's own aging still shows them open until it applies the money.
  if (scope.whole_customer()) {
    std::int64_t unapplied = cartera_unapplied - host_applied;
    for (const PaymentRow &p : books.payments) {
      sdk::accumulate_centavos(unapplied, p.paid_on <= end ? p.amount : 0);
    }
    for (OpenItem &o : s.open_items) {
      const std::int64_t take = std::min(unapplied, o.open_amount);
      if (take <= 0) {
        break;
      }
      o.open_amount -= take;
      unapplied -= take;
    }
    std::erase_if(s.open_items, [](const OpenItem &o) { return o.open_amount <= 0; });
  }
  for (const auto &b : kBuckets) {
    s.aging.push_back(AgingBucket{b.label, 0});
  }
  for (const OpenItem &o : s.open_items) {
    for (std::size_t b = 0; b < std::size(kBuckets); ++b) {
      if (o.days_overdue <= kBuckets[b].max_days) {
        sdk::accumulate_centavos(s.aging[b].amount, o.open_amount);
        break;
      }
    }
  }
}

// A member's fee lines in one period: the sum, and the band and name they were billed with.
struct MemberFee {
  std::string name;
  std::string age_band;
  std::string plan;
  std::int64_t amount = 0;
};

struct PeriodLines {
  std::map<std::string, MemberFee> fees; // member id -> fee (ordered: stable causes)
  std::int64_t adjustments = 0;
  std::int64_t interest = 0;
  std::int64_t fees_total = 0;
};

PeriodLines lines_of(const CustomerBooks &books, const Scope &scope, std::int64_t from, std::int64_t to) {
  PeriodLines out;
  for (const LineRow &l : books.lines) {
    if (!scope.takes(l.contract_id) || l.issue_date < from || l.issue_date > to) {
      continue;
    }
    if (l.line_concept == "fee" && !l.member_id.empty()) {
      MemberFee &f = out.fees[l.member_id];
      f.name = l.member_name;
      f.age_band = l.age_band;
      f.plan = l.plan;
      sdk::accumulate_centavos(f.amount, l.amount);
      sdk::accumulate_centavos(out.fees_total, l.amount);
    } else if (l.line_concept == "adjustment") {
      sdk::accumulate_centavos(out.adjustments, l.amount);
    } else if (l.line_concept == "interest") {
      sdk::accumulate_centavos(out.interest, l.amount);
    }
  }
  return out;
}

std::string member_text(const MemberFee &f, const std::string &id) {
  const std::string who = f.name.empty() ? id : f.name;
  return f.age_band.empty() ? who : who + " (" + f.age_band + ")";
}

void add_member_causes(Statement &s, const PeriodLines &before, const PeriodLines &now) {
  std::int64_t tariff = 0;
  std::size_t tariff_members = 0;
  for (const auto &[id, fee] : now.fees) {
    const auto was = before.fees.find(id);
    if (was == before.fees.end()) {
      s.causes.push_back(Cause{"member-added", id, "Ingreso de " + member_text(fee, id), fee.amount});
    } else if (was->second.age_band != fee.age_band) {
      s.causes.push_back(
          Cause{"age-band-change", id,
                member_text(fee, id) + ": pasa del grupo de edad " + was->second.age_band + " al " + fee.age_band,
                fee.amount - was->second.amount});
    } else if (fee.amount != was->second.amount) {
      sdk::accumulate_centavos(tariff, sdk::add_centavos(fee.amount, -was->second.amount));
      ++tariff_members;
    }
  }
  for (const auto &[id, fee] : before.fees) {
    if (now.fees.count(id) == 0) {
      s.causes.push_back(Cause{"member-removed", id, "Retiro de " + member_text(fee, id), -fee.amount});
    }
  }
  if (tariff != 0) {
    s.causes.push_back(Cause{"tariff-change", "",
                             "Cambio de tarifa de " + std::to_string(tariff_members) +
                                 (tariff_members == 1 ? " beneficiario" : " beneficiarios"),
                             tariff});
  }
}

void add_causes(Statement &s, const CustomerBooks &books, const Scope &scope, const Period &period,
                std::int64_t credited_now, const std::vector<const CarteraRow *> &cartera) {
  std::int64_t billed_before = 0;
  std::int64_t billed_now = 0;
  for (const InvoiceRow &i : books.invoices) {
    if (!scope.takes(i.contract_id)) {
      continue;
    }
    if (i.issue_date >= period.previous_start && i.issue_date <= period.previous_end) {
      sdk::accumulate_centavos(billed_before, i.amount);
    } else if (i.issue_date >= period.start && i.issue_date <= period.end) {
      sdk::accumulate_centavos(billed_now, i.amount);
    }
  }
  const PeriodLines before = lines_of(books, scope, period.previous_start, period.previous_end);
  const PeriodLines now = lines_of(books, scope, period.start, period.end);
  add_member_causes(s, before, now);
  if (now.adjustments != before.adjustments) {
    s.causes.push_back(Cause{"adjustment", "", "Ajustes facturados en el periodo frente al anterior",
                             now.adjustments - before.adjustments});
  }
  if (now.interest != before.interest) {
    s.causes.push_back(Cause{"interest", "", "Intereses de mora facturados frente al periodo anterior",
                             now.interest - before.interest});
  }
  std::int64_t explained = 0;
  for (const Cause &c : s.causes) {
    sdk::accumulate_centavos(explained, c.amount);
  }
  if (const std::int64_t other = billed_now - billed_before - explained; other != 0) {
    s.causes.push_back(Cause{"billing-other", "", "Otros cambios en lo facturado", other});
  }
  if (const std::int64_t carried = billed_before - credited_now; carried > 0) {
    s.causes.push_back(
        Cause{"payments-pending", "", "Pagos del periodo menores que lo facturado en el periodo anterior", carried});
  } else if (carried < 0) {
    s.causes.push_back(
        Cause{"payments-ahead", "", "Pagos del periodo mayores que lo facturado en el periodo anterior", carried});
  }
  // What cartera charged back in the period: returned checks (the payment undone, and the
  // sanction) and reclassified payments taken from this account.
  std::int64_t returned = 0;
  std::int64_t reclassified = 0;
  std::int64_t interest_charged = 0;
  for (const CarteraRow *r : cartera) {
    if (r->amount > 0 && r->date >= period.start && r->date <= period.end) {
      (r->kind == "returned-check" ? returned : r->kind == "interest" ? interest_charged : reclassified) += r->amount;
    }
  }
  if (interest_charged != 0) {
    s.causes.push_back(Cause{"interest", "", "Intereses de mora cobrados en el periodo", interest_charged});
  }
  if (returned != 0) {
    s.causes.push_back(Cause{"returned-check", "", "Cheques devueltos y su sanción", returned});
  }
  if (reclassified != 0) {
    s.causes.push_back(Cause{"reclassification", "", "Pagos reclasificados a otra cuenta u obligación", reclassified});
  }
  if (s.interest_to_date != 0) {
    s.causes.push_back(Cause{"interest", "", interest_label("Intereses de mora causados", s), s.interest_to_date});
  }
  // The amounts due are never negative: a credit balance on either side is absorbed here, so
  // the causes still add up to the difference to the centavo.
  const std::int64_t raw_now = s.closing_balance + s.interest_to_date;
  const std::int64_t raw_before = s.opening_balance;
  if (const std::int64_t absorbed = (s.amount_due - raw_now) - (s.previous_amount_due - raw_before); absorbed != 0) {
    s.causes.push_back(Cause{"payments-ahead", "", "Saldo a favor que cubre parte del valor", absorbed});
  }
}

std::int64_t due_date_of(const Statement &s, const Period &period) {
  if (s.amount_due <= 0) {
    return 0;
  }
  std::int64_t due = 0;
  for (const OpenItem &o : s.open_items) {
    if (o.issue_date >= period.start) {
      due = std::max(due, o.due_date);
    }
  }
  for (const OpenItem &o : s.open_items) {
    if (o.days_overdue > 0) {
      return s.issued_on; // something is overdue already: due at once
    }
  }
  return due == 0 ? s.issued_on : due;
}

void add_members(Statement &s, const CustomerBooks &books, const Period &period) {
  std::set<std::string> seen;
  for (const LineRow &l : books.lines) {
    if (l.contract_id == s.contract.contract_id && l.line_concept == "fee" && !l.member_id.empty() &&
        l.issue_date >= period.start && l.issue_date <= period.end && seen.insert(l.member_id).second) {
      s.contract.members.push_back(Member{l.member_id, l.member_name, l.age_band, l.plan, 0});
    }
  }
  for (Member &m : s.contract.members) {
    for (const LineRow &l : books.lines) {
      if (l.member_id == m.member_id && l.line_concept == "fee" && l.issue_date >= period.start &&
          l.issue_date <= period.end) {
        sdk::accumulate_centavos(m.monthly_fee, l.amount);
      }
    }
  }
}

} // namespace

Period month_period(std::int64_t as_of) {
  const sdk::CivilDate d = sdk::civil_from_days(as_of);
  Period p;
  p.start = sdk::days_from_civil(sdk::CivilDate{d.year, d.month, 1});
  p.end = as_of;
  p.previous_end = p.start - 1;
  const sdk::CivilDate prev = sdk::civil_from_days(p.previous_end);
  p.previous_start = sdk::days_from_civil(sdk::CivilDate{prev.year, prev.month, 1});
  return p;
}

Statement build_statement(const CustomerBooks &books, const Period &period, const BuildOptions &options,
                          const std::string &contract_id) {
  Statement s;
  s.issuer = options.issuer;
  s.holder = books.holder;
  s.period_start = period.start;
  s.period_end = period.end;
  s.issued_on = options.issued_on;
  const std::string month = sdk::format_iso_date(period.start).substr(0, 7);
  if (contract_id.empty()) {
    s.statement_id = "customer/" + books.holder.customer_id + "/" + month;
  } else {
    const auto it = std::find_if(books.contracts.begin(), books.contracts.end(),
                                 [&](const ContractRow &c) { return c.contract_id == contract_id; });
    if (it == books.contracts.end()) {
      throw std::invalid_argument("contract '" + contract_id + "' is not one of customer '" + books.holder.customer_id +
                                  "'");
    }
    s.statement_id = "contract/" + contract_id + "/" + month;
    s.contract.contract_id = it->contract_id;
    s.contract.kind = it->kind;
    s.contract.plan = it->plan;
    add_members(s, books, period);
  }
  const Scope scope(books, contract_id);
  for (const InterestRow &r : books.interest) {
    if (scope.takes_invoice(r.invoice_id)) {
      s.interest_to_date += r.owed;
      if (r.through < period.end && (s.interest_through == 0 || r.through < s.interest_through)) {
        s.interest_through = r.through;
      }
    }
  }

  for (const InvoiceRow &i : books.invoices) {
    if (scope.takes(i.contract_id) && i.issue_date < period.start) {
      sdk::accumulate_centavos(s.opening_balance, i.amount);
    }
  }
  std::int64_t credited_now = 0;
  for (const PaymentRow &p : books.payments) {
    const std::int64_t credit = scope.credit_of(p);
    if (p.paid_on < period.start) {
      sdk::accumulate_centavos(s.opening_balance, -credit);
    } else if (p.paid_on <= period.end) {
      sdk::accumulate_centavos(credited_now, credit);
    }
  }
  const std::vector<const CarteraRow *> cartera = cartera_rows(books, scope);
  for (const CarteraRow *r : cartera) {
    if (r->date < period.start) {
      sdk::accumulate_centavos(s.opening_balance, r->amount);
    } else if (r->date <= period.end && r->amount < 0) {
      sdk::accumulate_centavos(credited_now, -r->amount);
    }
  }
  add_movements(s, books, scope, period, cartera);
  add_open_items(s, books, scope, period.end, cartera);
  s.amount_due = std::max<std::int64_t>(0, s.closing_balance + s.interest_to_date);
  s.previous_amount_due = std::max<std::int64_t>(0, s.opening_balance);
  s.difference = s.amount_due - s.previous_amount_due;
  s.due_date = due_date_of(s, period);
  add_causes(s, books, scope, period, credited_now, cartera);
  return s;
}

} // namespace cartera::statements
