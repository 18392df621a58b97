// payments: bank files in, each movement stored once (README.md). Jobs import, entries, files.
#include "asobancaria2001.hpp"
#include "bank_file.hpp"
#include "camt053.hpp"
#include "csv_statement.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using cartera::Context;
using cartera::Error;
using cartera::payments::BankEntry;
using cartera::payments::BankFile;
using cartera::payments::BankFileError;

constexpr std::uint64_t kProgressEvery = 5000;

cartera_column column(std::string_view name, std::int32_t type) {
  return {cartera::str(name), type, 0};
}

// camt.053 is XML; an Asobancaria 2001 file starts with its 01 header record, all digits.
std::string detect_format(std::string_view bytes) {
  std::size_t i = bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
    ++i;
  }
  if (i < bytes.size() && bytes[i] == '<') {
    return "camt053";
  }
  if (bytes.size() >= i + 20 && bytes.substr(i, 2) == "01") {
    bool digits = true;
    for (std::size_t k = i; k < i + 20; ++k) {
      digits = digits && bytes[k] >= '0' && bytes[k] <= '9';
    }
    if (digits) {
      return "asobancaria2001";
    }
  }
  return "";
}

std::string iso(std::int64_t days) {
  return cartera::sdk::format_iso_date(days);
}

class Payments {
public:
  explicit Payments(Context &) {}

  void run(Context &ctx, std::string_view job, std::string_view) {
    if (job == "import") {
      import(ctx);
    } else if (job == "entries") {
      entries(ctx);
    } else if (job == "files") {
      files(ctx);
    } else {
      throw Error(CARTERA_E_UNSUPPORTED, "payments has no job '" + std::string(job) + "'");
    }
  }

private:
  static BankFile read_bank_file(Context &ctx, const std::string &name, const std::string &bytes) {
    std::string format = ctx.text_param("file-format").value_or("auto");
    const std::optional<std::string> mapping = ctx.text_param("mapping");
    if (format == "auto") {
      format = mapping ? "csv" : detect_format(bytes);
      if (format.empty()) {
        throw Error(CARTERA_E_INPUT_REJECTED, name + ": neither camt.053 (XML) nor Asobancaria 2001 (a 01 header "
                                                     "record); for a CSV statement give --mapping FILE");
      }
    }
    try {
      if (format == "camt053") {
        return cartera::payments::parse_camt053(bytes);
      }
      if (format == "asobancaria2001") {
        return cartera::payments::parse_asobancaria2001(bytes);
      }
      if (!mapping) {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "a CSV statement needs --mapping FILE (the bank's column mapping)");
      }
      return cartera::payments::parse_csv_statement(bytes, cartera::payments::parse_csv_mapping(*mapping));
    } catch (const BankFileError &e) {
      throw Error(CARTERA_E_INPUT_REJECTED, name + ": " + e.what() + " (" + format + "; nothing was stored)");
    } catch (const std::invalid_argument &e) {
      // The mapping passed its XSD but says something the XSD cannot check (csv_statement.hpp).
      throw Error(CARTERA_E_INPUT_REJECTED,
                  ctx.text_param("mapping_name").value_or("mapping") + ": " + e.what() + "; nothing was stored");
    }
  }

  static void import(Context &ctx) {
    const std::string bytes = ctx.text_param("file").value_or("");
    const std::string name = ctx.text_param("file_name").value_or("(file)");
    const std::string sha = ctx.text_param("file_sha256").value_or("");
    const BankFile file = read_bank_file(ctx, name, bytes);
    const std::string currency = ctx.config("currency").value_or("COP");
    for (const BankEntry &e : file.entries) {
      if (e.currency != currency) {
        throw Error(CARTERA_E_INPUT_REJECTED, name + ": line " + std::to_string(e.line) + ": currency " + e.currency +
                                                  ": payments are applied in " + currency +
                                                  " (module setting 'currency'); nothing was stored");
      }
    }

    std::int64_t credits = 0;
    std::int64_t debits = 0;
    for (const BankEntry &e : file.entries) {
      (e.amount > 0 ? credits : debits) += e.amount;
    }
    ctx.columns({column("file", CARTERA_TYPE_TEXT), column("format", CARTERA_TYPE_TEXT),
                 column("account", CARTERA_TYPE_TEXT), column("statement", CARTERA_TYPE_TEXT),
                 column("entries", CARTERA_TYPE_INTEGER), column("new", CARTERA_TYPE_INTEGER),
                 column("already_stored", CARTERA_TYPE_INTEGER), column("credits", CARTERA_TYPE_CENTAVOS),
                 column("debits", CARTERA_TYPE_CENTAVOS)});
    const auto summary = [&](std::int64_t fresh) {
      const auto n = static_cast<std::int64_t>(file.entries.size());
      ctx.row({cartera::make_value(std::string_view(name)), cartera::make_value(std::string_view(file.format)),
               cartera::make_value(std::string_view(file.account)),
               cartera::make_value(std::string_view(file.statement_id)), cartera::make_value(n),
               cartera::make_value(fresh), cartera::make_value(n - fresh),
               cartera::make_value(cartera::Centavos{credits}), cartera::make_value(cartera::Centavos{debits})});
    };

    {
      cartera::Operation known = ctx.operation("pay_file_known");
      known.bind("file_sha256", std::string_view(sha)).execute();
      if (known.step()) {
        ctx.info(name + ": this very file was imported on " + std::string(known.text(0)) + " (run " +
                 std::string(known.text(1)) + "); nothing new");
        summary(0);
        return;
      }
    }
    const auto count = [&]() {
      cartera::Operation op = ctx.operation("pay_entry_count");
      op.execute();
      return op.step() ? op.integer(0) : 0;
    };
    const std::int64_t before = count();
    ctx.operation("pay_insert_file")
        .bind("file_sha256", std::string_view(sha))
        .bind("file_name", std::string_view(name))
        .bind("format", std::string_view(file.format))
        .bind("statement_id", std::string_view(file.statement_id))
        .bind("account", std::string_view(file.account))
        .bind("currency", std::string_view(currency))
        .bind("entries", static_cast<std::int64_t>(file.entries.size()))
        .bind("imported_at", std::string_view(iso_now(ctx)))
        .bind("run_id", std::string_view(ctx.request_id()))
        .execute();
    if (!file.entries.empty()) {
      cartera::Operation insert = ctx.operation("pay_insert_entry");
      std::uint64_t n = 0;
      for (const BankEntry &e : file.entries) {
        insert.bind("entry_key", std::string_view(e.key))
            .bind("file_sha256", std::string_view(sha))
            .bind("line", static_cast<std::int64_t>(e.line))
            .bind("account", std::string_view(e.account))
            .bind("booking_date", cartera::Date{e.booking_date})
            .bind("value_date", cartera::Date{e.value_date})
            .bind("amount", cartera::Centavos{e.amount})
            .bind("currency", std::string_view(e.currency))
            .bind("reversal", e.reversal)
            .bind("bank_reference", std::string_view(e.bank_reference))
            .bind("end_to_end_id", std::string_view(e.end_to_end_id))
            .bind("remittance", std::string_view(e.remittance))
            .bind("structured_reference", std::string_view(e.structured_reference))
            .bind("payer_name", std::string_view(e.payer_name))
            .bind("payer_id", std::string_view(e.payer_id))
            .bind("channel", std::string_view(e.channel))
            .add_row();
        if (++n % kProgressEvery == 0) {
          ctx.throw_if_cancelled();
          ctx.progress(n, file.entries.size(), "reading bank movements");
        }
      }
      insert.execute();
    }
    const std::int64_t fresh = count() - before;
    ctx.operation("pay_set_new_entries")
        .bind("file_sha256", std::string_view(sha))
        .bind("new_entries", fresh)
        .execute();
    ctx.info(name + ": " + std::to_string(file.entries.size()) + " movements (" + file.format + "), " +
             std::to_string(fresh) + " new, " + std::to_string(static_cast<std::int64_t>(file.entries.size()) - fresh) +
             " already stored from an earlier file");
    summary(fresh);
  }

  static std::string iso_now(Context &ctx) {
    const std::int64_t us = ctx.now_utc_us();
    const std::int64_t secs = us / 1'000'000;
    const std::int64_t days = secs / 86400;
    const std::int64_t rem = secs % 86400;
    char buf[32];
    std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lldZ", static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem % 3600 / 60), static_cast<long long>(rem % 60));
    return iso(days) + buf;
  }

  static void entries(Context &ctx) {
    std::string status = ctx.text_param("status").value_or("all");
    if (status == "all") {
      status.clear();
    }
    cartera::Operation op = ctx.operation("pay_entries");
    op.bind("status", std::string_view(status)).execute();
    std::vector<cartera_column> cols;
    const std::vector<std::pair<const char *, std::int32_t>> spec = {{"entry_key", CARTERA_TYPE_TEXT},
                                                                     {"booking_date", CARTERA_TYPE_DATE},
                                                                     {"amount", CARTERA_TYPE_CENTAVOS},
                                                                     {"currency", CARTERA_TYPE_TEXT},
                                                                     {"reversal", CARTERA_TYPE_BOOLEAN},
                                                                     {"payer_id", CARTERA_TYPE_TEXT},
                                                                     {"payer_name", CARTERA_TYPE_TEXT},
                                                                     {"remittance", CARTERA_TYPE_TEXT},
                                                                     {"structured_reference", CARTERA_TYPE_TEXT},
                                                                     {"bank_reference", CARTERA_TYPE_TEXT},
                                                                     {"status", CARTERA_TYPE_TEXT},
                                                                     {"file", CARTERA_TYPE_TEXT},
                                                                     {"line", CARTERA_TYPE_INTEGER}};
    cols.reserve(spec.size());
    for (const auto &[n, t] : spec) {
      cols.push_back(column(n, t));
    }
    copy_rows(ctx, op, cols);
  }

  static void files(Context &ctx) {
    cartera::Operation op = ctx.operation("pay_files");
    op.execute();
    copy_rows(ctx, op,
              {column("imported_at", CARTERA_TYPE_TEXT), column("file", CARTERA_TYPE_TEXT),
               column("format", CARTERA_TYPE_TEXT), column("statement", CARTERA_TYPE_TEXT),
               column("account", CARTERA_TYPE_TEXT), column("entries", CARTERA_TYPE_INTEGER),
               column("new", CARTERA_TYPE_INTEGER), column("run_id", CARTERA_TYPE_TEXT),
               column("sha256", CARTERA_TYPE_TEXT)});
  }

  // An operation's rows straight to the result, as the columns declare them.
  static void copy_rows(Context &ctx, cartera::Operation &op, const std::vector<cartera_column> &cols) {
    ctx.columns(cols);
    std::vector<cartera_value> row(cols.size());
    while (op.step()) {
      for (std::uint32_t i = 0; i < row.size(); ++i) {
        row[i] = op.column(i);
      }
      ctx.row(row);
    }
  }
};

constexpr cartera::ModuleInfo kInfo{"org.cartera.payments",
                                    "0.1.0",
                                    "Pagos: archivos del banco, aplicación y revisión",
                                    "cartera",
                                    "Apache-2.0",
                                    CARTERA_CAP_PAYMENTS,
                                    nullptr,
                                    0,
                                    0,
                                    0};

} // namespace

CARTERA_PLUGIN(Payments, kInfo)
