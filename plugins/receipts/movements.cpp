#include "movements.hpp"

#include "credit_note_request.hpp"

#include <cartera/sdk/result.hpp>

#include <string>
#include <unordered_map>

namespace cartera::receipts {

namespace {

// The number accounting issued for each credit-note request it acknowledged with one, by the
// request's document key.
std::unordered_map<std::string, std::string> issued_numbers(Context &ctx) {
  std::unordered_map<std::string, std::string> out;
  Operation op = ctx.operation("document_answers");
  const auto [doc_key, answer_number] = op.columns<Text, Text>("doc_key", "answer_number");
  op.bind("doc_type", std::string_view(kCreditNoteRequestType)).execute();
  while (op.step()) {
    const std::string_view number = op[answer_number];
    if (!number.empty()) {
      out.emplace(std::string(op[doc_key]), std::string(number));
    }
  }
  return out;
}

} // namespace

void statement_movements(Context &ctx) {
  const std::int64_t to = ctx.date_param("to").value_or(Date{0}).days;
  const std::string customer = ctx.text_param("customer").value_or("");
  const std::unordered_map<std::string, std::string> issued = issued_numbers(ctx);
  // The contract statement_movements (statements.operations.xml): these names and types, in order.
  ctx.columns({sdk::column("customer_id", CARTERA_TYPE_TEXT), sdk::column("occurred_on", CARTERA_TYPE_DATE),
               sdk::column("kind", CARTERA_TYPE_TEXT), sdk::column("document", CARTERA_TYPE_TEXT),
               sdk::column("reference", CARTERA_TYPE_TEXT), sdk::column("invoice_id", CARTERA_TYPE_TEXT),
               sdk::column("amount", CARTERA_TYPE_CENTAVOS), sdk::column("description", CARTERA_TYPE_TEXT),
               sdk::column("until_host_reference", CARTERA_TYPE_TEXT)});
  Operation op = ctx.operation("rcp_manual_requests");
  const auto [customer_id, requested_on, source_key, request_no] =
      op.columns<Text, Date, Text, std::int64_t>("customer_id", "requested_on", "source_key", "request_no");
  const auto [invoice_id, total, note_column, reason_code] =
      op.columns<Text, Centavos, Text, Text>("invoice_id", "total", "note", "reason_code");
  op.bind("customer", std::string_view(customer)).bind("to", Date{to}).execute();
  while (op.step()) {
    // Only what accounting issued: an unanswered or rejected request changes no balance.
    const auto number = issued.find(credit_note_document_key("manual", op[source_key]));
    if (number == issued.end()) {
      continue;
    }
    const std::string_view note = op[note_column];
    const std::string reference = "Solicitud " + std::to_string(op[request_no]);
    const std::string description = !note.empty() ? "Nota crédito: " + std::string(note)
                                                  : "Nota crédito, concepto DIAN " + std::string(op[reason_code]);
    ctx.row({op.value(customer_id), op.value(requested_on), make_value(std::string_view("credit-note")),
             make_value(std::string_view(number->second)), make_value(std::string_view(reference)),
             op.value(invoice_id), make_value(Centavos{-op[total].value}), make_value(std::string_view(description)),
             make_value(std::string_view(number->second))});
  }
}

} // namespace cartera::receipts
