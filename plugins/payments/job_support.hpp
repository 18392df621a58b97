// What every job file of the payments module uses that the SDK does not give: the run's date in
// Bogotá, --as-of, and rows copied from an operation. Internal to the module (payments.hpp has
// the jobs), in one place so that no file keeps its own copy. Result columns, amounts, attributes
// and dates come from the SDK (cartera/sdk/result.hpp, money.hpp, text.hpp, date.hpp).
#pragma once

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cartera::payments::support {

// The run's clock as documents write it: "2026-11-22T15:04:05Z".
inline std::string iso_now(Context &ctx) {
  return cartera::sdk::format_iso_instant_utc(ctx.now_utc_us());
}

// Today in Bogotá, from the run's clock.
inline std::int64_t today(Context &ctx) {
  return cartera::sdk::bogota_date(ctx.now_utc_us());
}

// --as-of, or today.
inline std::int64_t as_of(Context &ctx) {
  const auto d = ctx.date_param("as-of");
  return d ? d->days : today(ctx);
}

// What an operation of rows (invoice_id, amount) gives, by invoice: what cartera holds against
// each invoice (pay_pending_by_invoice, pay_approved_by_invoice).
inline std::unordered_map<std::string, std::int64_t> amounts_by_invoice(Context &ctx, std::string_view operation) {
  std::unordered_map<std::string, std::int64_t> by_invoice;
  cartera::Operation op = ctx.operation(operation);
  const auto [invoice_id, amount] = op.columns<Text, Centavos>("invoice_id", "amount");
  op.execute();
  while (op.step()) {
    by_invoice[std::string(op[invoice_id])] = op[amount].value;
  }
  return by_invoice;
}

// An operation's rows straight to the result, as the columns declare them. By position on
// purpose: a pure pass-through, column i of the operation is column i of the result, each value
// (NULL included) handed on as the host gave it and never read here; cols names the result's
// columns, in the operation's order (payments.operations.xml). A job that reads a value reads
// it by name (cartera::Column).
inline void copy_rows(Context &ctx, cartera::Operation &op, const std::vector<cartera_column> &cols) {
  ctx.columns(cols);
  std::vector<cartera_value> row(cols.size());
  while (op.step()) {
    for (std::uint32_t i = 0; i < row.size(); ++i) {
      row[i] = op.column(i);
    }
    ctx.row(row);
  }
}

} // namespace cartera::payments::support
