// Intake: the job import. A bank file read by the parser of its format (camt053.cpp,
// asobancaria2001.cpp, csv_statement.cpp) and its movements stored, each once (README.md "Each
// movement once").
#include "asobancaria2001.hpp"
#include "bank_file.hpp"
#include "camt053.hpp"
#include "csv_statement.hpp"
#include "job_support.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>

namespace cartera::payments {

using cartera::sdk::column;
using support::iso_now;

namespace {

constexpr std::uint64_t kProgressEvery = 5000;

// camt.053 is XML; an Asobancaria 2001 file starts with its 01 header record. A UTF-16 file is
// recognised by what it holds, so that its reader refuses it naming line and field.
std::string detect_format(std::string_view bytes) {
  if (bytes.size() >= 4 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
    const char first = bytes[0] == '\xFF' ? bytes[2] : bytes[3];
    return first == '<' ? "camt053" : first == '0' ? "asobancaria2001" : "";
  }
  if (bytes.size() >= 4 && ((bytes[0] == '0' && bytes[1] == '\0' && bytes[2] == '1' && bytes[3] == '\0') ||
                            (bytes[0] == '\0' && bytes[1] == '0' && bytes[2] == '\0' && bytes[3] == '1'))) {
    return "asobancaria2001";
  }
  if (bytes.size() >= 2 && ((bytes[0] == '<' && bytes[1] == '\0') || (bytes[0] == '\0' && bytes[1] == '<'))) {
    return "camt053";
  }
  std::size_t i = bytes.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
    ++i;
  }
  if (i < bytes.size() && bytes[i] == '<') {
    return "camt053";
  }
  // "01" and a fixed-width record (no CSV separator on its line): the parser checks the rest,
  // so that a bad NIT or date is refused with its line and field rather than not recognised.
  if (bytes.size() >= i + 20 && bytes.substr(i, 2) == "01") {
    const std::string_view first = bytes.substr(i, bytes.find('\n', i) - i);
    if (first.find_first_of(",;|\t") == std::string_view::npos) {
      return "asobancaria2001";
    }
  }
  return "";
}

BankFile read_bank_file(Context &ctx, const std::string &name, std::string_view bytes) {
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

// The movements of this file that were not stored are the same money as one stored before
// (same key, date, amount and direction): each must also say the same about it, or the two
// are different movements the bank named alike, and merging them would lose one. Refused,
// naming both; the run's transaction then stores nothing of the file.
void refuse_collisions(Context &ctx, const std::string &name, const std::string &sha, const BankFile &file) {
  std::unordered_set<std::string> stored_now;
  {
    cartera::Operation op = ctx.operation("pay_file_identities");
    const auto entry_identity = op.column<Text>("entry_identity");
    op.bind("file_sha256", std::string_view(sha)).execute();
    while (op.step()) {
      stored_now.emplace(op[entry_identity]);
    }
  }
  cartera::Operation op = ctx.operation("pay_entry_by_identity");
  const auto [file_name, line, value_date] = op.columns<Text, std::int64_t, Text>("file_name", "line", "value_date");
  const auto [end_to_end_id, remittance, structured_reference, payer_name, payer_id, channel] =
      op.columns<Text, Text, Text, Text, Text, Text>("end_to_end_id", "remittance", "structured_reference",
                                                     "payer_name", "payer_id", "channel");
  for (const BankEntry &e : file.entries) {
    if (stored_now.count(e.identity) != 0) {
      continue;
    }
    op.bind("entry_identity", std::string_view(e.identity)).execute();
    if (!op.step()) {
      continue; // cannot happen: not stored now means stored before
    }
    const struct {
      const char *field;
      std::string stored;
      std::string here;
    } fields[] = {{"value date", std::string(op[value_date]), cartera::sdk::format_iso_date(e.value_date)},
                  {"end-to-end id", std::string(op[end_to_end_id]), e.end_to_end_id},
                  {"remittance", std::string(op[remittance]), e.remittance},
                  {"structured reference", std::string(op[structured_reference]), e.structured_reference},
                  {"payer name", std::string(op[payer_name]), e.payer_name},
                  {"payer id", std::string(op[payer_id]), e.payer_id},
                  {"channel", std::string(op[channel]), e.channel}};
    for (const auto &f : fields) {
      if (f.stored != f.here) {
        const std::string stored_file(op[file_name]);
        const std::int64_t stored_line = op[line];
        while (op.step()) {
        }
        throw Error(CARTERA_E_INPUT_REJECTED,
                    name + ": line " + std::to_string(e.line) + ": field " + f.field + ", value '" + f.here +
                        "': the movement has the key, date, amount and direction of the one stored from " +
                        stored_file + " line " + std::to_string(stored_line) + " (" + f.field + " '" + f.stored +
                        "'), but not its " + f.field + ": two different movements the bank named alike (key " + e.key +
                        "); cartera will not merge them (" + file.format + "; nothing was stored)");
      }
    }
    while (op.step()) {
    }
  }
}

} // namespace

void Payments::import(Context &ctx) {
  // A view of the host's copy, valid for the call: the file is not copied again.
  const std::optional<cartera_value> file_value = ctx.param("file");
  const std::string_view bytes = file_value ? cartera::view(file_value->s) : std::string_view();
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
    cartera::sdk::accumulate_centavos(e.amount > 0 ? credits : debits, e.amount);
  }
  ctx.columns({column("file", CARTERA_TYPE_TEXT), column("format", CARTERA_TYPE_TEXT),
               column("account", CARTERA_TYPE_TEXT), column("statement", CARTERA_TYPE_TEXT),
               column("entries", CARTERA_TYPE_INTEGER), column("new", CARTERA_TYPE_INTEGER),
               column("already_stored", CARTERA_TYPE_INTEGER), column("credits", CARTERA_TYPE_CENTAVOS),
               column("debits", CARTERA_TYPE_CENTAVOS), column("zero_skipped", CARTERA_TYPE_INTEGER)});
  const auto skipped = static_cast<std::int64_t>(file.skipped_zero_lines.size());
  if (skipped > 0) {
    std::string where;
    for (std::size_t i = 0; i < file.skipped_zero_lines.size() && i < 20; ++i) {
      where += (i == 0 ? "" : ", ") + std::to_string(file.skipped_zero_lines[i]);
    }
    ctx.info(name + ": " + std::to_string(skipped) + " booked " + (skipped == 1 ? "entry" : "entries") +
             " of 0.00 left out (no money moved): line" + (skipped == 1 ? " " : "s ") + where +
             (skipped > 20 ? ", ..." : ""));
  }
  const auto summary = [&](std::int64_t fresh) {
    const auto n = static_cast<std::int64_t>(file.entries.size());
    ctx.row({cartera::make_value(std::string_view(name)), cartera::make_value(std::string_view(file.format)),
             cartera::make_value(std::string_view(file.account)),
             cartera::make_value(std::string_view(file.statement_id)), cartera::make_value(n),
             cartera::make_value(fresh), cartera::make_value(n - fresh),
             cartera::make_value(cartera::Centavos{credits}), cartera::make_value(cartera::Centavos{debits}),
             cartera::make_value(skipped)});
  };

  {
    cartera::Operation known = ctx.operation("pay_file_known");
    const auto [imported_at, run_id] = known.columns<Text, Text>("imported_at", "run_id");
    known.bind("file_sha256", std::string_view(sha)).execute();
    if (known.step()) {
      ctx.info(name + ": this very file was imported on " + std::string(known[imported_at]) + " (run " +
               std::string(known[run_id]) + "); nothing new");
      summary(0);
      return;
    }
  }
  const auto count = [&]() {
    cartera::Operation op = ctx.operation("pay_entry_count");
    const auto n = op.column<std::int64_t>("n");
    op.execute();
    return op.step() ? op[n] : 0;
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
          .bind("entry_identity", std::string_view(e.identity))
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
  if (fresh < static_cast<std::int64_t>(file.entries.size())) {
    refuse_collisions(ctx, name, sha, file);
  }
  ctx.operation("pay_set_new_entries").bind("file_sha256", std::string_view(sha)).bind("new_entries", fresh).execute();
  ctx.info(name + ": " + std::to_string(file.entries.size()) + " movements (" + file.format + "), " +
           std::to_string(fresh) + " new, " + std::to_string(static_cast<std::int64_t>(file.entries.size()) - fresh) +
           " already stored from an earlier file");
  summary(fresh);
}

} // namespace cartera::payments
