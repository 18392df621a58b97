#include "reference/import.hpp"

#include "base/failure.hpp"
#include "reference/csv_reader.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>

#include <soci/sqlite3/soci-sqlite3.h>

#include <deque>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace cartera::reference {

namespace fs = std::filesystem;
using runtime::refuse_input;

namespace {

constexpr std::size_t kBatch = 5000;

// One table's rows as columns of text (dates ISO) and integers, ready for bulk binding. The
// texts are views into the export's own rows, which outlive the import, or into a Kept (what
// the import computed): twenty million invoice lines are not copied a second time.
struct Table {
  std::string name;
  std::vector<std::string> key;       // conflict target
  std::vector<std::string> text_cols; // bound as text
  std::vector<std::string> int_cols;  // bound as integers
  std::vector<std::string> nullable;  // text columns where empty means NULL (optional references)
  std::vector<std::vector<std::string_view>> texts;
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

// Values the import computes (a normalised NIT, the extra columns), kept for Table's views.
class Kept {
public:
  std::string_view operator()(std::string value) {
    if (value.empty()) {
      return empty_; // most rows have no extra columns
    }
    return values_.emplace_back(std::move(value));
  }

private:
  std::string empty_;
  std::deque<std::string> values_; // never moves what it holds
};

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
      const std::string_view v = t.texts[c][r];
      if (text_nullable[c] && v.empty()) {
        sqlite3_bind_null(st, text_index[c]);
      } else {
        // A null pointer would bind NULL: an empty view of nothing is still the empty text.
        sqlite3_bind_text(st, text_index[c], v.data() != nullptr ? v.data() : "", static_cast<int>(v.size()),
                          SQLITE_STATIC);
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

std::int64_t amount_or_refuse(const Rows &f, std::size_t row, const std::string &col, bool zero_ok,
                              bool negative_ok = false) {
  const auto a = sdk::parse_pesos(f.get(row, col), negative_ok);
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
  const std::string_view v = f.get(row, col);
  if (v.empty() || v.size() > 64) {
    f.refuse(row, col, "an id is 1 to 64 characters");
  }
  for (unsigned char c : v) {
    if (c < 0x20 || c == 0x7F) {
      f.refuse(row, col, "an id has no control characters");
    }
  }
}

// A whole number of at least `least`, written as digits alone.
long long whole_or_refuse(const Rows &f, std::size_t row, const std::string &col, long long least,
                          const std::string &why) {
  const std::string_view v = f.get(row, col);
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(std::string(v), &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != v.size() || n < least || !std::isdigit(static_cast<unsigned char>(v.front()))) {
    f.refuse(row, col, why);
  }
  return n;
}

// first_line keys on views into the CSV's own storage, which outlives the check.
void unique_or_refuse(const Rows &f, std::size_t row, const std::string &col,
                      std::unordered_map<std::string_view, std::size_t> &first_line) {
  const std::string_view id = f.get(row, col);
  const auto [it, inserted] = first_line.try_emplace(id, f.line(row));
  if (!inserted) {
    f.refuse(row, col, "duplicate " + col + " (first on line " + std::to_string(it->second) + ")");
  }
}

// An optional file the export does not have: no rows.
class NoRows : public Rows {
public:
  [[nodiscard]] std::size_t rows() const noexcept override { return 0; }
  [[nodiscard]] std::size_t line(std::size_t /*row*/) const noexcept override { return 0; }
  [[nodiscard]] std::string_view get(std::size_t /*row*/, const std::string & /*column*/) const override { return {}; }
  [[nodiscard]] std::string extra(std::size_t /*row*/) const override { return {}; }
  [[noreturn]] void refuse(std::size_t /*row*/, const std::string &column, const std::string &why) const override {
    refuse_input(column + ": " + why); // no row to name: not reachable, there are none
  }
};

// What the lines of the export need to know of each invoice they name, from the files or the
// database.
struct InvoiceFacts {
  std::string customer;
  std::string contract;                                    // "" when the invoice names none
  std::int64_t amount = 0;                                 // centavos
  std::size_t row = static_cast<std::size_t>(-1);          // in invoices.csv; -1: in the database
  std::int64_t lines_sum = 0;                              // of its lines in invoice_lines.csv
  std::size_t last_line_row = 0;                           // its last line there
  std::vector<std::pair<long long, std::size_t>> line_nos; // line_no, row
};

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
const std::vector<std::string> kMemberColumns = {"member_id",  "contract_id", "name",
                                                 "birth_date", "joined_on",   "left_on"};
const std::vector<std::string> kInvoiceLineColumns = {"invoice_id", "line_no",  "member_id",   "concept",
                                                      "plan",       "age_band", "description", "amount"};

// members.csv and invoice_lines.csv came later than the other four: an export without them
// imports as before.
std::unique_ptr<Rows> optional_csv(const fs::path &path, const std::vector<std::string> &columns) {
  if (!fs::exists(path)) {
    return std::make_unique<NoRows>();
  }
  return std::make_unique<CsvFile>(path, columns);
}
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
  e.members = optional_csv(dir / "members.csv", kMemberColumns);
  e.invoice_lines = optional_csv(dir / "invoice_lines.csv", kInvoiceLineColumns);
  return e;
}

ExportFiles read_xml_export(const std::string &file, const std::string &text) {
  ExportFiles e;
  e.customers = std::make_unique<XmlRows>(file, text, "customers", "customer", kCustomerColumns);
  e.contracts = std::make_unique<XmlRows>(file, text, "contracts", "contract", kContractColumns);
  e.invoices = std::make_unique<XmlRows>(file, text, "invoices", "invoice", kInvoiceColumns);
  e.payments = std::make_unique<XmlRows>(file, text, "payments", "payment", kPaymentColumns);
  e.members = std::make_unique<XmlRows>(file, text, "members", "member", kMemberColumns);
  e.invoice_lines = std::make_unique<XmlRows>(file, text, "invoice-lines", "invoice-line", kInvoiceLineColumns);
  return e;
}

ImportReport import_export(sql::Database &db, const ExportFiles &files, const Progress &progress) {
  soci::session &s = *db.session;
  const Rows &customers = *files.customers;
  const Rows &contracts = *files.contracts;
  const Rows &invoices = *files.invoices;
  const Rows &payments = *files.payments;
  const Rows &member_rows = *files.members;
  const Rows &lines = *files.invoice_lines;

  ImportReport report;
  Kept kept;
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
  }
  report.contracts.read = contracts.rows();

  // --- members -----------------------------------------------------------------------------
  Table mem{"ref_member",
            {"member_id"},
            {"member_id", "contract_id", "name", "birth_date", "joined_on", "left_on", "extra"},
            {},
            {"left_on"},
            {},
            {}};
  mem.init();
  // The contract of every member the lines may name: the database's only when there are lines
  // (a large company's members need not be read to import its payments).
  std::unordered_map<std::string, std::string> member_contract;
  if (lines.rows() > 0) {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT member_id, contract_id FROM ref_member");
    for (const auto &r : rs) {
      member_contract[r.get<std::string>(0)] = r.get<std::string>(1);
    }
  }
  {
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
  }
  report.members.read = member_rows.rows();

  // --- invoices ----------------------------------------------------------------------------
  Table inv{"ref_invoice",
            {"invoice_id"},
            {"invoice_id", "customer_id", "contract_id", "issue_date", "due_date", "extra"},
            {"amount"},
            {"contract_id"},
            {},
            {}};
  inv.init();
  std::unordered_map<std::string, InvoiceFacts> invoice_facts;
  {
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
  }
  report.invoices.read = invoices.rows();

  // --- invoice lines -----------------------------------------------------------------------
  Table lin{"ref_invoice_line",
            {"invoice_id", "line_no"},
            {"invoice_id", "member_id", "concept", "plan", "age_band", "description"},
            {"line_no", "amount"},
            {"member_id"},
            {},
            {}};
  lin.init();
  // Invoices in the order their first line comes, so that of several mistakes the one met
  // first in the file is the one reported.
  std::vector<std::pair<const std::string *, InvoiceFacts *>> lined;
  bool db_had_lines = false;
  {
    int any = 0;
    s << "SELECT COUNT(*) FROM (SELECT 1 FROM ref_invoice_line LIMIT 1) t", soci::into(any);
    db_had_lines = any != 0;
  }
  for (std::size_t r = 0; r < lines.rows(); ++r) {
    require_id(lines, r, "invoice_id");
    const std::string_view invoice = lines.get(r, "invoice_id");
    auto it = invoice_facts.find(std::string(invoice));
    if (it == invoice_facts.end()) {
      const std::string id(invoice);
      InvoiceFacts facts;
      soci::indicator ind = soci::i_null;
      long long amount = 0;
      s << "SELECT customer_id, COALESCE(contract_id, ''), amount FROM ref_invoice WHERE invoice_id = :i",
          soci::into(facts.customer, ind), soci::into(facts.contract), soci::into(amount), soci::use(id);
      if (ind != soci::i_ok) {
        lines.refuse(r, "invoice_id", "unknown invoice (not in invoices.csv nor in the database)");
      }
      facts.amount = amount;
      it = invoice_facts.emplace(id, std::move(facts)).first;
    }
    InvoiceFacts &facts = it->second;
    if (facts.line_nos.empty()) {
      lined.emplace_back(&it->first, &facts);
    }
    const long long line_no = whole_or_refuse(lines, r, "line_no", 1, "a whole line number, at least 1");
    facts.line_nos.emplace_back(line_no, r);
    const std::string_view member = lines.get(r, "member_id");
    if (!member.empty()) {
      const auto m = member_contract.find(std::string(member));
      if (m == member_contract.end()) {
        lines.refuse(r, "member_id", "unknown member (not in members.csv nor in the database)");
      }
      if (facts.contract.empty()) {
        lines.refuse(r, "member_id", "the invoice names no contract; the member belongs to contract " + m->second);
      }
      if (m->second != facts.contract) {
        lines.refuse(r, "member_id",
                     "the member belongs to contract " + m->second + ", the invoice to " + facts.contract);
      }
    }
    const std::string_view line_concept = lines.get(r, "concept");
    if (line_concept != "fee" && line_concept != "adjustment" && line_concept != "interest" &&
        line_concept != "other") {
      lines.refuse(r, "concept", "expected fee, adjustment, interest or other");
    }
    if (line_concept == "fee") {
      require_text(lines, r, "plan"); // a fee is a plan's tariff
    }
    require_text(lines, r, "description");
    // Signed: an adjustment may give back part of a month.
    const auto amount = amount_or_refuse(lines, r, "amount", true, true);
    cartera::sdk::accumulate_centavos(facts.lines_sum, amount);
    facts.last_line_row = r;
    const std::vector<std::string_view> row = {
        invoice, member, line_concept, lines.get(r, "plan"), lines.get(r, "age_band"), lines.get(r, "description")};
    for (std::size_t c = 0; c < row.size(); ++c) {
      lin.texts[c].push_back(row[c]);
    }
    lin.ints[0].push_back(line_no);
    lin.ints[1].push_back(amount);
  }
  // A line number twice in one invoice: the second time it comes is the one refused. Lines
  // usually come in order, which needs no sorting to see.
  {
    std::size_t worst = static_cast<std::size_t>(-1);
    std::size_t first_of_worst = 0;
    const std::string *worst_invoice = nullptr;
    for (const auto &[id, facts] : lined) {
      const auto &nos = facts->line_nos;
      if (std::adjacent_find(nos.begin(), nos.end(), [](const auto &a, const auto &b) { return a.first >= b.first; }) ==
          nos.end()) {
        continue;
      }
      auto sorted = nos;
      std::sort(sorted.begin(), sorted.end());
      for (std::size_t k = 1; k < sorted.size(); ++k) {
        if (sorted[k].first == sorted[k - 1].first && sorted[k].second < worst) {
          worst = sorted[k].second;
          first_of_worst = sorted[k - 1].second;
          worst_invoice = id;
        }
      }
    }
    if (worst_invoice != nullptr) {
      lines.refuse(worst, "line_no",
                   "duplicate line " + std::string(lines.get(worst, "line_no")) + " of invoice " + *worst_invoice +
                       " (first on line " + std::to_string(lines.line(first_of_worst)) + ")");
    }
  }
  // An invoice's lines add up to its amount. When the database held no lines before, the
  // files hold every line there will be and this is the whole check; otherwise the database
  // is checked after writing (below), with what it already had.
  const auto lines_do_not_add_up = [&](const std::string &invoice, const InvoiceFacts &facts, std::int64_t sum) {
    return "the lines of invoice " + invoice + " add up to " + sdk::format_pesos_plain(sum) + ", its amount is " +
           sdk::format_pesos_plain(facts.amount);
  };
  if (!db_had_lines) {
    for (const auto &[id, facts] : lined) {
      if (facts->lines_sum != facts->amount) {
        lines.refuse(facts->last_line_row, "amount", lines_do_not_add_up(*id, *facts, facts->lines_sum));
      }
    }
  }
  report.invoice_lines.read = lines.rows();

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
    write(db, agency, progress, "importing agencies", done, total);
    write(db, advisor, progress, "importing advisors", done, total);
    write(db, company, progress, "importing companies", done, total);
    report.customers.written = write(db, cust, progress, "importing customers", done, total);
    write(db, contact, progress, "importing contacts", done, total);
    report.contracts.written = write(db, contr, progress, "importing contracts", done, total);
    report.members.written = write(db, mem, progress, "importing members", done, total);
    report.invoices.written = write(db, inv, progress, "importing invoices", done, total);
    report.invoice_lines.written = write(db, lin, progress, "importing invoice lines", done, total);
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

    // With the lines an earlier import left: every invoice that has lines is their sum (an
    // invoice whose amount changed while its lines did not, or a line added to an invoice's).
    if (db_had_lines && (invoices.rows() > 0 || lines.rows() > 0)) {
      std::string invoice;
      long long sum = 0;
      soci::indicator found = soci::i_null;
      s << "SELECT i.invoice_id, i.amount, l.total FROM ref_invoice i "
           "JOIN (SELECT invoice_id, SUM(amount) AS total FROM ref_invoice_line GROUP BY invoice_id) l "
           "ON l.invoice_id = i.invoice_id WHERE l.total <> i.amount ORDER BY i.invoice_id LIMIT 1",
          soci::into(invoice, found), soci::into(amount), soci::into(sum);
      if (found == soci::i_ok) {
        tr.rollback();
        const InvoiceFacts &facts = invoice_facts[invoice];
        InvoiceFacts db_facts = facts;
        db_facts.amount = amount;
        const std::string why = lines_do_not_add_up(invoice, db_facts, sum) + " (with the lines already imported)";
        if (!facts.line_nos.empty()) {
          lines.refuse(facts.last_line_row, "amount", why);
        }
        if (facts.row != static_cast<std::size_t>(-1)) {
          invoices.refuse(facts.row, "amount", why);
        }
        refuse_input("invoice_lines: " + why); // neither in this export: not reachable
      }
    }
    tr.commit();
  } catch (const soci::soci_error &e) {
    runtime::fail("import into " + db.display_url + ": " + e.get_error_message());
  }
  return report;
}

} // namespace cartera::reference
