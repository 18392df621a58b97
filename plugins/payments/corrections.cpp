// Corrections: the jobs reclassify (a misapplied payment applied again) and offset (cruce de
// cuentas: a customer's credit balances applied to its open invoices), and what a lead's
// approval of one completes (settle_corrections, with its adjustment request to the officer).
//
// A misapplied payment: reversed (never deleted), applied again, and the officer told; in two
// steps, by two leads. One proposes the correction: its new applications wait as proposals
// of the run's batch, the approved application stands. Another approves it (decide): the old
// application is reversed, the new ones approved, and the officer gets the adjustment request.
#include "job_support.hpp"
#include "matcher.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>
#include <cartera/sdk/text.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartera::payments {

using cartera::sdk::column;
using cartera::sdk::pesos;
using support::as_of;
using support::iso_now;

namespace {

// An approved application as pay_application reads it, with its movement.
struct Approved {
  cartera::payments::Application app;
  std::int64_t booked = 0;
  std::int64_t movement = 0;
  std::string payer_id;
  std::string payer_name;
};

Approved approved_application(Context &ctx, const std::string &id) {
  Approved a;
  cartera::Operation op = ctx.operation("pay_application");
  const auto [status, entry_key, customer_id, invoice_id, amount, kind] =
      op.columns<Text, Text, Text, Text, Centavos, Text>("status", "entry_key", "customer_id", "invoice_id", "amount",
                                                         "kind");
  const auto [booking_date, movement, payer_id, payer_name] =
      op.columns<Date, Centavos, Text, Text>("booking_date", "movement", "payer_id", "payer_name");
  op.bind("application_id", std::string_view(id)).execute();
  if (!op.step()) {
    throw Error(CARTERA_E_NOT_FOUND, "no application '" + id + "' (cartera payments review --detail)");
  }
  if (op[status] != "approved") {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "application " + id + " is " + std::string(op[status]) +
                                                "; only an approved one is reclassified (a proposal is "
                                                "rejected instead)");
  }
  a.app = cartera::payments::Application{std::string(op[entry_key]),  std::string(op[customer_id]),
                                         std::string(op[invoice_id]), op[amount].value,
                                         std::string(op[kind]),       ""};
  a.booked = op[booking_date].days;
  a.movement = op[movement].value;
  a.payer_id = std::string(op[payer_id]);
  a.payer_name = std::string(op[payer_name]);
  return a;
}

// Proposes reversing approved application id and applying its amount again (to an invoice,
// the rest as its customer's credit, or to a customer's invoices oldest first), for another
// lead to approve.
Moved propose_correction(Context &ctx, const std::string &id, const std::string &to_invoice,
                         const std::string &to_customer, const std::string &reason, const std::string &action,
                         std::uint64_t &seq) {
  const Approved old = approved_application(ctx, id);
  if (old.app.kind != "invoice" && old.app.kind != "credit") {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "application " + id + " records a " + old.app.kind +
                                                " difference, not money; reclassify the invoice's application");
  }
  {
    cartera::Operation op = ctx.operation("pay_correction_waiting");
    const auto [batch_id, proposed_by] = op.columns<Text, Text>("batch_id", "proposed_by");
    op.bind("application_id", std::string_view(id)).execute();
    if (op.step()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT,
                  "application " + id + " has a correction waiting for a lead already (batch " +
                      std::string(op[batch_id]) + ", proposed by " + std::string(op[proposed_by]) +
                      "): approve or reject it first (cartera payments review --batch " + std::string(op[batch_id]) +
                      ")");
    }
  }
  const std::string user = ctx.text_param("cartera.user").value_or("");
  const std::string now = iso_now(ctx);
  const std::string batch = ctx.request_id();
  const std::string correction = batch + "-" + id;
  // What the old application holds of its invoice counts as open: it is what the correction
  // frees once approved.
  const std::vector<cartera::payments::Application> fresh = allocate(
      ctx, old.app.entry_key, old.app.amount, to_invoice, to_customer, action == "offset" ? "offset" : "reclassified",
      old.app.kind == "invoice" ? old.app.invoice_id : std::string(), old.app.amount);
  ctx.operation("pay_insert_correction")
      .bind("correction_id", std::string_view(correction))
      .bind("batch_id", std::string_view(batch))
      .bind("application_id", std::string_view(id))
      .bind("action", std::string_view(action))
      .bind("reason", std::string_view(reason))
      .bind("proposed_by", std::string_view(user))
      .bind("proposed_at", std::string_view(now))
      .execute();
  const std::vector<std::string> ids = propose(ctx, fresh, correction, &seq);
  return Moved{old.app, ids, fresh};
}

void emit_adjustment(Context &ctx, const std::string &key, const std::string &id, const Approved &old, const Moved &m,
                     const std::string &reason, const std::string &requested_by, const std::string &approved_by,
                     const std::string &now) {
  using cartera::payments::Application;
  using cartera::sdk::xml_escape;
  const auto application_xml = [&](const char *element, const std::string &app, const Application &a) {
    return std::string("  <") + element + " application=\"" + xml_escape(app) + "\" customer=\"" +
           xml_escape(a.customer_id) + "\"" +
           (a.invoice_id.empty() ? std::string() : " invoice=\"" + xml_escape(a.invoice_id) + "\"") + " kind=\"" +
           xml_escape(a.kind) + "\" amount=\"" + pesos(a.amount) + "\"/>\n";
  };
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adjustment-request "
                    "xmlns=\"urn:cartera:payment-adjustment:1\" id=\"" +
                    xml_escape(key) + "\" requested-by=\"" + xml_escape(requested_by) + "\" approved-by=\"" +
                    xml_escape(approved_by) + "\" requested-at=\"" + now + "\">\n  <to>" +
                    xml_escape(ctx.config("adjustment-officer").value_or("contabilidad")) + "</to>\n  <reason>" +
                    xml_escape(reason) + "</reason>\n  <movement entry-key=\"" + xml_escape(old.app.entry_key) +
                    "\" booking-date=\"" + cartera::sdk::format_iso_date(old.booked) + "\" amount=\"" +
                    pesos(old.movement) + "\" payer-id=\"" + xml_escape(old.payer_id) + "\" payer-name=\"" +
                    xml_escape(old.payer_name) + "\"/>\n";
  doc += application_xml("reversed", id, old.app);
  for (std::size_t i = 0; i < m.fresh.size(); ++i) {
    doc += application_xml("applied", m.ids[i], m.fresh[i]);
  }
  doc += "</adjustment-request>\n";
  ctx.emit_document("adjustment-request", key, doc);
}

// done: the correction took effect (approved); else it is proposed and waits.
void moved_rows(Context &ctx, const std::vector<std::pair<std::string, Moved>> &moves, bool done) {
  using cartera::payments::Application;
  ctx.columns({column("application", CARTERA_TYPE_TEXT), column("action", CARTERA_TYPE_TEXT),
               column("customer_id", CARTERA_TYPE_TEXT), column("invoice_id", CARTERA_TYPE_TEXT),
               column("kind", CARTERA_TYPE_TEXT), column("amount", CARTERA_TYPE_CENTAVOS)});
  const auto row = [&](const std::string &app, std::string_view action, const Application &a) {
    ctx.row({cartera::make_value(std::string_view(app)), cartera::make_value(action),
             cartera::make_value(std::string_view(a.customer_id)), cartera::make_value(std::string_view(a.invoice_id)),
             cartera::make_value(std::string_view(a.kind)), cartera::make_value(cartera::Centavos{a.amount})});
  };
  for (const auto &[id, moved] : moves) {
    row(id, done ? "reversed" : "to-reverse", moved.old);
    for (std::size_t i = 0; i < moved.fresh.size(); ++i) {
      row(moved.ids[i], done ? "applied" : "to-apply", moved.fresh[i]);
    }
  }
}

} // namespace

std::vector<std::pair<std::string, Moved>> settle_corrections(Context &ctx, const std::string &user,
                                                              const std::string &now) {
  {
    cartera::Operation op = ctx.operation("pay_corrections_split");
    const auto [correction_id, batch_id] = op.columns<Text, Text>("correction_id", "batch_id");
    op.execute();
    if (op.step()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT,
                  "correction " + std::string(op[correction_id]) +
                      " is decided whole: approve or reject all of its proposals at once (--batch " +
                      std::string(op[batch_id]) + ")");
    }
  }
  struct Decided {
    std::string correction, application, action, reason, proposed_by;
    bool approved = false;
  };
  std::vector<Decided> decided;
  {
    cartera::Operation op = ctx.operation("pay_corrections_decided");
    const auto [correction_id, application_id, action, reason, proposed_by] =
        op.columns<Text, Text, Text, Text, Text>("correction_id", "application_id", "action", "reason", "proposed_by");
    const auto approved = op.column<std::int64_t>("approved");
    op.execute();
    while (op.step()) {
      decided.push_back(Decided{std::string(op[correction_id]), std::string(op[application_id]),
                                std::string(op[action]), std::string(op[reason]), std::string(op[proposed_by]),
                                op[approved] != 0});
    }
  }
  std::vector<std::pair<std::string, Moved>> moved;
  for (const Decided &d : decided) {
    ctx.operation("pay_settle_correction")
        .bind("correction_id", std::string_view(d.correction))
        .bind("status", std::string_view(d.approved ? "approved" : "rejected"))
        .bind("reviewed_by", std::string_view(user))
        .bind("reviewed_at", std::string_view(now))
        .execute();
    if (!d.approved) {
      continue;
    }
    const Approved old = approved_application(ctx, d.application);
    ctx.operation("pay_reverse_application")
        .bind("application_id", std::string_view(d.application))
        .bind("reviewed_by", std::string_view(user))
        .bind("reviewed_at", std::string_view(now))
        .bind("review_reason", std::string_view(d.reason))
        .execute();
    Moved m{old.app, {}, {}};
    cartera::Operation op = ctx.operation("pay_correction_applications");
    const auto [application_id, customer_id, invoice_id, kind, amount, entry_key, rule] =
        op.columns<Text, Text, Text, Text, Centavos, Text, Text>("application_id", "customer_id", "invoice_id", "kind",
                                                                 "amount", "entry_key", "rule");
    op.bind("correction_id", std::string_view(d.correction)).execute();
    while (op.step()) {
      m.ids.emplace_back(op[application_id]);
      m.fresh.push_back(cartera::payments::Application{std::string(op[entry_key]), std::string(op[customer_id]),
                                                       std::string(op[invoice_id]), op[amount].value,
                                                       std::string(op[kind]), std::string(op[rule])});
    }
    emit_adjustment(ctx, d.correction, d.application, old, m, d.reason, d.proposed_by, user, now);
    moved.emplace_back(d.application, std::move(m));
  }
  return moved;
}

void Payments::reclassify(Context &ctx) {
  const std::string id = ctx.text_param("application").value_or("");
  const std::string to_invoice = ctx.text_param("to-invoice").value_or("");
  const std::string to_customer = ctx.text_param("to-customer").value_or("");
  const std::string reason = ctx.text_param("reason").value_or("");
  if (to_invoice.empty() == to_customer.empty()) {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "give one of --to-invoice I or --to-customer C");
  }
  std::uint64_t seq = 0;
  const Moved moved =
      propose_correction(ctx, id, to_invoice, to_customer, "reclasificación: " + reason, "reclassify", seq);
  moved_rows(ctx, {{id, moved}}, false);
  ctx.info("the correction waits for another lead: cartera payments approve --batch " + ctx.request_id() +
           " (four eyes); until then application " + id + " stands");
}

// Cruce de cuentas: a customer's credit balances (saldo a favor) applied to its open invoices.
void Payments::offset(Context &ctx) {
  const std::string customer = ctx.text_param("customer").value_or("");
  const std::string invoice = ctx.text_param("invoice").value_or("");
  if (ctx.flag("host-advances")) {
    offset_host_advances(ctx, customer, invoice);
    return;
  }
  std::vector<std::string> credits;
  {
    cartera::Operation op = ctx.operation("pay_customer_credits");
    const auto application_id = op.column<Text>("application_id");
    op.bind("customer_id", std::string_view(customer)).execute();
    while (op.step()) {
      credits.emplace_back(op[application_id]);
    }
  }
  if (credits.empty()) {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "customer " + customer + " has no credit balance in cartera");
  }
  std::vector<std::pair<std::string, Moved>> done;
  std::uint64_t seq = 0; // one batch for the run: its proposals numbered on from credit to credit
  for (const auto &credit : credits) {
    bool open = false;
    for (const auto &inv : open_invoices(ctx, as_of(ctx))) {
      open = open || (inv.customer_id == customer && (invoice.empty() || inv.invoice_id == invoice));
    }
    if (!open) {
      break;
    }
    done.emplace_back(credit, propose_correction(ctx, credit, invoice, invoice.empty() ? customer : "",
                                                 "cruce de cuentas: saldo a favor de " + customer, "offset", seq));
  }
  if (done.empty()) {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "customer " + customer + " has nothing open to offset" +
                                                (invoice.empty() ? std::string() : " in invoice " + invoice));
  }
  moved_rows(ctx, done, false);
  ctx.info("the offset waits for another lead: cartera payments approve --batch " + ctx.request_id() + " (four eyes)");
}

} // namespace cartera::payments
