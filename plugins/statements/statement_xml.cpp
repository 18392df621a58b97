#include "statement_xml.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

namespace cartera::statements {

namespace {

namespace sdk = cartera::sdk;

// Appends name="value" with the value escaped.
void attr(std::string &out, const char *name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  out += sdk::xml_escape(value);
  out += '"';
}

void money(std::string &out, const char *name, std::int64_t centavos) {
  attr(out, name, sdk::format_pesos_plain(centavos));
}

void date(std::string &out, const char *name, std::int64_t day) {
  attr(out, name, sdk::format_iso_date(day));
}

} // namespace

std::string render_xml(const Statement &s) {
  std::string x;
  x.reserve(4096 + s.movements.size() * 220 + s.contract.members.size() * 140);
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<statement xmlns=\"";
  x += kStatementNamespace;
  x += '"';
  attr(x, "id", s.statement_id);
  x += ">\n  <issuer";
  attr(x, "name", s.issuer.name);
  attr(x, "nit", s.issuer.nit);
  attr(x, "address", s.issuer.address);
  attr(x, "city", s.issuer.city);
  attr(x, "phone", s.issuer.phone);
  attr(x, "email", s.issuer.email);
  x += "/>\n  <holder";
  attr(x, "customer", s.holder.customer_id);
  attr(x, "id-type", s.holder.id_type);
  attr(x, "id-number", s.holder.id_number);
  attr(x, "name", s.holder.name);
  attr(x, "address", s.holder.address);
  attr(x, "city", s.holder.city);
  x += "/>\n";
  if (!s.contract.contract_id.empty()) {
    x += "  <contract";
    attr(x, "id", s.contract.contract_id);
    attr(x, "kind", s.contract.kind);
    attr(x, "plan", s.contract.plan);
    x += ">\n";
    for (const Member &m : s.contract.members) {
      x += "    <member";
      attr(x, "id", m.member_id);
      attr(x, "name", m.name);
      attr(x, "age-band", m.age_band);
      attr(x, "plan", m.plan);
      money(x, "monthly-fee", m.monthly_fee);
      x += "/>\n";
    }
    x += "  </contract>\n";
  }
  x += "  <period";
  date(x, "start", s.period_start);
  date(x, "end", s.period_end);
  date(x, "issued-on", s.issued_on);
  x += "/>\n  <summary";
  money(x, "opening-balance", s.opening_balance);
  money(x, "debits", s.total_debits);
  money(x, "credits", s.total_credits);
  money(x, "closing-balance", s.closing_balance);
  money(x, "interest-to-date", s.interest_to_date);
  if (s.interest_through != 0) {
    date(x, "interest-through", s.interest_through);
  }
  money(x, "amount-due", s.amount_due);
  if (s.due_date != 0) {
    date(x, "due-date", s.due_date);
  }
  x += "/>\n  <movements>\n";
  for (const Movement &m : s.movements) {
    x += "    <movement";
    date(x, "date", m.date);
    attr(x, "kind", m.kind);
    attr(x, "document", m.document);
    attr(x, "reference", m.reference);
    attr(x, "description", m.description);
    attr(x, "contract", m.contract_id);
    money(x, "debit", m.debit);
    money(x, "credit", m.credit);
    money(x, "balance", m.balance);
    x += "/>\n";
  }
  x += "  </movements>\n  <open-items>\n";
  for (const OpenItem &o : s.open_items) {
    x += "    <item";
    attr(x, "invoice", o.invoice_id);
    attr(x, "contract", o.contract_id);
    date(x, "issue-date", o.issue_date);
    date(x, "due-date", o.due_date);
    money(x, "amount", o.amount);
    money(x, "open", o.open_amount);
    attr(x, "days-overdue", std::to_string(o.days_overdue));
    x += "/>\n";
  }
  x += "  </open-items>\n  <aging>\n";
  for (const AgingBucket &b : s.aging) {
    x += "    <bucket";
    attr(x, "label", b.label);
    money(x, "amount", b.amount);
    x += "/>\n";
  }
  x += "  </aging>\n  <changes";
  money(x, "previous-amount-due", s.previous_amount_due);
  money(x, "amount-due", s.amount_due);
  money(x, "difference", s.difference);
  x += ">\n";
  for (const Cause &c : s.causes) {
    x += "    <cause";
    attr(x, "kind", c.kind);
    attr(x, "member", c.member_id);
    attr(x, "description", c.description);
    money(x, "amount", c.amount);
    x += "/>\n";
  }
  x += "  </changes>\n</statement>\n";
  return x;
}

std::string render_csv(const Statement &s) {
  std::string out = "statement,date,kind,document,reference,description,contract,debit,credit,balance\n";
  const auto row = [&](std::int64_t day, std::string_view kind, std::string_view document, std::string_view reference,
                       std::string_view description, std::string_view contract, std::int64_t debit, std::int64_t credit,
                       std::int64_t balance) {
    out += sdk::csv_field(s.statement_id) + "," + sdk::format_iso_date(day) + "," + sdk::csv_field(kind) + "," +
           sdk::csv_field(document) + "," + sdk::csv_field(reference) + "," + sdk::csv_field(description) + "," +
           sdk::csv_field(contract) + "," + sdk::format_pesos_plain(debit) + "," + sdk::format_pesos_plain(credit) +
           "," + sdk::format_pesos_plain(balance) + "\n";
  };
  row(s.period_start, "opening", "", "", "Saldo anterior", "", 0, 0, s.opening_balance);
  for (const Movement &m : s.movements) {
    row(m.date, m.kind, m.document, m.reference, m.description, m.contract_id, m.debit, m.credit, m.balance);
  }
  row(s.period_end, "closing", "", "", "Saldo a la fecha", "", s.total_debits, s.total_credits, s.closing_balance);
  return out;
}

} // namespace cartera::statements
