// Returned checks: the job return-check (a check the bank returned, named by the analyst) and
// what match does by itself for a camt reversal of a credit (handle_reversals). Either way what
// the check paid opens again, nothing is deleted, and the check is kept with the sanction of
// C.Co. art. 731 (README.md, return-check).
#include "job_support.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

using cartera::sdk::column;
using support::iso_now;
using support::today;

namespace {

// The sanction of C.Co. art. 731: 20 % of the check, to the centavo, half up.
std::int64_t sanction_of(std::int64_t amount) {
  return (amount * 2 + 5) / 10;
}

// Undoes what a returned credit paid: approved applications reversed, proposals rejected,
// nothing deleted; records the check with its sanction. Returns the customer it had paid.
// named: the customer the analyst says wrote the check (empty: the one it was applied to).
std::string record_returned_check(Context &ctx, const std::string &credit, const std::string &reversal,
                                  std::int64_t amount, std::int64_t returned_on, const std::string &reason,
                                  const std::string &named = "") {
  struct Standing {
    std::string id;
    bool approved = false;
  };
  std::vector<Standing> standing;
  std::string customer;
  {
    cartera::Operation op = ctx.operation("pay_entry_applications");
    const auto [application_id, status, customer_id] =
        op.columns<Text, Text, Text>("application_id", "status", "customer_id");
    op.bind("entry_key", std::string_view(credit)).execute();
    while (op.step()) {
      standing.push_back(Standing{std::string(op[application_id]), op[status] == "approved"});
      if (customer.empty()) {
        customer = std::string(op[customer_id]);
      }
    }
  }
  if (!named.empty()) {
    if (!customer.empty() && customer != named) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + credit + " paid customer " + customer + ", not " + named +
                                                  "; reclassify it first if it was misapplied");
    }
    customer = named;
  }
  const std::string user = ctx.text_param("cartera.user").value_or("");
  const std::string now = iso_now(ctx);
  const std::string why = "cheque devuelto: " + reason;
  for (const auto &a : standing) {
    if (a.approved) {
      ctx.operation("pay_reverse_application")
          .bind("application_id", std::string_view(a.id))
          .bind("reviewed_by", std::string_view(user))
          .bind("reviewed_at", std::string_view(now))
          .bind("review_reason", std::string_view(why))
          .execute();
    } else {
      ctx.operation("pay_decide")
          .bind("application_id", std::string_view(a.id))
          .bind("status", std::string_view("rejected"))
          .bind("reviewed_by", std::string_view(user))
          .bind("reviewed_at", std::string_view(now))
          .bind("review_reason", std::string_view(why))
          .execute();
    }
  }
  ctx.operation("pay_insert_returned_check")
      .bind("entry_key", std::string_view(credit))
      .bind("reversal_entry_key", std::string_view(reversal))
      .bind("customer_id", std::string_view(customer))
      .bind("amount", cartera::Centavos{amount})
      .bind("sanction", cartera::Centavos{sanction_of(amount)})
      .bind("returned_on", cartera::Date{returned_on})
      .bind("reason", std::string_view(reason))
      .bind("recorded_by", std::string_view(user))
      .bind("recorded_at", std::string_view(now))
      .execute();
  std::vector<std::string> done = {credit};
  if (!reversal.empty()) {
    done.push_back(reversal);
  }
  set_status(ctx, done, "returned");
  return customer;
}

} // namespace

ReversalsHandled handle_reversals(Context &ctx) {
  struct Reversal {
    std::string key;
    std::int64_t amount;
    std::int64_t booked;
    std::string payer;
    std::string e2e;
    std::string text;
    std::string name;
  };
  std::vector<Reversal> reversals;
  {
    cartera::Operation op = ctx.operation("pay_reversals");
    const auto [entry_key, amount, booking_date] =
        op.columns<Text, Centavos, Date>("entry_key", "amount", "booking_date");
    const auto [payer_id, end_to_end_id, remittance, payer_name] =
        op.columns<Text, Text, Text, Text>("payer_id", "end_to_end_id", "remittance", "payer_name");
    op.execute();
    while (op.step()) {
      reversals.push_back(Reversal{std::string(op[entry_key]), op[amount].value, op[booking_date].days,
                                   std::string(op[payer_id]), std::string(op[end_to_end_id]),
                                   std::string(op[remittance]), std::string(op[payer_name])});
    }
  }
  ReversalsHandled handled;
  std::vector<std::string> orphans;
  for (const auto &r : reversals) {
    const std::int64_t amount = r.amount < 0 ? -r.amount : r.amount;
    std::string credit;
    {
      cartera::Operation op = ctx.operation("pay_reversed_credit");
      const auto entry_key = op.column<Text>("entry_key");
      op.bind("amount", cartera::Centavos{amount})
          .bind("end_to_end_id", std::string_view(r.e2e))
          .bind("payer_id", std::string_view(r.payer))
          .bind("payer_name", std::string_view(r.name))
          .bind("booking_date", cartera::Date{r.booked})
          .execute();
      if (op.step()) {
        credit = std::string(op[entry_key]);
      }
    }
    if (credit.empty()) {
      orphans.push_back(r.key);
      ++handled.unpaired;
      cartera::sdk::accumulate_centavos(handled.unpaired_amount, r.amount);
      continue;
    }
    record_returned_check(ctx, credit, r.key, amount, r.booked, r.text.empty() ? "reversión del banco" : r.text);
    ++handled.returned;
    cartera::sdk::accumulate_centavos(handled.returned_amount, amount);
  }
  set_status(ctx, orphans, "unidentified");
  return handled;
}

void Payments::return_check(Context &ctx) {
  const std::string key = ctx.text_param("entry").value_or("");
  const std::string reason = ctx.text_param("reason").value_or("");
  const auto date = ctx.date_param("date");
  std::int64_t amount = 0;
  {
    cartera::Operation op = ctx.operation("pay_entry");
    const auto [entry_amount, reversal, status] = op.columns<Centavos, bool, Text>("amount", "reversal", "status");
    op.bind("entry_key", std::string_view(key)).execute();
    if (!op.step()) {
      throw Error(CARTERA_E_NOT_FOUND, "no bank movement '" + key + "' (cartera payments entries)");
    }
    if (op[reversal] || op[entry_amount].value <= 0) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + key + " is not a payment received, so not a check");
    }
    if (op[status] == "returned") {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + key + " is recorded as returned already");
    }
    amount = op[entry_amount].value;
  }
  const std::string customer = record_returned_check(ctx, key, "", amount, date ? date->days : today(ctx), reason,
                                                     ctx.text_param("customer").value_or(""));
  ctx.columns({column("entry_key", CARTERA_TYPE_TEXT), column("customer_id", CARTERA_TYPE_TEXT),
               column("amount", CARTERA_TYPE_CENTAVOS), column("sanction", CARTERA_TYPE_CENTAVOS)});
  ctx.row({cartera::make_value(std::string_view(key)), cartera::make_value(std::string_view(customer)),
           cartera::make_value(cartera::Centavos{amount}),
           cartera::make_value(cartera::Centavos{sanction_of(amount)})});
  ctx.info("check " + key + " returned: what it paid is open again; sanction (C.Co. art. 731) " +
           cartera::sdk::format_pesos_co(sanction_of(amount)) +
           (customer.empty() ? "; no customer known: give --customer C to follow it up" : ""));
}

} // namespace cartera::payments
