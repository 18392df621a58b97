#include "movements.hpp"

#include "credit_note_request.hpp"

#include <string>
#include <unordered_map>

namespace cartera::receipts {

namespace {

// The number accounting issued for each credit-note request it acknowledged with one, by the
// request's document key.
std::unordered_map<std::string, std::string> issued_numbers(Context &ctx) {
  std::unordered_map<std::string, std::string> out;
  Operation op = ctx.operation("document_answers");
  op.bind("doc_type", std::string_view(kCreditNoteRequestType)).execute();
  while (op.step()) {
    if (!op.text(2).empty()) {
      out.emplace(std::string(op.text(0)), std::string(op.text(2)));
    }
  }
  return out;
}

cartera_column movement_column(std::string_view name, std::int32_t type) {
  return {str(name), type, 0};
}

} // namespace

void statement_movements(Context &ctx) {
  const std::int64_t to = ctx.date_param("to").value_or(Date{0}).days;
  const std::string customer = ctx.text_param("customer").value_or("");
  const std::unordered_map<std::string, std::string> issued = issued_numbers(ctx);
  // The contract statement_movements (statements.operations.xml): these names and types, in order.
  ctx.columns({movement_column("customer_id", CARTERA_TYPE_TEXT), movement_column("occurred_on", CARTERA_TYPE_DATE),
               movement_column("kind", CARTERA_TYPE_TEXT), movement_column("document", CARTERA_TYPE_TEXT),
               movement_column("reference", CARTERA_TYPE_TEXT), movement_column("invoice_id", CARTERA_TYPE_TEXT),
               movement_column("amount", CARTERA_TYPE_CENTAVOS), movement_column("description", CARTERA_TYPE_TEXT),
               movement_column("until_host_reference", CARTERA_TYPE_TEXT)});
  Operation op = ctx.operation("rcp_manual_requests");
  op.bind("customer", std::string_view(customer)).bind("to", Date{to}).execute();
  while (op.step()) {
    // Only what accounting issued: an unanswered or rejected request changes no balance.
    const auto number = issued.find(credit_note_document_key("manual", op.text(2)));
    if (number == issued.end()) {
      continue;
    }
    const std::string_view note = op.text(6);
    const std::string reference = "Solicitud " + std::to_string(op.integer(3));
    const std::string description =
        !note.empty() ? "Nota crédito: " + std::string(note) : "Nota crédito, concepto DIAN " + std::string(op.text(7));
    ctx.row({op.column(0), op.column(1), make_value(std::string_view("credit-note")),
             make_value(std::string_view(number->second)), make_value(std::string_view(reference)), op.column(4),
             make_value(Centavos{-op.centavos(5).value}), make_value(std::string_view(description)),
             make_value(std::string_view(number->second))});
  }
}

} // namespace cartera::receipts
