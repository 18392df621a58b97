#include "sql/operations.hpp"

#include "base/failure.hpp"

#include <cartera/sdk/date.hpp>

// SOCI includes sqlite3.h inside namespace sqlite_api (and its include guard keeps a second
// include out), so the C API is reached through that namespace.
#include <soci/sqlite3/soci-sqlite3.h>

#include <deque>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace cartera::sql {

using runtime::OwnedValue;
using namespace sqlite_api;

std::int64_t date_from_text(std::string_view text, const std::string &op, const std::string &column) {
  const auto d = sdk::parse_iso_date(text.substr(0, 10));
  if (!d || (text.size() > 10 && text[10] != ' ' && text[10] != 'T')) {
    throw std::runtime_error("operation " + op + ": column " + column + ": '" + std::string(text) + "' is not a date");
  }
  return *d;
}

namespace {

// What both cursors share: the spec, the typed binds of each row, the checks.
class OperationBase : public runtime::PreparedOperation {
public:
  explicit OperationBase(const OperationSpec &spec) : spec_(spec) {}

  void bind(const std::string &name, const OwnedValue &value) override {
    const TypedName *p = spec_.find_param(name);
    if (p == nullptr) {
      throw std::invalid_argument("operation " + spec_.name + " has no parameter '" + name + "'");
    }
    if (p->host_supplied) {
      throw std::invalid_argument("operation " + spec_.name + ": parameter '" + name +
                                  "' is supplied by the host, not by modules");
    }
    if (value.type != CARTERA_TYPE_NULL && value.type != p->type) {
      throw std::invalid_argument("operation " + spec_.name + ": parameter '" + name + "' is " + type_word(p->type) +
                                  ", the value is " + type_word(value.type));
    }
    current_[name] = value;
  }

  // The runtime's own values (cartera.xml's time zone), bound into every row.
  void supply(const std::map<std::string, std::string> &values) {
    for (const auto &p : spec_.params) {
      if (p.host_supplied) {
        OwnedValue v;
        v.type = CARTERA_TYPE_TEXT;
        v.s = values.count(p.name) != 0 ? values.at(p.name) : std::string();
        supplied_[p.name] = std::move(v);
      }
    }
  }

  void add_row() override { rows_.push_back(take_added_row()); }

  [[nodiscard]] std::uint32_t column_count() const override { return static_cast<std::uint32_t>(spec_.columns.size()); }
  [[nodiscard]] const std::string &column_name(std::uint32_t i) const override { return spec_.columns.at(i).name; }

protected:
  using Row = std::map<std::string, OwnedValue>;

  // The row just bound, with the host's values, checked complete; current_ starts afresh.
  Row take_added_row() {
    if (!spec_.writes) {
      throw std::logic_error("operation " + spec_.name + " reads; only writes take several rows");
    }
    current_.insert(supplied_.begin(), supplied_.end());
    complete(current_);
    Row row = std::move(current_);
    current_.clear();
    return row;
  }

  void complete(const Row &row) const {
    for (const auto &p : spec_.params) {
      if (row.count(p.name) == 0) {
        throw std::invalid_argument("operation " + spec_.name + ": parameter '" + p.name + "' was not bound");
      }
    }
  }

  // The rows to write, or the one row of parameters of a read.
  std::vector<Row> take_rows() {
    if (!current_.empty() || rows_.empty()) {
      current_.insert(supplied_.begin(), supplied_.end());
      complete(current_);
      rows_.push_back(std::move(current_));
      current_.clear();
    }
    return std::move(rows_);
  }

  static std::string as_text(const OwnedValue &v) {
    return v.type == CARTERA_TYPE_DATE ? sdk::format_iso_date(v.i) : v.s;
  }

  const OperationSpec &spec_;
  Row supplied_;
  Row current_;
  std::vector<Row> rows_;
};

// --- sqlite3, directly ------------------------------------------------------------------------

class SqliteOperation : public OperationBase {
public:
  SqliteOperation(sqlite3 *db, const OperationSpec &spec, const std::string &sql) : OperationBase(spec), db_(db) {
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error("operation " + spec.name + ": " + sqlite3_errmsg(db_));
    }
  }
  ~SqliteOperation() override { sqlite3_finalize(stmt_); }
  SqliteOperation(const SqliteOperation &) = delete;
  SqliteOperation &operator=(const SqliteOperation &) = delete;

  // A write's rows go to SQLite as they are added: 100,000 bank movements are never all held
  // in memory as bound values (the run's transaction still makes them all or nothing).
  void add_row() override {
    streamed_ += run_row(take_added_row());
    any_streamed_ = true;
  }

  std::int64_t execute() override {
    std::int64_t affected = streamed_;
    streamed_ = 0;
    if (any_streamed_ && current_.empty()) {
      any_streamed_ = false;
      return affected;
    }
    any_streamed_ = false;
    for (const Row &row : take_rows()) {
      if (!spec_.writes) {
        bind_row(row);
        return 0; // the caller steps through the rows
      }
      affected += run_row(row);
    }
    return affected;
  }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc == SQLITE_DONE) {
      return false;
    }
    throw std::runtime_error("operation " + spec_.name + ": " + sqlite3_errmsg(db_));
  }

  [[nodiscard]] cartera_value column(std::uint32_t i) const override {
    const TypedName &col = spec_.columns.at(i);
    const int idx = static_cast<int>(i);
    if (sqlite3_column_type(stmt_, idx) == SQLITE_NULL) {
      return cartera_value{CARTERA_TYPE_NULL, 0, 0, {}};
    }
    switch (col.type) {
    case CARTERA_TYPE_TEXT: {
      const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt_, idx));
      return cartera_value{CARTERA_TYPE_TEXT, 0, 0, {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, idx))}};
    }
    case CARTERA_TYPE_DATE: {
      const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt_, idx));
      const std::string_view text(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, idx)));
      return cartera_value{CARTERA_TYPE_DATE, 0, date_from_text(text, spec_.name, col.name), {}};
    }
    default:
      return cartera_value{col.type, 0, sqlite3_column_int64(stmt_, idx), {}};
    }
  }

private:
  void bind_row(const Row &row) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    for (const auto &[name, value] : row) {
      bind_one(name, value);
    }
  }

  std::int64_t run_row(const Row &row) {
    bind_row(row);
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) {
      rc = sqlite3_step(stmt_);
    }
    if (rc != SQLITE_DONE) {
      throw std::runtime_error("operation " + spec_.name + ": " + sqlite3_errmsg(db_));
    }
    return sqlite3_changes(db_);
  }

  void bind_one(const std::string &name, const OwnedValue &v) {
    auto cached = index_.find(name);
    if (cached == index_.end()) {
      cached = index_.emplace(name, sqlite3_bind_parameter_index(stmt_, (":" + name).c_str())).first;
    }
    const int idx = cached->second;
    if (idx == 0) {
      throw std::logic_error("operation " + spec_.name + ": its SQL has no :" + name);
    }
    int rc = SQLITE_OK;
    if (v.type == CARTERA_TYPE_NULL) {
      rc = sqlite3_bind_null(stmt_, idx);
    } else if (v.type == CARTERA_TYPE_TEXT) {
      rc = sqlite3_bind_text(stmt_, idx, v.s.data(), static_cast<int>(v.s.size()), SQLITE_TRANSIENT);
    } else if (v.type == CARTERA_TYPE_DATE) {
      const std::string text = as_text(v);
      rc = sqlite3_bind_text(stmt_, idx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_int64(stmt_, idx, v.i);
    }
    if (rc != SQLITE_OK) {
      throw std::runtime_error("operation " + spec_.name + ": " + sqlite3_errmsg(db_));
    }
  }

  sqlite3 *db_;
  sqlite3_stmt *stmt_ = nullptr;
  std::unordered_map<std::string, int> index_; // parameter name -> position in the statement
  std::int64_t streamed_ = 0;
  bool any_streamed_ = false;
};

// --- SOCI (PostgreSQL, ODBC) -----------------------------------------------------------------

long long integer_from_row(const soci::row &r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
  case soci::dt_integer:
    return r.get<int>(i);
  case soci::dt_long_long:
    return r.get<long long>(i);
  case soci::dt_unsigned_long_long:
    return static_cast<long long>(r.get<unsigned long long>(i));
  case soci::dt_string: {
    const std::string s = r.get<std::string>(i);
    if (s == "t" || s == "true") {
      return 1;
    }
    if (s == "f" || s == "false") {
      return 0;
    }
    std::size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used != s.size()) {
      throw std::runtime_error("'" + s + "' is not an integer");
    }
    return v;
  }
  case soci::dt_double: {
    // Some ODBC drivers report integer expressions as double; accept only exact integers.
    const double d = r.get<double>(i);
    const auto v = static_cast<long long>(d);
    if (static_cast<double>(v) != d) {
      throw std::runtime_error("a fractional number where an integer was expected");
    }
    return v;
  }
  default:
    throw std::runtime_error("unexpected column type");
  }
}

class SociOperation : public OperationBase {
public:
  SociOperation(soci::session &session, const OperationSpec &spec, std::string sql)
      : OperationBase(spec), session_(session), sql_(std::move(sql)) {}

  std::int64_t execute() override {
    std::vector<Row> rows = take_rows();
    if (!spec_.writes) {
      read(rows.front());
      return 0;
    }
    return write(rows);
  }

  bool step() override {
    if (!statement_) {
      throw std::logic_error("operation " + spec_.name + ": step before execute");
    }
    if (first_) {
      first_ = false;
      return has_first_;
    }
    return statement_->fetch();
  }

  [[nodiscard]] cartera_value column(std::uint32_t i) const override {
    const TypedName &col = spec_.columns.at(i);
    if (i >= row_.size()) {
      throw std::runtime_error("operation " + spec_.name + ": its SQL returns " + std::to_string(row_.size()) +
                               " columns, the catalog declares " + std::to_string(spec_.columns.size()));
    }
    if (row_.get_indicator(i) == soci::i_null) {
      return cartera_value{CARTERA_TYPE_NULL, 0, 0, {}};
    }
    try {
      switch (col.type) {
      case CARTERA_TYPE_TEXT:
        texts_[i] = row_.get<std::string>(i);
        return cartera_value{CARTERA_TYPE_TEXT, 0, 0, {texts_[i].data(), texts_[i].size()}};
      case CARTERA_TYPE_DATE:
        if (row_.get_properties(i).get_data_type() == soci::dt_date) {
          const std::tm t = row_.get<std::tm>(i);
          return cartera_value{CARTERA_TYPE_DATE,
                               0,
                               sdk::days_from_civil({t.tm_year + 1900, static_cast<std::uint32_t>(t.tm_mon + 1),
                                                     static_cast<std::uint32_t>(t.tm_mday)}),
                               {}};
        }
        return cartera_value{CARTERA_TYPE_DATE, 0, date_from_text(row_.get<std::string>(i), spec_.name, col.name), {}};
      default:
        return cartera_value{col.type, 0, integer_from_row(row_, i), {}};
      }
    } catch (const std::bad_cast &) {
      throw std::runtime_error("operation " + spec_.name + ": column " + col.name + " does not hold " +
                               type_word(col.type));
    }
  }

private:
  // Scalar storage for a read's parameters; addresses must stay put while bound.
  struct Scalar {
    std::string text;
    long long integer = 0;
    soci::indicator ind = soci::i_ok;
  };

  void read(const Row &row) {
    soci::details::prepare_temp_type pt = (session_.prepare << sql_);
    pt, soci::into(row_);
    for (const auto &p : spec_.params) {
      const OwnedValue &v = row.at(p.name);
      Scalar &s = scalars_.emplace_back();
      s.ind = v.type == CARTERA_TYPE_NULL ? soci::i_null : soci::i_ok;
      if (p.type == CARTERA_TYPE_TEXT || p.type == CARTERA_TYPE_DATE) {
        s.text = as_text(v);
        pt, soci::use(s.text, s.ind, p.name);
      } else {
        s.integer = v.i;
        pt, soci::use(s.integer, s.ind, p.name);
      }
    }
    statement_ = std::make_unique<soci::statement>(pt);
    has_first_ = statement_->execute(true);
    texts_.assign(spec_.columns.size(), std::string());
  }

  std::int64_t write(const std::vector<Row> &rows) {
    struct Column {
      std::vector<std::string> texts;
      std::vector<long long> integers;
      std::vector<soci::indicator> inds;
    };
    std::deque<Column> columns;
    soci::details::prepare_temp_type pt = (session_.prepare << sql_);
    for (const auto &p : spec_.params) {
      Column &c = columns.emplace_back();
      const bool text = p.type == CARTERA_TYPE_TEXT || p.type == CARTERA_TYPE_DATE;
      for (const Row &r : rows) {
        const OwnedValue &v = r.at(p.name);
        c.inds.push_back(v.type == CARTERA_TYPE_NULL ? soci::i_null : soci::i_ok);
        if (text) {
          c.texts.push_back(as_text(v));
        } else {
          c.integers.push_back(v.i);
        }
      }
      if (text) {
        pt, soci::use(c.texts, c.inds, p.name);
      } else {
        pt, soci::use(c.integers, c.inds, p.name);
      }
    }
    soci::statement st(pt);
    st.execute(true);
    return st.get_affected_rows();
  }

  soci::session &session_;
  std::string sql_;
  soci::row row_;
  std::deque<Scalar> scalars_;
  std::unique_ptr<soci::statement> statement_;
  mutable std::vector<std::string> texts_;
  bool first_ = true;
  bool has_first_ = false;
};

} // namespace

bool CatalogDataAccess::has_operation(const std::string &name) const {
  const OperationSpec *op = catalog_.find(name);
  return op != nullptr && op->sql.count(db_.dialect) != 0;
}

std::unique_ptr<runtime::PreparedOperation> CatalogDataAccess::prepare(const std::string &name) {
  const OperationSpec *op = catalog_.find(name);
  if (op == nullptr || op->sql.count(db_.dialect) == 0) {
    throw std::runtime_error("the '" + catalog_.adapter + "' adapter has no operation '" + name + "' for " +
                             dialect_name(db_.dialect));
  }
  const std::string &sql = op->sql.at(db_.dialect);
  if (db_.dialect == Dialect::kSqlite && !db_.via_odbc) {
    auto *backend = static_cast<soci::sqlite3_session_backend *>(db_.session->get_backend());
    auto prepared = std::make_unique<SqliteOperation>(backend->conn_, *op, sql);
    prepared->supply(host_params_);
    return prepared;
  }
  auto prepared = std::make_unique<SociOperation>(*db_.session, *op, sql);
  prepared->supply(host_params_);
  return prepared;
}

} // namespace cartera::sql
