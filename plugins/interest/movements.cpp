#include "movements.hpp"

#include "charge_request.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/result.hpp>

#include <unordered_map>

namespace cartera::interest {

namespace {

struct Answer {
  bool rejected = false;
  std::string number;
};

// What accounting answered to the module's requests, by document key: the few answered ones.
std::unordered_map<std::string, Answer> charge_answers(Context &ctx) {
  std::unordered_map<std::string, Answer> out;
  Operation op = ctx.operation("document_answers");
  const auto [doc_key, rejected, answer_number] = op.columns<Text, bool, Text>("doc_key", "rejected", "answer_number");
  op.bind("doc_type", std::string_view(kChargeRequestType)).execute();
  while (op.step()) {
    out.emplace(std::string(op[doc_key]), Answer{op[rejected], std::string(op[answer_number])});
  }
  return out;
}

} // namespace

std::vector<ChargedPeriod> charged_periods(Context &ctx, std::int64_t to, const std::string &customer) {
  const std::unordered_map<std::string, Answer> answers = charge_answers(ctx);
  std::vector<ChargedPeriod> out;
  Operation op = ctx.operation("int_charges_through");
  const auto [customer_id, invoice_id, from_day, through, amount] =
      op.columns<Text, Text, Date, Date, Centavos>("customer_id", "invoice_id", "from_day", "through", "amount");
  op.bind("customer", std::string_view(customer)).bind("to", Date{to}).execute();
  while (op.step()) {
    ChargedPeriod p{std::string(op[customer_id]),
                    std::string(op[invoice_id]),
                    op[from_day].days,
                    op[through].days,
                    op[amount].value,
                    {}};
    const auto answer = answers.find(charge_document_key(p.invoice_id, p.through));
    if (answer != answers.end()) {
      if (answer->second.rejected) {
        continue;
      }
      p.number = answer->second.number;
    }
    out.push_back(std::move(p));
  }
  return out;
}

void statement_movements(Context &ctx) {
  const std::int64_t to = ctx.date_param("to").value_or(Date{0}).days;
  const std::string customer = ctx.text_param("customer").value_or("");
  // The contract statement_movements (statements.operations.xml): these names and types, in order.
  ctx.columns({sdk::column("customer_id", CARTERA_TYPE_TEXT), sdk::column("occurred_on", CARTERA_TYPE_DATE),
               sdk::column("kind", CARTERA_TYPE_TEXT), sdk::column("document", CARTERA_TYPE_TEXT),
               sdk::column("reference", CARTERA_TYPE_TEXT), sdk::column("invoice_id", CARTERA_TYPE_TEXT),
               sdk::column("amount", CARTERA_TYPE_CENTAVOS), sdk::column("description", CARTERA_TYPE_TEXT),
               sdk::column("until_host_reference", CARTERA_TYPE_TEXT)});
  for (const ChargedPeriod &p : charged_periods(ctx, to, customer)) {
    // Until accounting acknowledges the request, the statement says it was asked for.
    const bool issued = !p.number.empty();
    const std::string document = issued ? p.number : "Intereses " + p.invoice_id;
    const std::string description = "Intereses de mora del " + sdk::format_co_date(p.from) + " al " +
                                    sdk::format_co_date(p.through) +
                                    (issued ? "" : " (cobro solicitado a contabilidad)");
    ctx.row({make_value(std::string_view(p.customer_id)), make_value(Date{p.through}),
             make_value(std::string_view("interest")), make_value(std::string_view(document)),
             make_value(std::string_view()), make_value(std::string_view(p.invoice_id)), make_value(Centavos{p.amount}),
             make_value(std::string_view(description)), make_value(std::string_view(p.number))});
  }
}

} // namespace cartera::interest
