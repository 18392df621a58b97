#include "movements.hpp"

#include "charge_request.hpp"

#include <cartera/sdk/date.hpp>

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
  op.bind("doc_type", std::string_view(kChargeRequestType)).execute();
  while (op.step()) {
    out.emplace(std::string(op.text(0)), Answer{op.integer(1) != 0, std::string(op.text(2))});
  }
  return out;
}

cartera_column movement_column(std::string_view name, std::int32_t type) {
  return {str(name), type, 0};
}

} // namespace

std::vector<ChargedPeriod> charged_periods(Context &ctx, std::int64_t to, const std::string &customer) {
  const std::unordered_map<std::string, Answer> answers = charge_answers(ctx);
  std::vector<ChargedPeriod> out;
  Operation op = ctx.operation("int_charges_through");
  op.bind("customer", std::string_view(customer)).bind("to", Date{to}).execute();
  while (op.step()) {
    ChargedPeriod p{std::string(op.text(0)), std::string(op.text(1)), op.date(2).days,
                    op.date(3).days,         op.centavos(4).value,    {}};
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
  ctx.columns({movement_column("customer_id", CARTERA_TYPE_TEXT), movement_column("occurred_on", CARTERA_TYPE_DATE),
               movement_column("kind", CARTERA_TYPE_TEXT), movement_column("document", CARTERA_TYPE_TEXT),
               movement_column("reference", CARTERA_TYPE_TEXT), movement_column("invoice_id", CARTERA_TYPE_TEXT),
               movement_column("amount", CARTERA_TYPE_CENTAVOS), movement_column("description", CARTERA_TYPE_TEXT),
               movement_column("until_host_reference", CARTERA_TYPE_TEXT)});
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
