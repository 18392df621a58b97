// The cash-receipt request (schemas/xml/cash-receipt-request.xsd) that each movement an
// approval settles owes treasury: one per payment, keyed by the movement (README.md, approve).
#include "job_support.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

using support::attr;
using support::iso;
using support::pesos;

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
         attr("booking-date", iso(r.booking_date)) + attr("value-date", iso(r.value_date)) +
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
  op.bind("reviewed_by", std::string_view(user)).bind("reviewed_at", std::string_view(now)).execute();
  Receipt r;
  const auto emit = [&] {
    if (!r.lines.empty()) {
      ctx.emit_document("cash-receipt-request", r.entry, cash_receipt_request(r, user, now, officer));
    }
    r.lines.clear();
  };
  while (op.step()) {
    if (op.text(0) != r.entry || r.lines.empty()) {
      emit();
      r.entry = op.text(0);
      r.account = op.text(1);
      r.booking_date = op.date(2).days;
      r.value_date = op.date(3).days;
      r.amount = op.centavos(4).value;
      r.currency = op.text(5);
      r.bank_reference = op.text(6);
      r.end_to_end_id = op.text(7);
      r.remittance = op.text(8);
      r.channel = op.text(9);
      r.payer_id = op.text(10);
      r.payer_name = op.text(11);
      r.file_name = op.text(12);
      r.file_sha256 = op.text(13);
      r.format = op.text(14);
      r.line = op.integer(15);
    }
    r.lines.push_back(ReceiptLine{std::string(op.text(16)), std::string(op.text(17)), std::string(op.text(18)),
                                  std::string(op.text(19)), std::string(op.text(21)), std::string(op.text(22)),
                                  std::string(op.text(23)), std::string(op.text(24)), op.centavos(20).value});
  }
  emit();
}

} // namespace cartera::payments
