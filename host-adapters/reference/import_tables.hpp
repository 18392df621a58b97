// The import's rows as tables of columns, and how each table is written: upserts that leave an
// identical row alone, through sqlite3 itself on native SQLite, row by row through ODBC, in
// batches through SOCI elsewhere (README "Import semantics").
#pragma once

#include "reference/import.hpp"
#include "sql/database.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::reference {

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

// Upserts every row of t in the caller's transaction and returns how many were new or changed;
// done counts rows across tables for progress(done, total, stage).
std::size_t write_table(const sql::Database &db, const Table &t, const Progress &progress, const std::string &stage,
                        std::uint64_t &done, std::uint64_t total);

} // namespace cartera::reference
