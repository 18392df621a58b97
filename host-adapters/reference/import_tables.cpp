#include "reference/import_tables.hpp"

#include "base/failure.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <memory>

namespace cartera::reference {

namespace {

constexpr std::size_t kBatch = 5000;

// INSERT ... ON CONFLICT (key) DO UPDATE SET every other column WHERE one of them differs: an
// identical row is left alone and not counted. Built from the tables' fixed column names, never
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

} // namespace

std::size_t write_table(const sql::Database &db, const Table &t, const Progress &progress, const std::string &stage,
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

} // namespace cartera::reference
