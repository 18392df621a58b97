// The offset of the host's own advances (offset --host-advances): planned here, sent to the
// officer as an offset request (schemas/xml/payment-offset-request.xsd), recorded by the host.
#include "job_support.hpp"
#include "matcher.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace cartera::payments {

using cartera::sdk::attr;
using cartera::sdk::column;
using cartera::sdk::format_iso_date;
using cartera::sdk::pesos;
using support::as_of;
using support::iso_now;

void offset_host_advances(Context &ctx, const std::string &customer, const std::string &invoice) {
  const std::int64_t date = as_of(ctx);
  struct Advance {
    std::string contract;
    std::int64_t paid_on = 0;
    std::int64_t amount = 0;
  };
  std::vector<Advance> advances;
  std::int64_t available = 0;
  {
    cartera::Operation op = ctx.operation("unapplied_payments");
    const auto [customer_id, contract_id, paid_on, amount] =
        op.columns<Text, Text, Date, Centavos>("customer_id", "contract_id", "paid_on", "amount");
    op.bind("as_of", cartera::Date{date}).execute();
    while (op.step()) {
      if (op[customer_id] == customer && op[amount].value > 0) {
        advances.push_back(Advance{std::string(op.value_or(contract_id, "")), op[paid_on].days, op[amount].value});
        cartera::sdk::accumulate_centavos(available, advances.back().amount);
      }
    }
  }
  if (advances.empty()) {
    throw Error(CARTERA_E_INVALID_ARGUMENT,
                "customer " + customer + " has no advance in the host's books as of " + format_iso_date(date));
  }
  std::vector<cartera::payments::OpenInvoice> open;
  for (auto &inv : open_invoices(ctx, date)) {
    if (inv.customer_id == customer && (invoice.empty() || inv.invoice_id == invoice)) {
      open.push_back(std::move(inv));
    }
  }
  std::stable_sort(open.begin(), open.end(), [](const auto &a, const auto &b) { return a.due_date < b.due_date; });
  using cartera::sdk::xml_escape;
  std::string key = customer;
  std::string body;
  for (const auto &a : advances) {
    key += "|" + format_iso_date(a.paid_on) + ":" + std::to_string(a.amount);
    body += "  <advance" + (a.contract.empty() ? std::string() : attr("contract", a.contract)) +
            attr("paid-on", format_iso_date(a.paid_on)) + attr("amount", pesos(a.amount)) + "/>\n";
  }
  ctx.columns({column("customer_id", CARTERA_TYPE_TEXT), column("invoice_id", CARTERA_TYPE_TEXT),
               column("contract_id", CARTERA_TYPE_TEXT), column("due_date", CARTERA_TYPE_DATE),
               column("amount", CARTERA_TYPE_CENTAVOS)});
  std::int64_t left = available;
  for (const auto &inv : open) {
    if (left == 0) {
      break;
    }
    const std::int64_t take = std::min(left, inv.balance);
    left -= take;
    key += "|" + inv.invoice_id + ":" + std::to_string(take);
    body += "  <apply" + attr("invoice", inv.invoice_id) +
            (inv.contract_id.empty() ? std::string() : attr("contract", inv.contract_id)) +
            attr("amount", pesos(take)) + "/>\n";
    ctx.row({cartera::make_value(std::string_view(customer)), cartera::make_value(std::string_view(inv.invoice_id)),
             cartera::make_value(std::string_view(inv.contract_id)), cartera::make_value(cartera::Date{inv.due_date}),
             cartera::make_value(cartera::Centavos{take})});
  }
  if (left == available) {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "customer " + customer + " has nothing open to offset" +
                                                (invoice.empty() ? std::string() : " in invoice " + invoice));
  }
  const std::string user = ctx.text_param("cartera.user").value_or("");
  const std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<offset-request xmlns=\"urn:cartera:payment-offset:1\"" +
      attr("requested-by", user) + attr("requested-at", iso_now(ctx)) + attr("as-of", format_iso_date(date)) +
      ">\n  <to>" + xml_escape(ctx.config("adjustment-officer").value_or("contabilidad")) + "</to>\n  <reason>" +
      xml_escape("cruce de cuentas: anticipos de " + customer + " aplicados a sus facturas abiertas") +
      "</reason>\n  <customer id=\"" + xml_escape(customer) + "\"/>\n" + body + "  <left amount=\"" + pesos(left) +
      "\"/>\n</offset-request>\n";
  ctx.emit_document("offset-request", key, doc);
  ctx.info("offset of " + customer + "'s advances (" + cartera::sdk::format_pesos_co(available - left) +
           ") sent to the officer; the host's balances change when it is recorded" +
           (left > 0 ? "; " + cartera::sdk::format_pesos_co(left) + " stays in its favour" : ""));
}

} // namespace cartera::payments
