// The cash-receipt request (schemas/xml/cash-receipt-request.xsd) that each movement an
// approval settles owes treasury: one per payment, keyed by the movement (README.md, approve).
#include "job_support.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

using cartera::sdk::attr;
using cartera::sdk::format_iso_date;
using cartera::sdk::pesos;

namespace {

bool is_withholding(std::string_view kind) {
  return kind == "retefuente" || kind == "reteica" || kind == "reteiva";
}

// One settled movement as treasury's cash receipt names it, read from pay_receipts_due.
struct ReceiptLine {
  std::string id, customer, invoice, kind, rule, proposed_by, approved_by, approved_at;
  std::int64_t amount = 0;
};
struct Receipt {
  std::string entry, account, currency, bank_reference, end_to_end_id, remittance, channel, payer_id, payer_name,
      file_name, file_sha256, format;
  std::int64_t booking_date = 0, value_date = 0, amount = 0, line = 0;
  std::vector<ReceiptLine> lines;
};

// The cash-receipt request of one movement. An invoice's money first, then the differences
// that closed it (the matcher adds them in that order, under consecutive ids).
std::string cash_receipt_request(const Receipt &r, const std::string &user, const std::string &now,
                                 const std::string &officer) {
  std::string invoices;
  std::int64_t applied = 0;
  std::int64_t withheld = 0;
  std::int64_t noted = 0;
  std::int64_t credited = 0;
  std::vector<std::string_view> order;
  for (const auto &l : r.lines) {
    if (!l.invoice.empty() && std::find(order.begin(), order.end(), l.invoice) == order.end()) {
      order.emplace_back(l.invoice);
    }
    if (l.kind == "credit") {
      cartera::sdk::accumulate_centavos(credited, l.amount);
    }
  }
  for (const auto &invoice : order) {
    std::int64_t money = 0;
    std::int64_t settled = 0;
    std::string_view customer;
    std::string differences;
    for (const auto &l : r.lines) {
      if (l.invoice != invoice) {
        continue;
      }
      customer = l.customer;
      cartera::sdk::accumulate_centavos(settled, l.amount);
      if (l.kind == "invoice") {
        cartera::sdk::accumulate_centavos(money, l.amount);
      } else {
        const bool withholding = is_withholding(l.kind);
        cartera::sdk::accumulate_centavos(withholding ? withheld : noted, l.amount);
        differences += "    <difference" + attr("kind", l.kind) + attr("amount", pesos(l.amount)) +
                       attr("treatment", withholding ? "withholding" : "credit-note") + "/>\n";
      }
    }
    cartera::sdk::accumulate_centavos(applied, money);
    invoices += "  <invoice" + attr("id", invoice) + attr("customer", customer) + attr("applied", pesos(money)) +
                attr("settled", pesos(settled)) +
                (differences.empty() ? "/>\n" : ">\n" + differences + "  </invoice>\n");
  }
  if (applied + credited != r.amount) {
    // The matcher never splits a movement into more or less than it is; say so if it did.
    throw Error(CARTERA_E_INTERNAL, "movement " + r.entry + ": applied " + pesos(applied) + " + credit " +
                                        pesos(credited) + " is not its amount " + pesos(r.amount));
  }
  const std::string &customer = r.lines.front().customer;
  std::string doc;
  doc.reserve(1024 + 256 * r.lines.size());
  doc += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cash-receipt-request "
         "xmlns=\"urn:cartera:cash-receipt-request:1\"";
  doc += attr("id", r.entry) + attr("requested-by", user) + attr("requested-at", now) + ">\n  <to>";
  doc += cartera::sdk::xml_escape(officer) + "</to>\n  <payer" + attr("customer", customer) +
         attr("id-number", r.payer_id) + attr("name", r.payer_name) + "/>\n";
  doc += "  <payment" + attr("entry-key", r.entry) + attr("account", r.account) +
         attr("booking-date", format_iso_date(r.booking_date)) + attr("value-date", format_iso_date(r.value_date)) +
         attr("amount", pesos(r.amount)) + attr("currency", r.currency) + attr("bank-reference", r.bank_reference) +
         attr("end-to-end-id", r.end_to_end_id) + attr("remittance", r.remittance) + attr("channel", r.channel) +
         "/>\n";
  doc += invoices;
  if (credited > 0) {
    doc += "  <credit" + attr("customer", customer) + attr("amount", pesos(credited)) + "/>\n";
  }
  doc += "  <totals" + attr("received", pesos(r.amount)) + attr("applied", pesos(applied)) +
         attr("withheld", pesos(withheld)) + attr("credit-notes", pesos(noted)) + attr("credit", pesos(credited)) +
         "/>\n  <supports>\n";
  doc += "    <bank-file" + attr("name", r.file_name) + attr("sha256", r.file_sha256) + attr("format", r.format) +
         attr("line", std::to_string(r.line)) + "/>\n";
  for (const auto &l : r.lines) {
    doc += "    <approval" + attr("application", l.id) + attr("rule", l.rule) + attr("proposed-by", l.proposed_by) +
           attr("approved-by", l.approved_by) + attr("approved-at", l.approved_at) + "/>\n";
  }
  doc += "  </supports>\n</cash-receipt-request>\n";
  return doc;
}

} // namespace

void request_cash_receipts(Context &ctx, const std::string &user, const std::string &now) {
  const std::string officer = ctx.config("treasury-officer").value_or("tesoreria");
  cartera::Operation op = ctx.operation("pay_receipts_due");
  // The movement's columns, then each approved application's: found once, read on every row.
  const auto [entry_key, account, booking_date, value_date, amount, currency] =
      op.columns<Text, Text, Date, Date, Centavos, Text>("entry_key", "account", "booking_date", "value_date", "amount",
                                                         "currency");
  const auto [bank_reference, end_to_end_id, remittance, channel, payer_id, payer_name] =
      op.columns<Text, Text, Text, Text, Text, Text>("bank_reference", "end_to_end_id", "remittance", "channel",
                                                     "payer_id", "payer_name");
  const auto [file_name, file_sha256, format, line] =
      op.columns<Text, Text, Text, std::int64_t>("file_name", "file_sha256", "format", "line");
  const auto [application_id, customer_id, invoice_id, kind, applied, rule] =
      op.columns<Text, Text, Text, Text, Centavos, Text>("application_id", "customer_id", "invoice_id", "kind",
                                                         "applied", "rule");
  const auto [proposed_by, approved_by, approved_at] =
      op.columns<Text, Text, Text>("proposed_by", "approved_by", "approved_at");
  op.bind("reviewed_by", std::string_view(user)).bind("reviewed_at", std::string_view(now)).execute();
  Receipt r;
  const auto emit = [&] {
    if (!r.lines.empty()) {
      ctx.emit_document("cash-receipt-request", r.entry, cash_receipt_request(r, user, now, officer));
    }
    r.lines.clear();
  };
  while (op.step()) {
    if (op[entry_key] != r.entry || r.lines.empty()) {
      emit();
      r.entry = op[entry_key];
      r.account = op[account];
      r.booking_date = op[booking_date].days;
      r.value_date = op[value_date].days;
      r.amount = op[amount].value;
      r.currency = op[currency];
      r.bank_reference = op[bank_reference];
      r.end_to_end_id = op[end_to_end_id];
      r.remittance = op[remittance];
      r.channel = op[channel];
      r.payer_id = op[payer_id];
      r.payer_name = op[payer_name];
      r.file_name = op[file_name];
      r.file_sha256 = op[file_sha256];
      r.format = op[format];
      r.line = op[line];
    }
    r.lines.push_back(ReceiptLine{std::string(op[application_id]), std::string(op[customer_id]),
                                  std::string(op[invoice_id]), std::string(op[kind]), std::string(op[rule]),
                                  std::string(op[proposed_by]), std::string(op[approved_by]),
                                  std::string(op[approved_at]), op[applied].value});
  }
  emit();
}

} // namespace cartera::payments
