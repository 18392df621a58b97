// Reports: the jobs that read and change nothing. The stored movements and files, the
// unidentified queue, open items after what was approved here, the day's collections, and the
// returned checks.
#include "job_support.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cartera::payments {

using cartera::sdk::column;
using cartera::sdk::format_iso_date;
using support::amounts_by_invoice;
using support::as_of;
using support::copy_rows;
using support::today;

void Payments::entries(Context &ctx) {
  std::string status = ctx.text_param("status").value_or("all");
  if (status == "all") {
    status.clear();
  }
  cartera::Operation op = ctx.operation("pay_entries");
  op.bind("status", std::string_view(status)).execute();
  std::vector<cartera_column> cols;
  const std::vector<std::pair<const char *, std::int32_t>> spec = {{"entry_key", CARTERA_TYPE_TEXT},
                                                                   {"booking_date", CARTERA_TYPE_DATE},
                                                                   {"amount", CARTERA_TYPE_CENTAVOS},
                                                                   {"currency", CARTERA_TYPE_TEXT},
                                                                   {"reversal", CARTERA_TYPE_BOOLEAN},
                                                                   {"payer_id", CARTERA_TYPE_TEXT},
                                                                   {"payer_name", CARTERA_TYPE_TEXT},
                                                                   {"remittance", CARTERA_TYPE_TEXT},
                                                                   {"structured_reference", CARTERA_TYPE_TEXT},
                                                                   {"bank_reference", CARTERA_TYPE_TEXT},
                                                                   {"status", CARTERA_TYPE_TEXT},
                                                                   {"file", CARTERA_TYPE_TEXT},
                                                                   {"line", CARTERA_TYPE_INTEGER}};
  cols.reserve(spec.size());
  for (const auto &[n, t] : spec) {
    cols.push_back(column(n, t));
  }
  copy_rows(ctx, op, cols);
}

void Payments::files(Context &ctx) {
  cartera::Operation op = ctx.operation("pay_files");
  op.execute();
  copy_rows(ctx, op,
            {column("imported_at", CARTERA_TYPE_TEXT), column("file", CARTERA_TYPE_TEXT),
             column("format", CARTERA_TYPE_TEXT), column("statement", CARTERA_TYPE_TEXT),
             column("account", CARTERA_TYPE_TEXT), column("entries", CARTERA_TYPE_INTEGER),
             column("new", CARTERA_TYPE_INTEGER), column("run_id", CARTERA_TYPE_TEXT),
             column("sha256", CARTERA_TYPE_TEXT)});
}

void Payments::unidentified(Context &ctx) {
  const std::int64_t date = as_of(ctx);
  cartera::Operation op = ctx.operation("pay_unidentified");
  const auto [entry_key, booking_date, amount, reversal] =
      op.columns<Text, Date, Centavos, bool>("entry_key", "booking_date", "amount", "reversal");
  const auto [payer_id, payer_name, remittance, bank_reference, file_name] =
      op.columns<Text, Text, Text, Text, Text>("payer_id", "payer_name", "remittance", "bank_reference", "file_name");
  const auto line = op.column<std::int64_t>("line");
  op.execute();
  ctx.columns({column("entry_key", CARTERA_TYPE_TEXT), column("booking_date", CARTERA_TYPE_DATE),
               column("age_days", CARTERA_TYPE_INTEGER), column("amount", CARTERA_TYPE_CENTAVOS),
               column("payer_id", CARTERA_TYPE_TEXT), column("payer_name", CARTERA_TYPE_TEXT),
               column("remittance", CARTERA_TYPE_TEXT), column("bank_reference", CARTERA_TYPE_TEXT),
               column("file", CARTERA_TYPE_TEXT), column("line", CARTERA_TYPE_INTEGER),
               column("kind", CARTERA_TYPE_TEXT)});
  // Credits and unpaired reversals, counted and summed apart (as match reports them): a
  // reversal is not netted into the credits waiting to be placed.
  std::int64_t credits = 0;
  std::int64_t credits_total = 0;
  std::int64_t reversals = 0;
  std::int64_t reversals_total = 0;
  while (op.step()) {
    const std::int64_t booked = op[booking_date].days;
    const bool reversed = op[reversal];
    cartera::sdk::accumulate_centavos(reversed ? reversals_total : credits_total, op[amount].value);
    ++(reversed ? reversals : credits);
    ctx.row({op.value(entry_key), op.value(booking_date), cartera::make_value(date - booked), op.value(amount),
             op.value(payer_id), op.value(payer_name), op.value(remittance), op.value(bank_reference),
             op.value(file_name), op.value(line),
             cartera::make_value(std::string_view(reversed ? "unpaired reversal" : "credit"))});
  }
  ctx.info(std::to_string(credits) + " unidentified credits, " + cartera::sdk::format_pesos_co(credits_total) +
           (reversals > 0 ? "; " + std::to_string(reversals) + " reversals no credit was found for, " +
                                cartera::sdk::format_pesos_co(reversals_total)
                          : ""));
}

// Only approved applications reduce balances: proposals wait for the lead.
void Payments::open_items(Context &ctx) {
  const std::int64_t date = as_of(ctx);
  const bool all = ctx.flag("all");
  const std::unordered_map<std::string, std::int64_t> applied = amounts_by_invoice(ctx, "pay_approved_by_invoice");
  cartera::Operation op = ctx.operation("open_items");
  const auto [customer_id, contract_id, invoice_id, due_date, balance] =
      op.columns<Text, Text, Text, Date, Centavos>("customer_id", "contract_id", "invoice_id", "due_date", "balance");
  op.bind("as_of", cartera::Date{date}).execute();
  ctx.columns({column("customer_id", CARTERA_TYPE_TEXT), column("contract_id", CARTERA_TYPE_TEXT),
               column("invoice_id", CARTERA_TYPE_TEXT), column("due_date", CARTERA_TYPE_DATE),
               column("host_balance", CARTERA_TYPE_CENTAVOS), column("applied_here", CARTERA_TYPE_CENTAVOS),
               column("balance", CARTERA_TYPE_CENTAVOS)});
  std::int64_t total = 0;
  std::int64_t total_applied = 0;
  while (op.step()) {
    const std::int64_t host = op[balance].value;
    const auto found = applied.find(std::string(op[invoice_id]));
    const std::int64_t here = found == applied.end() ? 0 : std::min(found->second, host);
    const std::int64_t left = host - here;
    cartera::sdk::accumulate_centavos(total, left);
    cartera::sdk::accumulate_centavos(total_applied, here);
    if (left > 0 || all) {
      ctx.row({op.value(customer_id), op.value(contract_id), op.value(invoice_id), op.value(due_date),
               cartera::make_value(cartera::Centavos{host}), cartera::make_value(cartera::Centavos{here}),
               cartera::make_value(cartera::Centavos{left})});
    }
  }
  ctx.info("open as of " + format_iso_date(date) + ": " + cartera::sdk::format_pesos_co(total) + " after " +
           cartera::sdk::format_pesos_co(total_applied) + " approved here and not yet recorded by the host");
}

void Payments::report(Context &ctx) {
  const auto d = ctx.date_param("date");
  const std::int64_t date = d ? d->days : today(ctx);
  cartera::Operation op = ctx.operation("pay_daily_report");
  const auto [account, state, rule, kind, movements, amount] =
      op.columns<Text, Text, Text, Text, std::int64_t, Centavos>("account", "state", "rule", "kind", "movements",
                                                                 "amount");
  op.bind("booking_date", cartera::Date{date}).execute();
  ctx.columns({column("date", CARTERA_TYPE_DATE), column("account", CARTERA_TYPE_TEXT),
               column("state", CARTERA_TYPE_TEXT), column("rule", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
               column("movements", CARTERA_TYPE_INTEGER), column("amount", CARTERA_TYPE_CENTAVOS)});
  std::map<std::string, std::int64_t> by_state;
  while (op.step()) {
    cartera::sdk::accumulate_centavos(by_state[std::string(op[state])], op[amount].value);
    ctx.row({cartera::make_value(cartera::Date{date}), op.value(account), op.value(state), op.value(rule),
             op.value(kind), op.value(movements), op.value(amount)});
  }
  std::string summary;
  for (const auto &[in_state, total] : by_state) {
    summary += (summary.empty() ? "" : "; ") + in_state + " " + cartera::sdk::format_pesos_co(total);
  }
  ctx.info("collections booked on " + format_iso_date(date) + ": " + (summary.empty() ? "none" : summary));
}

void Payments::returned_checks(Context &ctx) {
  cartera::Operation op = ctx.operation("pay_returned_checks");
  op.execute();
  copy_rows(ctx, op,
            {column("entry_key", CARTERA_TYPE_TEXT), column("customer_id", CARTERA_TYPE_TEXT),
             column("amount", CARTERA_TYPE_CENTAVOS), column("sanction", CARTERA_TYPE_CENTAVOS),
             column("returned_on", CARTERA_TYPE_DATE), column("reason", CARTERA_TYPE_TEXT),
             column("recorded_by", CARTERA_TYPE_TEXT), column("status", CARTERA_TYPE_TEXT)});
}

} // namespace cartera::payments
