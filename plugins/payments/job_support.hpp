// What every job file of the payments module uses: result columns, amounts and dates as this
// module's documents write them, the run's clock, and rows copied from an operation. Internal to
// the module (payments.hpp has the jobs), in one place so that no file keeps its own copy.
#pragma once

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments::support {

inline cartera_column column(std::string_view name, std::int32_t type) {
  return {cartera::str(name), type, 0};
}

// Amounts in the documents this module writes: "16000.00".
inline std::string pesos(std::int64_t centavos) {
  return cartera::sdk::format_pesos_plain(centavos);
}

// ` name="value"`, escaped: one attribute of a document this module writes.
inline std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + cartera::sdk::xml_escape(value) + "\"";
}

inline std::string iso(std::int64_t days) {
  return cartera::sdk::format_iso_date(days);
}

inline std::string iso_now(Context &ctx) {
  return cartera::sdk::format_iso_instant_utc(ctx.now_utc_us());
}

// Today in Bogotá (UTC-5, no daylight saving), from the run's clock.
inline std::int64_t today(Context &ctx) {
  const std::int64_t secs = ctx.now_utc_us() / 1'000'000 - std::int64_t{5} * 3600;
  return secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
}

// --as-of, or today.
inline std::int64_t as_of(Context &ctx) {
  const auto d = ctx.date_param("as-of");
  return d ? d->days : today(ctx);
}

// An operation's rows straight to the result, as the columns declare them.
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
