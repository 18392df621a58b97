// Matching: the jobs match (the rules place the credits not yet placed) and assign (the analyst
// places one by hand), and what both, and the corrections, take: what is open, and the proposals
// stored for the lead's review (README.md "Matching rules"). The rules themselves are
// matcher.cpp's, a pure function over what this file reads.
#include "job_support.hpp"
#include "matcher.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cartera::payments {

using cartera::sdk::column;
using support::amounts_by_invoice;
using support::as_of;
using support::iso_now;

std::vector<cartera::payments::OpenInvoice> open_invoices(Context &ctx, std::int64_t date, const std::string &freed,
                                                          std::int64_t freed_amount) {
  using cartera::payments::OpenInvoice;
  std::unordered_map<std::string, std::int64_t> taken = amounts_by_invoice(ctx, "pay_pending_by_invoice");
  if (!freed.empty()) {
    taken[freed] -= freed_amount;
  }
  std::vector<OpenInvoice> open;
  {
    cartera::Operation op = ctx.operation("open_items");
    const auto [invoice_id, customer_id, contract_id, due_date, balance] =
        op.columns<Text, Text, Text, Date, Centavos>("invoice_id", "customer_id", "contract_id", "due_date", "balance");
    op.bind("as_of", cartera::Date{date}).execute();
    std::uint64_t n = 0;
    while (op.step()) {
      OpenInvoice inv{std::string(op[invoice_id]), std::string(op[customer_id]),
                      std::string(op.value_or(contract_id, "")), op[due_date].days, op[balance].value};
      if (auto t = taken.find(inv.invoice_id); t != taken.end()) {
        inv.balance -= t->second;
      }
      if (inv.balance > 0) {
        open.push_back(std::move(inv));
      }
      if (++n % 100000 == 0) {
        ctx.throw_if_cancelled();
        ctx.progress(n, 0, "reading open invoices");
      }
    }
  }
  return open;
}

std::vector<std::string> propose(Context &ctx, const std::vector<cartera::payments::Application> &applications,
                                 const std::string &correction_id, std::uint64_t *seq) {
  std::vector<std::string> ids;
  if (applications.empty()) {
    return ids;
  }
  const std::string batch = ctx.request_id();
  const std::string user = ctx.text_param("cartera.user").value_or("");
  const std::string now = iso_now(ctx);
  cartera::Operation insert = ctx.operation("pay_insert_application");
  std::uint64_t first = 0;
  std::uint64_t &next = seq != nullptr ? *seq : first;
  for (const auto &a : applications) {
    char id[24];
    std::snprintf(id, sizeof id, "-%06llu", static_cast<unsigned long long>(++next));
    ids.push_back(batch + id);
    insert.bind("application_id", std::string_view(ids.back()))
        .bind("batch_id", std::string_view(batch))
        .bind("entry_key", std::string_view(a.entry_key))
        .bind("customer_id", std::string_view(a.customer_id))
        .bind("invoice_id", std::string_view(a.invoice_id))
        .bind("amount", cartera::Centavos{a.amount})
        .bind("kind", std::string_view(a.kind))
        .bind("rule", std::string_view(a.rule))
        .bind("proposed_by", std::string_view(user))
        .bind("proposed_at", std::string_view(now))
        .bind("correction_id", std::string_view(correction_id))
        .add_row();
  }
  insert.execute();
  // The batch's movements in one statement: as many as there are proposals, one by one, cost a
  // tenth of a match of 100,000 movements. A correction's movement stays applied: its approved
  // application stands until another lead approves the correction.
  if (correction_id.empty()) {
    ctx.operation("pay_set_batch_proposed").bind("batch_id", std::string_view(batch)).execute();
  }
  return ids;
}

void set_status(Context &ctx, const std::vector<std::string> &entries, std::string_view status) {
  if (entries.empty()) {
    return;
  }
  cartera::Operation op = ctx.operation("pay_set_entry_status");
  for (const auto &key : entries) {
    op.bind("entry_key", std::string_view(key)).bind("status", status).add_row();
  }
  op.execute();
}

std::vector<cartera::payments::Application> allocate(Context &ctx, const std::string &key, std::int64_t amount,
                                                     const std::string &invoice, const std::string &customer,
                                                     const std::string &rule, const std::string &freed,
                                                     std::int64_t freed_amount) {
  using cartera::payments::Application;
  std::vector<cartera::payments::OpenInvoice> open = open_invoices(ctx, as_of(ctx), freed, freed_amount);
  std::string owner = customer;
  std::vector<const cartera::payments::OpenInvoice *> targets;
  for (const auto &inv : open) {
    if (!invoice.empty() && inv.invoice_id == invoice) {
      targets.push_back(&inv);
      owner = inv.customer_id;
    } else if (invoice.empty() && inv.customer_id == customer) {
      targets.push_back(&inv);
    }
  }
  if (!invoice.empty() && targets.empty()) {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "invoice " + invoice +
                                                " is not open (or what is open of it is already "
                                                "proposed or approved)");
  }
  if (invoice.empty()) {
    bool known = false;
    cartera::Operation op = ctx.operation("customers");
    const auto customer_id = op.column<Text>("customer_id");
    op.execute();
    while (op.step() && !known) {
      known = op[customer_id] == customer;
    }
    if (!known) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "no customer '" + customer + "' in the host");
    }
  }
  std::vector<Application> applications;
  std::int64_t left = amount;
  for (const auto *inv : targets) {
    if (left == 0) {
      break;
    }
    const std::int64_t paid = std::min(left, inv->balance);
    applications.push_back(Application{key, owner, inv->invoice_id, paid, "invoice", rule});
    left -= paid;
  }
  if (left > 0) {
    applications.push_back(Application{key, owner, "", left, "credit", rule});
  }
  return applications;
}

void Payments::match(Context &ctx) {
  using namespace cartera::payments;
  const std::int64_t date = as_of(ctx);
  RuleSet rules;
  try {
    const auto text = ctx.text_param("rules");
    rules = text ? parse_rules(*text) : default_rules();
  } catch (const std::invalid_argument &e) {
    throw Error(CARTERA_E_INPUT_REJECTED, ctx.text_param("rules_name").value_or("rules") + ": " + e.what());
  }

  std::vector<CustomerId> customers;
  {
    cartera::Operation op = ctx.operation("customers");
    const auto [customer_id, id_number] = op.columns<Text, Text>("customer_id", "id_number");
    op.execute();
    while (op.step()) {
      // Hosts keep a NIT as "900123456-8" or "900123456": the number before the check digit.
      const std::string_view id = op.value_or(id_number, "");
      customers.push_back(CustomerId{std::string(op[customer_id]), std::string(id.substr(0, id.find('-')))});
    }
  }
  // First what the bank took back, so that a returned credit is not matched.
  const ReversalsHandled reversals = handle_reversals(ctx);
  std::vector<OpenInvoice> open = open_invoices(ctx, date);
  std::vector<Movement> movements;
  {
    cartera::Operation op = ctx.operation("pay_match_candidates");
    const auto [entry_key, amount, booking_date] =
        op.columns<Text, Centavos, Date>("entry_key", "amount", "booking_date");
    const auto [payer_id, payer_name, remittance, structured_reference, end_to_end_id, bank_reference] =
        op.columns<Text, Text, Text, Text, Text, Text>("payer_id", "payer_name", "remittance", "structured_reference",
                                                       "end_to_end_id", "bank_reference");
    op.execute();
    while (op.step()) {
      movements.push_back(Movement{std::string(op[entry_key]), op[amount].value, op[booking_date].days,
                                   std::string(op[payer_id]), std::string(op[payer_name]), std::string(op[remittance]),
                                   std::string(op[structured_reference]), std::string(op[end_to_end_id]),
                                   std::string(op[bank_reference])});
    }
  }
  Matcher matcher(std::move(rules), std::move(customers), std::move(open));
  const MatchResult result = matcher.match(movements);

  const std::string batch = ctx.request_id();
  propose(ctx, result.applications);
  set_status(ctx, result.unidentified, "unidentified");
  struct Totals {
    std::int64_t movements = 0;
    std::int64_t applications = 0;
    std::int64_t amount = 0;
    std::string_view last; // a movement's applications come together
  };
  std::map<std::pair<std::string, std::string>, Totals> by_rule;
  for (const auto &a : result.applications) {
    Totals &t = by_rule[{a.rule, a.kind}];
    t.movements += a.entry_key != t.last ? 1 : 0;
    t.last = a.entry_key;
    ++t.applications;
    cartera::sdk::accumulate_centavos(t.amount, a.amount);
  }
  std::int64_t unidentified_amount = 0;
  {
    std::unordered_map<std::string_view, std::int64_t> amount_of;
    for (const Movement &mv : movements) {
      amount_of[mv.entry_key] = mv.amount;
    }
    for (const std::string &key : result.unidentified) {
      cartera::sdk::accumulate_centavos(unidentified_amount, amount_of[key]);
    }
  }

  ctx.columns({column("batch", CARTERA_TYPE_TEXT), column("rule", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
               column("movements", CARTERA_TYPE_INTEGER), column("applications", CARTERA_TYPE_INTEGER),
               column("amount", CARTERA_TYPE_CENTAVOS)});
  for (const auto &[rk, t] : by_rule) {
    ctx.row({cartera::make_value(std::string_view(batch)), cartera::make_value(std::string_view(rk.first)),
             cartera::make_value(std::string_view(rk.second)), cartera::make_value(t.movements),
             cartera::make_value(t.applications), cartera::make_value(cartera::Centavos{t.amount})});
  }
  ctx.row({cartera::make_value(std::string_view(batch)), cartera::make_value(std::string_view("(unidentified)")),
           cartera::make_value(std::string_view("")),
           cartera::make_value(static_cast<std::int64_t>(result.unidentified.size())),
           cartera::make_value(std::int64_t{0}), cartera::make_value(cartera::Centavos{unidentified_amount})});
  if (reversals.returned > 0) {
    ctx.row({cartera::make_value(std::string_view(batch)), cartera::make_value(std::string_view("(returned checks)")),
             cartera::make_value(std::string_view("")), cartera::make_value(reversals.returned),
             cartera::make_value(std::int64_t{0}), cartera::make_value(cartera::Centavos{reversals.returned_amount})});
  }
  // Reversals with no credit to pair wait in the same queue as the unidentified credits, but
  // are counted and summed apart: they are money the bank took back, not money to place.
  if (reversals.unpaired > 0) {
    ctx.row({cartera::make_value(std::string_view(batch)),
             cartera::make_value(std::string_view("(unpaired reversals)")), cartera::make_value(std::string_view("")),
             cartera::make_value(reversals.unpaired), cartera::make_value(std::int64_t{0}),
             cartera::make_value(cartera::Centavos{reversals.unpaired_amount})});
  }
  ctx.info("batch " + batch + ": " + std::to_string(movements.size() - result.unidentified.size()) + " of " +
           std::to_string(movements.size()) + " movements placed, " + std::to_string(result.applications.size()) +
           " proposals for the lead's review; " + std::to_string(result.unidentified.size()) + " unidentified credits" +
           (reversals.unpaired > 0 ? " and " + std::to_string(reversals.unpaired) + " unpaired reversals" : "") +
           " (cartera payments unidentified)");
}

// The analyst places a credit by hand; the lead still reviews it like any proposal.
void Payments::assign(Context &ctx) {
  using cartera::payments::Application;
  const std::string key = ctx.text_param("entry").value_or("");
  const std::string invoice = ctx.text_param("invoice").value_or("");
  const std::string customer = ctx.text_param("customer").value_or("");
  if (invoice.empty() == customer.empty()) {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "give one of --invoice I or --customer C");
  }
  std::int64_t amount = 0;
  {
    cartera::Operation op = ctx.operation("pay_entry");
    const auto [entry_amount, reversal, entry_status] =
        op.columns<Centavos, bool, Text>("amount", "reversal", "status");
    op.bind("entry_key", std::string_view(key)).execute();
    if (!op.step()) {
      throw Error(CARTERA_E_NOT_FOUND, "no bank movement '" + key + "' (cartera payments unidentified)");
    }
    const std::string status(op[entry_status]);
    if (op[reversal] || op[entry_amount].value <= 0) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + key + " is not a payment received (a debit or a reversal)");
    }
    if (status != "new" && status != "unidentified") {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + key + " is " + status +
                                                  "; only a new or unidentified one can be assigned (a proposal "
                                                  "is rejected first, an applied one reclassified)");
    }
    amount = op[entry_amount].value;
  }
  const std::vector<Application> applications = allocate(ctx, key, amount, invoice, customer, "manual");
  propose(ctx, applications);
  ctx.columns({column("entry_key", CARTERA_TYPE_TEXT), column("customer_id", CARTERA_TYPE_TEXT),
               column("invoice_id", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
               column("amount", CARTERA_TYPE_CENTAVOS)});
  for (const auto &a : applications) {
    ctx.row({cartera::make_value(std::string_view(a.entry_key)), cartera::make_value(std::string_view(a.customer_id)),
             cartera::make_value(std::string_view(a.invoice_id)), cartera::make_value(std::string_view(a.kind)),
             cartera::make_value(cartera::Centavos{a.amount})});
  }
  ctx.info("movement " + key + " proposed to " + (invoice.empty() ? "customer " + customer : "invoice " + invoice) +
           " for the lead's review");
}

} // namespace cartera::payments
