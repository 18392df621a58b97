#include "reference/import.hpp"

#include "reference/csv_reader.hpp"
#include "runtime/failure.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>

#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace cartera::reference {

namespace fs = std::filesystem;
using runtime::refuse_input;

namespace {

constexpr std::size_t kBatch = 5000;

// One table's rows as columns of text (dates ISO) and integers, ready for bulk binding.
struct Table {
  std::string name;
  std::vector<std::string> key;       // conflict target
  std::vector<std::string> text_cols; // bound as text
  std::vector<std::string> int_cols;  // bound as integers
  std::vector<std::string> nullable;  // text columns where empty means NULL (optional references)
  std::vector<std::vector<std::string>> texts;
  std::vector<std::vector<long long>> ints;
  std::size_t size() const { return texts.empty() ? (ints.empty() ? 0 : ints[0].size()) : texts[0].size(); }
  void init() {
    texts.assign(text_cols.size(), {});
    ints.assign(int_cols.size(), {});
  }
};

// INSERT ... ON CONFLICT (key) DO UPDATE SET every other column WHERE one of them differs: an
// identical row is left alone and not counted. Built from the fixed column names above, never
// from input.
std::string upsert_sql(const Table &t, sql::Dialect d) {
  std::vector<std::string> cols = t.text_cols;
  cols.insert(cols.end(), t.int_cols.begin(), t.int_cols.end());
  std::string names;
  std::string values;
  std::string sets;
  std::string differs;
  const char *distinct = d == sql::Dialect::kSqlite ? " IS NOT " : " IS DISTINCT FROM ";
  for (const auto &c : cols) {
    names += (names.empty() ? "" : ", ") + c;
    values += (values.empty() ? ":" : ", :") + c;
    if (std::find(t.key.begin(), t.key.end(), c) != t.key.end()) {
      continue;
    }
    sets += (sets.empty() ? "" : ", ") + c + " = excluded." + c;
    differs += (differs.empty() ? "" : " OR ") + t.name + "." + c + distinct + "excluded." + c;
  }
  std::string keys;
  for (const auto &k : t.key) {
    keys += (keys.empty() ? "" : ", ") + k;
  }
  std::string out = "INSERT INTO " + t.name + " (" + names + ") VALUES (" + values + ") ON CONFLICT (" + keys + ")";
  return sets.empty() ? out + " DO NOTHING" : out + " DO UPDATE SET " + sets + " WHERE " + differs;
}

// Through ODBC a parameter array's row count is not reliable (psqlODBC and sqliteodbc both
// report every row of the array as affected), so there each row is executed on its own
// prepared statement and its exact count summed.
std::size_t write_row_by_row(soci::session &s, const std::string &sql, const Table &t, const Progress &progress,
                             const std::string &stage, std::uint64_t &done, std::uint64_t total) {
  std::vector<std::string> texts(t.text_cols.size());
  std::vector<soci::indicator> inds(t.text_cols.size());
  std::vector<long long> ints(t.int_cols.size());
  soci::details::prepare_temp_type pt = (s.prepare << sql);
  for (std::size_t c = 0; c < t.text_cols.size(); ++c) {
    pt, soci::use(texts[c], inds[c], t.text_cols[c]);
  }
  for (std::size_t c = 0; c < t.int_cols.size(); ++c) {
    pt, soci::use(ints[c], t.int_cols[c]);
  }
  soci::statement st(pt);
  std::size_t written = 0;
  for (std::size_t r = 0; r < t.size(); ++r) {
    for (std::size_t c = 0; c < t.text_cols.size(); ++c) {
      texts[c] = t.texts[c][r];
      const bool nullable = std::find(t.nullable.begin(), t.nullable.end(), t.text_cols[c]) != t.nullable.end();
      inds[c] = nullable && texts[c].empty() ? soci::i_null : soci::i_ok;
    }
    for (std::size_t c = 0; c < t.int_cols.size(); ++c) {
      ints[c] = t.ints[c][r];
    }
    st.execute(true);
    written += static_cast<std::size_t>(st.get_affected_rows());
    if (++done % kBatch == 0 || r + 1 == t.size()) {
      progress(done, total, stage);
    }
  }
  return written;
}

// On a native SQLite session, straight through sqlite3 (bound in place, no copies): SOCI's
// bulk path copied every value twice and made the import of a million invoices miss its 30 s.
std::size_t write_sqlite(const sql::Database &db, const std::string &sql, const Table &t, const Progress &progress,
                         const std::string &stage, std::uint64_t &done, std::uint64_t total) {
  using namespace sqlite_api;
  sqlite3 *conn = static_cast<soci::sqlite3_session_backend *>(db.session->get_backend())->conn_;
  sqlite3_stmt *st = nullptr;
  if (sqlite3_prepare_v2(conn, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
    runtime::fail(std::string("import: ") + sqlite3_errmsg(conn));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> guard(st, sqlite3_finalize);
  std::vector<int> text_index;
  std::vector<bool> text_nullable;
  for (const auto &c : t.text_cols) {
    text_index.push_back(sqlite3_bind_parameter_index(st, (":" + c).c_str()));
    text_nullable.push_back(std::find(t.nullable.begin(), t.nullable.end(), c) != t.nullable.end());
  }
  std::vector<int> int_index;
  for (const auto &c : t.int_cols) {
    int_index.push_back(sqlite3_bind_parameter_index(st, (":" + c).c_str()));
  }
  std::size_t written = 0;
  for (std::size_t r = 0; r < t.size(); ++r) {
    for (std::size_t c = 0; c < t.text_cols.size(); ++c) {
      const std::string &v = t.texts[c][r];
      if (text_nullable[c] && v.empty()) {
        sqlite3_bind_null(st, text_index[c]);
      } else {
        sqlite3_bind_text(st, text_index[c], v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
      }
    }
    for (std::size_t c = 0; c < t.int_cols.size(); ++c) {
      sqlite3_bind_int64(st, int_index[c], t.ints[c][r]);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
      runtime::fail("import into " + t.name + ": " + sqlite3_errmsg(conn));
    }
    written += static_cast<std::size_t>(sqlite3_changes(conn));
    sqlite3_reset(st);
    if (++done % kBatch == 0 || r + 1 == t.size()) {
      progress(done, total, stage);
    }
  }
  return written;
}

std::size_t write(const sql::Database &db, const Table &t, const Progress &progress, const std::string &stage,
                  std::uint64_t &done, std::uint64_t total) {
  soci::session &s = *db.session;
  const std::string sql = upsert_sql(t, db.dialect);
  if (db.via_odbc) {
    return write_row_by_row(s, sql, t, progress, stage, done, total);
  }
  if (db.dialect == sql::Dialect::kSqlite) {
    return write_sqlite(db, sql, t, progress, stage, done, total);
  }
  std::size_t written = 0;
  for (std::size_t start = 0; start < t.size(); start += kBatch) {
    const std::size_t end = std::min(t.size(), start + kBatch);
    std::vector<std::vector<std::string>> texts(t.text_cols.size());
    std::vector<std::vector<soci::indicator>> inds(t.text_cols.size());
    std::vector<std::vector<long long>> ints(t.int_cols.size());
    soci::details::prepare_temp_type pt = (s.prepare << sql);
    for (std::size_t c = 0; c < t.text_cols.size(); ++c) {
      texts[c].assign(t.texts[c].begin() + static_cast<long>(start), t.texts[c].begin() + static_cast<long>(end));
      const bool nullable = std::find(t.nullable.begin(), t.nullable.end(), t.text_cols[c]) != t.nullable.end();
      for (const auto &v : texts[c]) {
        inds[c].push_back(nullable && v.empty() ? soci::i_null : soci::i_ok);
      }
      pt, soci::use(texts[c], inds[c], t.text_cols[c]);
    }
    for (std::size_t c = 0; c < t.int_cols.size(); ++c) {
      ints[c].assign(t.ints[c].begin() + static_cast<long>(start), t.ints[c].begin() + static_cast<long>(end));
      pt, soci::use(ints[c], t.int_cols[c]);
    }
    soci::statement st(pt);
    st.execute(true);
    written += static_cast<std::size_t>(st.get_affected_rows());
    done += end - start;
    progress(done, total, stage);
  }
  return written;
}

std::unordered_set<std::string> existing_ids(soci::session &s, const std::string &sql) {
  std::unordered_set<std::string> ids;
  soci::rowset<std::string> rs = (s.prepare << sql);
  for (const auto &id : rs) {
    ids.insert(id);
  }
  return ids;
}

std::int64_t date_or_refuse(const Rows &f, std::size_t row, const std::string &col) {
  const auto d = sdk::parse_iso_date(f.get(row, col));
  if (!d) {
    f.refuse(row, col, "not a date (YYYY-MM-DD)");
  }
  return *d;
}

std::int64_t amount_or_refuse(const Rows &f, std::size_t row, const std::string &col, bool zero_ok) {
  const auto a = sdk::parse_pesos(f.get(row, col));
  if (!a.centavos) {
    f.refuse(row, col, std::string(sdk::describe(a.error)) + "; amounts are pesos with '.' and up to two decimals");
  }
  if (!zero_ok && *a.centavos == 0) {
    f.refuse(row, col, "must be more than zero");
  }
  return *a.centavos;
}

void require_text(const Rows &f, std::size_t row, const std::string &col) {
  if (f.get(row, col).empty()) {
    f.refuse(row, col, "must not be empty");
  }
}

// Ids are the ERP's keys: printable, no control characters, at most 64 bytes.
void require_id(const Rows &f, std::size_t row, const std::string &col) {
  const std::string &v = f.get(row, col);
  if (v.empty() || v.size() > 64) {
    f.refuse(row, col, "an id is 1 to 64 characters");
  }
  for (unsigned char c : v) {
    if (c < 0x20 || c == 0x7F) {
      f.refuse(row, col, "an id has no control characters");
    }
  }
}

// first_line keys on views into the CSV's own storage, which outlives the check.
void unique_or_refuse(const Rows &f, std::size_t row, const std::string &col,
                      std::unordered_map<std::string_view, std::size_t> &first_line) {
  const std::string &id = f.get(row, col);
  const auto [it, inserted] = first_line.try_emplace(id, f.line(row));
  if (!inserted) {
    f.refuse(row, col, "duplicate " + col + " (first on line " + std::to_string(it->second) + ")");
  }
}

} // namespace

ExportFiles::ExportFiles() = default;
ExportFiles::ExportFiles(ExportFiles &&) noexcept = default;
ExportFiles &ExportFiles::operator=(ExportFiles &&) noexcept = default;
ExportFiles::~ExportFiles() = default;

namespace {
const std::vector<std::string> kCustomerColumns = {"customer_id", "id_type", "id_number", "name",   "email",
                                                   "phone",       "address", "city",      "agency", "advisor"};
const std::vector<std::string> kContractColumns = {"contract_id", "customer_id", "kind",   "plan",
                                                   "members",     "start_date",  "status", "company"};
const std::vector<std::string> kInvoiceColumns = {"invoice_id", "customer_id", "contract_id",
                                                  "issue_date", "due_date",    "amount"};
const std::vector<std::string> kPaymentColumns = {"payment_id", "customer_id", "date",      "amount",
                                                  "method",     "reference",   "invoice_id"};
} // namespace

ExportFiles read_csv_export(const fs::path &dir) {
  if (!fs::is_directory(dir)) {
    refuse_input(dir.string() + ": not a folder with the export files (or an .xml export)");
  }
  ExportFiles e;
  e.customers = std::make_unique<CsvFile>(dir / "customers.csv", kCustomerColumns);
  e.contracts = std::make_unique<CsvFile>(dir / "contracts.csv", kContractColumns);
  e.invoices = std::make_unique<CsvFile>(dir / "invoices.csv", kInvoiceColumns);
  e.payments = std::make_unique<CsvFile>(dir / "payments.csv", kPaymentColumns);
  return e;
}

ExportFiles read_xml_export(const std::string &file, const std::string &text) {
  ExportFiles e;
  e.customers = std::make_unique<XmlRows>(file, text, "customers", "customer", kCustomerColumns);
  e.contracts = std::make_unique<XmlRows>(file, text, "contracts", "contract", kContractColumns);
  e.invoices = std::make_unique<XmlRows>(file, text, "invoices", "invoice", kInvoiceColumns);
  e.payments = std::make_unique<XmlRows>(file, text, "payments", "payment", kPaymentColumns);
  return e;
}

ImportReport import_export(sql::Database &db, const ExportFiles &files, const Progress &progress) {
  soci::session &s = *db.session;
  const Rows &customers = *files.customers;
  const Rows &contracts = *files.contracts;
  const Rows &invoices = *files.invoices;
  const Rows &payments = *files.payments;

  ImportReport report;
  std::unordered_set<std::string> customer_ids = existing_ids(s, "SELECT customer_id FROM ref_customer");
  std::unordered_map<std::string, std::string> contract_customer;
  {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT contract_id, customer_id FROM ref_contract");
    for (const auto &r : rs) {
      contract_customer[r.get<std::string>(0)] = r.get<std::string>(1);
    }
  }

  // --- customers ---------------------------------------------------------------------------
  Table cust{"ref_customer",
             {"customer_id"},
             {"customer_id", "id_type", "id_number", "name", "address", "city", "agency_id", "advisor_id", "extra"},
             {},
             {"agency_id", "advisor_id"},
             {},
             {}};
  Table contact{"ref_contact",
                {"customer_id", "channel", "address"},
                {"customer_id", "channel", "address", "purpose"},
                {},
                {},
                {},
                {}};
  Table agency{"ref_agency", {"agency_id"}, {"agency_id", "name"}, {}, {}, {}, {}};
  Table advisor{"ref_advisor", {"advisor_id"}, {"advisor_id", "name"}, {}, {}, {}, {}};
  Table company{"ref_company", {"company_id"}, {"company_id", "name"}, {}, {}, {}, {}};
  for (Table *t : {&cust, &contact, &agency, &advisor, &company}) {
    t->init();
  }
  std::set<std::string> agencies;
  std::set<std::string> advisors;
  std::set<std::string> companies;
  {
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
      const std::string &email = customers.get(r, "email");
      if (!email.empty() && (email.find('@') == std::string::npos || email.find(' ') != std::string::npos)) {
        customers.refuse(r, "email", "not an e-mail address");
      }
      const std::string &id_value = customers.get(r, "customer_id");
      customer_ids.insert(id_value);
      const std::string &ag = customers.get(r, "agency");
      const std::string &adv = customers.get(r, "advisor");
      if (!ag.empty()) {
        agencies.insert(ag);
      }
      if (!adv.empty()) {
        advisors.insert(adv);
      }
      const std::vector<std::string> row = {id_value,
                                            sdk::id_type_code(*type),
                                            id.normalized,
                                            customers.get(r, "name"),
                                            customers.get(r, "address"),
                                            customers.get(r, "city"),
                                            ag,
                                            adv,
                                            customers.extra(r)};
      for (std::size_t c = 0; c < row.size(); ++c) {
        cust.texts[c].push_back(row[c]);
      }
      for (const auto &[channel, value] : {std::pair<std::string, std::string>{"email", email},
                                           std::pair<std::string, std::string>{"phone", customers.get(r, "phone")}}) {
        if (!value.empty()) {
          contact.texts[0].push_back(id_value);
          contact.texts[1].push_back(channel);
          contact.texts[2].push_back(value);
          contact.texts[3].push_back("billing");
        }
      }
    }
  }
  report.customers.read = customers.rows();

  // --- contracts ---------------------------------------------------------------------------
  Table contr{"ref_contract",
              {"contract_id"},
              {"contract_id", "customer_id", "kind", "plan", "start_date", "status", "company_id", "extra"},
              {"members"},
              {},
              {},
              {}};
  contr.init();
  {
    std::unordered_map<std::string_view, std::size_t> first;
    for (std::size_t r = 0; r < contracts.rows(); ++r) {
      require_id(contracts, r, "contract_id");
      unique_or_refuse(contracts, r, "contract_id", first);
      const std::string &customer = contracts.get(r, "customer_id");
      if (customer_ids.count(customer) == 0) {
        contracts.refuse(r, "customer_id", "unknown customer (not in customers.csv nor in the database)");
      }
      const std::string &kind = contracts.get(r, "kind");
      if (kind != "familiar" && kind != "colectivo" && kind != "individual") {
        contracts.refuse(r, "kind", "expected familiar, colectivo or individual");
      }
      require_text(contracts, r, "plan");
      std::size_t used = 0;
      long long members = 0;
      try {
        members = std::stoll(contracts.get(r, "members"), &used);
      } catch (const std::exception &) {
        used = 0;
      }
      if (used == 0 || used != contracts.get(r, "members").size() || members < 1) {
        contracts.refuse(r, "members", "a whole number of members, at least 1");
      }
      date_or_refuse(contracts, r, "start_date");
      require_text(contracts, r, "status");
      require_text(contracts, r, "company");
      companies.insert(contracts.get(r, "company"));
      contract_customer[contracts.get(r, "contract_id")] = customer;
      const std::vector<std::string> row = {contracts.get(r, "contract_id"),
                                            customer,
                                            kind,
                                            contracts.get(r, "plan"),
                                            contracts.get(r, "start_date"),
                                            contracts.get(r, "status"),
                                            contracts.get(r, "company"),
                                            contracts.extra(r)};
      for (std::size_t c = 0; c < row.size(); ++c) {
        contr.texts[c].push_back(row[c]);
      }
      contr.ints[0].push_back(members);
    }
  }
  report.contracts.read = contracts.rows();

  // --- invoices ----------------------------------------------------------------------------
  Table inv{"ref_invoice",
            {"invoice_id"},
            {"invoice_id", "customer_id", "contract_id", "issue_date", "due_date", "extra"},
            {"amount"},
            {"contract_id"},
            {},
            {}};
  inv.init();
  std::unordered_map<std::string, std::string> invoice_customer;
  {
    std::unordered_map<std::string_view, std::size_t> first;
    for (std::size_t r = 0; r < invoices.rows(); ++r) {
      require_id(invoices, r, "invoice_id");
      unique_or_refuse(invoices, r, "invoice_id", first);
      const std::string &customer = invoices.get(r, "customer_id");
      if (customer_ids.count(customer) == 0) {
        invoices.refuse(r, "customer_id", "unknown customer (not in customers.csv nor in the database)");
      }
      const std::string &contract = invoices.get(r, "contract_id");
      if (!contract.empty()) {
        auto it = contract_customer.find(contract);
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
        invoices.refuse(r, "due_date", "before the issue date " + invoices.get(r, "issue_date"));
      }
      const auto amount = amount_or_refuse(invoices, r, "amount", true);
      invoice_customer[invoices.get(r, "invoice_id")] = customer;
      const std::vector<std::string> row = {
          invoices.get(r, "invoice_id"), customer,         contract, invoices.get(r, "issue_date"),
          invoices.get(r, "due_date"),   invoices.extra(r)};
      for (std::size_t c = 0; c < row.size(); ++c) {
        inv.texts[c].push_back(row[c]);
      }
      inv.ints[0].push_back(amount);
    }
  }
  report.invoices.read = invoices.rows();

  // --- payments ----------------------------------------------------------------------------
  Table pay{"ref_payment",
            {"payment_id"},
            {"payment_id", "customer_id", "paid_on", "method", "reference", "extra"},
            {"amount"},
            {},
            {},
            {}};
  Table app{"ref_application",
            {"payment_id", "invoice_id"},
            {"payment_id", "invoice_id", "applied_on"},
            {"amount"},
            {},
            {},
            {}};
  pay.init();
  app.init();
  std::unordered_map<std::string, std::size_t> last_payment_row_of_invoice;
  {
    std::unordered_map<std::string_view, std::size_t> first;
    for (std::size_t r = 0; r < payments.rows(); ++r) {
      require_id(payments, r, "payment_id");
      unique_or_refuse(payments, r, "payment_id", first);
      const std::string &customer = payments.get(r, "customer_id");
      if (customer_ids.count(customer) == 0) {
        payments.refuse(r, "customer_id", "unknown customer (not in customers.csv nor in the database)");
      }
      date_or_refuse(payments, r, "date");
      const auto amount = amount_or_refuse(payments, r, "amount", false);
      require_text(payments, r, "method");
      const std::string &invoice = payments.get(r, "invoice_id");
      if (!invoice.empty()) {
        auto it = invoice_customer.find(invoice);
        std::string owner;
        if (it != invoice_customer.end()) {
          owner = it->second;
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
        app.texts[1].push_back(invoice);
        app.texts[2].push_back(payments.get(r, "date"));
        app.ints[0].push_back(amount);
        last_payment_row_of_invoice[invoice] = r;
      }
      const std::vector<std::string> row = {payments.get(r, "payment_id"), customer,
                                            payments.get(r, "date"),       payments.get(r, "method"),
                                            payments.get(r, "reference"),  payments.extra(r)};
      for (std::size_t c = 0; c < row.size(); ++c) {
        pay.texts[c].push_back(row[c]);
      }
      pay.ints[0].push_back(amount);
    }
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

  // --- write, all in one transaction -------------------------------------------------------
  const std::uint64_t total = agency.size() + advisor.size() + company.size() + cust.size() + contact.size() +
                              contr.size() + inv.size() + pay.size() + app.size();
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
    soci::transaction tr(s);
    write(db, agency, progress, "importing agencies", done, total);
    write(db, advisor, progress, "importing advisors", done, total);
    write(db, company, progress, "importing companies", done, total);
    report.customers.written = write(db, cust, progress, "importing customers", done, total);
    write(db, contact, progress, "importing contacts", done, total);
    report.contracts.written = write(db, contr, progress, "importing contracts", done, total);
    report.invoices.written = write(db, inv, progress, "importing invoices", done, total);
    report.payments.written = write(db, pay, progress, "importing payments", done, total);
    report.applications.written = write(db, app, progress, "importing applications", done, total);

    // A payment cannot settle more than an invoice is worth (with what the database held).
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
    tr.commit();
  } catch (const soci::soci_error &e) {
    runtime::fail("import into " + db.display_url + ": " + e.get_error_message());
  }
  return report;
}

} // namespace cartera::reference
