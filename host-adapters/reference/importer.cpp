#include "reference/importer.hpp"

#include "base/failure.hpp"
#include "reference/import_checks.hpp"

#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>

namespace cartera::reference {

using runtime::refuse_input;

namespace {

std::unordered_set<std::string> existing_ids(soci::session &s, const std::string &sql) {
  std::unordered_set<std::string> ids;
  soci::rowset<std::string> rs = (s.prepare << sql);
  for (const auto &id : rs) {
    ids.insert(id);
  }
  return ids;
}

} // namespace

Importer::Importer(sql::Database &database, const ExportFiles &files, const Progress &on_progress)
    : db(database), s(*database.session), progress(on_progress), customers(*files.customers),
      contracts(*files.contracts), invoices(*files.invoices), payments(*files.payments), member_rows(*files.members),
      lines(*files.invoice_lines), customer_ids(existing_ids(s, "SELECT customer_id FROM ref_customer")) {
  soci::rowset<soci::row> rs = (s.prepare << "SELECT contract_id, customer_id FROM ref_contract");
  for (const auto &r : rs) {
    contract_customer[r.get<std::string>(0)] = r.get<std::string>(1);
  }
}

void Importer::read_customers() {
  cust = Table{"ref_customer",
               {"customer_id"},
               {"customer_id", "id_type", "id_number", "name", "address", "city", "agency_id", "advisor_id", "extra"},
               {},
               {"agency_id", "advisor_id"},
               {},
               {}};
  contact = Table{"ref_contact",
                  {"customer_id", "channel", "address"},
                  {"customer_id", "channel", "address", "purpose"},
                  {},
                  {},
                  {},
                  {}};
  agency = Table{"ref_agency", {"agency_id"}, {"agency_id", "name"}, {}, {}, {}, {}};
  advisor = Table{"ref_advisor", {"advisor_id"}, {"advisor_id", "name"}, {}, {}, {}, {}};
  company = Table{"ref_company", {"company_id"}, {"company_id", "name"}, {}, {}, {}, {}};
  for (Table *t : {&cust, &contact, &agency, &advisor, &company}) {
    t->init();
  }
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t r = 0; r < customers.rows(); ++r) {
    require_id(customers, r, "customer_id");
    unique_or_refuse(customers, r, "customer_id", first);
    const auto type = sdk::parse_id_type(customers.get(r, "id_type"));
    if (!type) {
      customers.refuse(r, "id_type", "expected NIT, CC, CE, PA or TI");
    }
    const sdk::IdCheck id = sdk::check_id_number(*type, customers.get(r, "id_number"));
    if (!id.ok) {
      customers.refuse(r, "id_number", id.error);
    }
    require_text(customers, r, "name");
    const std::string_view email = customers.get(r, "email");
    if (!email.empty() && (email.find('@') == std::string::npos || email.find(' ') != std::string::npos)) {
      customers.refuse(r, "email", "not an e-mail address");
    }
    const std::string_view id_value = customers.get(r, "customer_id");
    customer_ids.emplace(id_value);
    const std::string_view ag = customers.get(r, "agency");
    const std::string_view adv = customers.get(r, "advisor");
    if (!ag.empty()) {
      agencies.emplace(ag);
    }
    if (!adv.empty()) {
      advisors.emplace(adv);
    }
    const std::vector<std::string_view> row = {id_value,
                                               sdk::id_type_code(*type),
                                               kept(id.normalized),
                                               customers.get(r, "name"),
                                               customers.get(r, "address"),
                                               customers.get(r, "city"),
                                               ag,
                                               adv,
                                               kept(customers.extra(r))};
    for (std::size_t c = 0; c < row.size(); ++c) {
      cust.texts[c].push_back(row[c]);
    }
    for (const auto &[channel, value] :
         {std::pair<std::string_view, std::string_view>{"email", email},
          std::pair<std::string_view, std::string_view>{"phone", customers.get(r, "phone")}}) {
      if (!value.empty()) {
        contact.texts[0].push_back(id_value);
        contact.texts[1].push_back(channel);
        contact.texts[2].push_back(value);
        contact.texts[3].push_back("billing");
      }
    }
  }
  report.customers.read = customers.rows();
}

void Importer::read_contracts() {
  contr = Table{"ref_contract",
                {"contract_id"},
                {"contract_id", "customer_id", "kind", "plan", "start_date", "status", "company_id", "extra"},
                {"members"},
                {},
                {},
                {}};
  contr.init();
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t r = 0; r < contracts.rows(); ++r) {
    require_id(contracts, r, "contract_id");
    unique_or_refuse(contracts, r, "contract_id", first);
    const std::string_view customer = contracts.get(r, "customer_id");
    if (customer_ids.count(std::string(customer)) == 0) {
      contracts.refuse(r, "customer_id", "unknown customer (not in customers.csv nor in the database)");
    }
    const std::string_view kind = contracts.get(r, "kind");
    if (kind != "familiar" && kind != "colectivo" && kind != "individual") {
      contracts.refuse(r, "kind", "expected familiar, colectivo or individual");
    }
    require_text(contracts, r, "plan");
    std::size_t used = 0;
    long long members = 0;
    try {
      members = std::stoll(std::string(contracts.get(r, "members")), &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (used == 0 || used != contracts.get(r, "members").size() || members < 1) {
      contracts.refuse(r, "members", "a whole number of members, at least 1");
    }
    date_or_refuse(contracts, r, "start_date");
    require_text(contracts, r, "status");
    require_text(contracts, r, "company");
    companies.emplace(contracts.get(r, "company"));
    contract_customer[std::string(contracts.get(r, "contract_id"))] = customer;
    const std::vector<std::string_view> row = {contracts.get(r, "contract_id"),
                                               customer,
                                               kind,
                                               contracts.get(r, "plan"),
                                               contracts.get(r, "start_date"),
                                               contracts.get(r, "status"),
                                               contracts.get(r, "company"),
                                               kept(contracts.extra(r))};
    for (std::size_t c = 0; c < row.size(); ++c) {
      contr.texts[c].push_back(row[c]);
    }
    contr.ints[0].push_back(members);
  }
  report.contracts.read = contracts.rows();
}

void Importer::read_members() {
  mem = Table{"ref_member",
              {"member_id"},
              {"member_id", "contract_id", "name", "birth_date", "joined_on", "left_on", "extra"},
              {},
              {"left_on"},
              {},
              {}};
  mem.init();
  // The contract of every member the lines may name: the database's only when there are lines
  // (a large company's members need not be read to import its payments).
  if (lines.rows() > 0) {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT member_id, contract_id FROM ref_member");
    for (const auto &r : rs) {
      member_contract[r.get<std::string>(0)] = r.get<std::string>(1);
    }
  }
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t r = 0; r < member_rows.rows(); ++r) {
    require_id(member_rows, r, "member_id");
    unique_or_refuse(member_rows, r, "member_id", first);
    const std::string_view contract = member_rows.get(r, "contract_id");
    if (contract_customer.count(std::string(contract)) == 0) {
      member_rows.refuse(r, "contract_id", "unknown contract (not in contracts.csv nor in the database)");
    }
    require_text(member_rows, r, "name");
    const auto born = date_or_refuse(member_rows, r, "birth_date");
    const auto joined = date_or_refuse(member_rows, r, "joined_on");
    // Also what an export with the two date columns swapped looks like.
    if (born > joined) {
      member_rows.refuse(r, "birth_date",
                         "after the day the member joined, " + std::string(member_rows.get(r, "joined_on")));
    }
    const std::string_view left = member_rows.get(r, "left_on");
    if (!left.empty() && date_or_refuse(member_rows, r, "left_on") < joined) {
      member_rows.refuse(r, "left_on",
                         "before the day the member joined, " + std::string(member_rows.get(r, "joined_on")));
    }
    member_contract[std::string(member_rows.get(r, "member_id"))] = contract;
    const std::vector<std::string_view> row = {
        member_rows.get(r, "member_id"), contract, member_rows.get(r, "name"), member_rows.get(r, "birth_date"),
        member_rows.get(r, "joined_on"), left,     kept(member_rows.extra(r))};
    for (std::size_t c = 0; c < row.size(); ++c) {
      mem.texts[c].push_back(row[c]);
    }
  }
  report.members.read = member_rows.rows();
}

void Importer::read_invoices() {
  inv = Table{"ref_invoice",
              {"invoice_id"},
              {"invoice_id", "customer_id", "contract_id", "issue_date", "due_date", "extra"},
              {"amount"},
              {"contract_id"},
              {},
              {}};
  inv.init();
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t r = 0; r < invoices.rows(); ++r) {
    require_id(invoices, r, "invoice_id");
    unique_or_refuse(invoices, r, "invoice_id", first);
    const std::string_view customer = invoices.get(r, "customer_id");
    if (customer_ids.count(std::string(customer)) == 0) {
      invoices.refuse(r, "customer_id", "unknown customer (not in customers.csv nor in the database)");
    }
    const std::string_view contract = invoices.get(r, "contract_id");
    if (!contract.empty()) {
      auto it = contract_customer.find(std::string(contract));
      if (it == contract_customer.end()) {
        invoices.refuse(r, "contract_id", "unknown contract (not in contracts.csv nor in the database)");
      }
      if (it->second != customer) {
        invoices.refuse(r, "contract_id", "the contract belongs to customer " + it->second);
      }
    }
    const auto issue = date_or_refuse(invoices, r, "issue_date");
    const auto due = date_or_refuse(invoices, r, "due_date");
    if (due < issue) {
      invoices.refuse(r, "due_date", "before the issue date " + std::string(invoices.get(r, "issue_date")));
    }
    const auto amount = amount_or_refuse(invoices, r, "amount", true);
    InvoiceFacts &facts = invoice_facts[std::string(invoices.get(r, "invoice_id"))];
    facts.customer = customer;
    facts.contract = contract;
    facts.amount = amount;
    facts.row = r;
    const std::vector<std::string_view> row = {
        invoices.get(r, "invoice_id"), customer, contract, invoices.get(r, "issue_date"), invoices.get(r, "due_date"),
        kept(invoices.extra(r))};
    for (std::size_t c = 0; c < row.size(); ++c) {
      inv.texts[c].push_back(row[c]);
    }
    inv.ints[0].push_back(amount);
  }
  report.invoices.read = invoices.rows();
}

void Importer::read_payments() {
  pay = Table{"ref_payment",
              {"payment_id"},
              {"payment_id", "customer_id", "paid_on", "method", "reference", "extra"},
              {"amount"},
              {},
              {},
              {}};
  app = Table{"ref_application",
              {"payment_id", "invoice_id"},
              {"payment_id", "invoice_id", "applied_on"},
              {"amount"},
              {},
              {},
              {}};
  pay.init();
  app.init();
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t r = 0; r < payments.rows(); ++r) {
    require_id(payments, r, "payment_id");
    unique_or_refuse(payments, r, "payment_id", first);
    const std::string_view customer = payments.get(r, "customer_id");
    if (customer_ids.count(std::string(customer)) == 0) {
      payments.refuse(r, "customer_id", "unknown customer (not in customers.csv nor in the database)");
    }
    date_or_refuse(payments, r, "date");
    const auto amount = amount_or_refuse(payments, r, "amount", false);
    require_text(payments, r, "method");
    const std::string invoice(payments.get(r, "invoice_id"));
    if (!invoice.empty()) {
      auto it = invoice_facts.find(invoice);
      std::string owner;
      if (it != invoice_facts.end()) {
        owner = it->second.customer;
      } else {
        soci::indicator ind = soci::i_null;
        s << "SELECT customer_id FROM ref_invoice WHERE invoice_id = :i", soci::into(owner, ind), soci::use(invoice);
        if (ind != soci::i_ok) {
          payments.refuse(r, "invoice_id", "unknown invoice (not in invoices.csv nor in the database)");
        }
      }
      if (owner != customer) {
        payments.refuse(r, "invoice_id", "the invoice belongs to customer " + owner);
      }
      app.texts[0].push_back(payments.get(r, "payment_id"));
      app.texts[1].push_back(payments.get(r, "invoice_id")); // not invoice: a copy that goes
      app.texts[2].push_back(payments.get(r, "date"));
      app.ints[0].push_back(amount);
      last_payment_row_of_invoice[invoice] = r;
    }
    const std::vector<std::string_view> row = {payments.get(r, "payment_id"), customer,
                                               payments.get(r, "date"),       payments.get(r, "method"),
                                               payments.get(r, "reference"),  kept(payments.extra(r))};
    for (std::size_t c = 0; c < row.size(); ++c) {
      pay.texts[c].push_back(row[c]);
    }
    pay.ints[0].push_back(amount);
  }
  report.payments.read = payments.rows();
  report.applications.read = app.size();

  for (const auto &a : agencies) {
    agency.texts[0].push_back(a);
    agency.texts[1].push_back(a);
  }
  for (const auto &a : advisors) {
    advisor.texts[0].push_back(a);
    advisor.texts[1].push_back(a);
  }
  for (const auto &c : companies) {
    company.texts[0].push_back(c);
    company.texts[1].push_back(c);
  }
}

void Importer::write() {
  const std::uint64_t total = agency.size() + advisor.size() + company.size() + cust.size() + contact.size() +
                              contr.size() + mem.size() + inv.size() + lin.size() + pay.size() + app.size();
  std::uint64_t done = 0;
  if (db.dialect == sql::Dialect::kSqlite) {
    // One transaction writes every row: with SQLite's default 2 MB page cache the dirty pages
    // spill into the WAL again and again (most of the import's time went to pwrite). 256 MB
    // keeps them in memory until the commit.
    s << "PRAGMA cache_size = -262144";
    // Each upsert keeps a statement journal so that it could be undone alone; on disk those
    // are one temporary file's writes per row.
    s << "PRAGMA temp_store = MEMORY";
  }
  try {
    sql::WriteTransaction tr(s);
    write_table(db, agency, progress, "importing agencies", done, total);
    write_table(db, advisor, progress, "importing advisors", done, total);
    write_table(db, company, progress, "importing companies", done, total);
    report.customers.written = write_table(db, cust, progress, "importing customers", done, total);
    write_table(db, contact, progress, "importing contacts", done, total);
    report.contracts.written = write_table(db, contr, progress, "importing contracts", done, total);
    report.members.written = write_table(db, mem, progress, "importing members", done, total);
    report.invoices.written = write_table(db, inv, progress, "importing invoices", done, total);
    report.invoice_lines.written = write_table(db, lin, progress, "importing invoice lines", done, total);
    report.payments.written = write_table(db, pay, progress, "importing payments", done, total);
    report.applications.written = write_table(db, app, progress, "importing applications", done, total);

    refuse_overapplied_invoice(tr);
    refuse_lines_not_adding_up_in_database(tr);
    tr.commit();
  } catch (const soci::soci_error &e) {
    runtime::fail("import into " + db.display_url + ": " + e.get_error_message());
  }
}

// A payment cannot settle more than an invoice is worth (with what the database held).
void Importer::refuse_overapplied_invoice(sql::WriteTransaction &tr) {
  std::string over;
  long long amount = 0;
  long long applied = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT i.invoice_id, i.amount, a.applied FROM ref_invoice i "
       "JOIN (SELECT invoice_id, SUM(amount) AS applied FROM ref_application GROUP BY invoice_id) a "
       "ON a.invoice_id = i.invoice_id WHERE a.applied > i.amount ORDER BY i.invoice_id LIMIT 1",
      soci::into(over, ind), soci::into(amount), soci::into(applied);
  if (ind == soci::i_ok) {
    tr.rollback();
    const std::string why = "payments applied to invoice " + over + " add up to " + sdk::format_pesos_plain(applied) +
                            ", more than its amount " + sdk::format_pesos_plain(amount);
    auto it = last_payment_row_of_invoice.find(over);
    if (it == last_payment_row_of_invoice.end()) {
      refuse_input("payments: " + why); // only an earlier import's payments: not reachable today
    }
    payments.refuse(it->second, "amount", why);
  }
}

} // namespace cartera::reference
