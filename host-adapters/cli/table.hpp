// Small helper so that the built-in commands print through the same renderers as module
// jobs (table for people, csv/xml/json for programs).
#pragma once

#include "base/failure.hpp"
#include "runtime/call/render.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace cartera::cli {

inline runtime::OwnedValue text_cell(std::string s) {
  return runtime::OwnedValue{CARTERA_TYPE_TEXT, 0, std::move(s)};
}

inline void print_rows(const std::string &format, const std::string &what, const std::vector<std::string> &columns,
                       const std::vector<std::vector<std::string>> &rows, std::ostream &out = std::cout) {
  if (format != "table" && format != "csv" && format != "xml" && format != "json") {
    runtime::usage_error(what + ": --format must be table, csv, xml or json");
  }
  auto sink = runtime::make_sink(format, out, "cartera", what);
  std::vector<runtime::ResultColumn> cols;
  cols.reserve(columns.size());
  for (const auto &c : columns) {
    cols.push_back(runtime::ResultColumn{c, CARTERA_TYPE_TEXT});
  }
  sink->columns(cols);
  for (const auto &r : rows) {
    std::vector<runtime::OwnedValue> values;
    values.reserve(r.size());
    for (const auto &c : r) {
      values.push_back(text_cell(c));
    }
    sink->row(values);
  }
  sink->finish();
}

} // namespace cartera::cli
