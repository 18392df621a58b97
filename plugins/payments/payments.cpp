// payments: bank files in, each movement stored once (README.md). Jobs import, entries, files.
#include "asobancaria2001.hpp"
#include "bank_file.hpp"
#include "camt053.hpp"
#include "csv_statement.hpp"
#include "matcher.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
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

// Amounts in the documents this module writes: "16000.00".
std::string pesos(std::int64_t centavos) {
  return cartera::sdk::format_pesos_plain(centavos);
}

// ` name="value"`, escaped: one attribute of a document this module writes.
std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + cartera::sdk::xml_escape(value) + "\"";
}

// "a,b c" -> {"a", "b", "c"}: lists typed on a command line, commas or spaces.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::string item;
  for (const char c : text) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!item.empty()) {
        items.push_back(std::move(item));
        item.clear();
      }
    } else {
      item += c;
    }
  }
  if (!item.empty()) {
    items.push_back(std::move(item));
  }
  return items;
}

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
    } else if (job == "match") {
      match(ctx);
    } else if (job == "review") {
      review(ctx);
    } else if (job == "approve") {
      decide(ctx, true);
    } else if (job == "reject") {
      decide(ctx, false);
    } else if (job == "unidentified") {
      unidentified(ctx);
    } else if (job == "assign") {
      assign(ctx);
    } else if (job == "return-check") {
      return_check(ctx);
    } else if (job == "reclassify") {
      reclassify(ctx);
    } else if (job == "offset") {
      offset(ctx);
    } else if (job == "report") {
      report(ctx);
    } else if (job == "open-items") {
      open_items(ctx);
    } else if (job == "returned-checks") {
      returned_checks(ctx);
    } else {
      throw Error(CARTERA_E_UNSUPPORTED, "payments has no job '" + std::string(job) + "'");
    }
  }

private:
  static BankFile read_bank_file(Context &ctx, const std::string &name, std::string_view bytes) {
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
    ctx.operation("pay_set_new_entries")
        .bind("file_sha256", std::string_view(sha))
        .bind("new_entries", fresh)
        .execute();
    ctx.info(name + ": " + std::to_string(file.entries.size()) + " movements (" + file.format + "), " +
             std::to_string(fresh) + " new, " + std::to_string(static_cast<std::int64_t>(file.entries.size()) - fresh) +
             " already stored from an earlier file");
    summary(fresh);
  }

  // The movements of this file that were not stored are the same money as one stored before
  // (same key, date, amount and direction): each must also say the same about it, or the two
  // are different movements the bank named alike, and merging them would lose one. Refused,
  // naming both; the run's transaction then stores nothing of the file.
  static void refuse_collisions(Context &ctx, const std::string &name, const std::string &sha, const BankFile &file) {
    std::unordered_set<std::string> stored_now;
    {
      cartera::Operation op = ctx.operation("pay_file_identities");
      op.bind("file_sha256", std::string_view(sha)).execute();
      while (op.step()) {
        stored_now.emplace(op.text(0));
      }
    }
    cartera::Operation op = ctx.operation("pay_entry_by_identity");
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
      } fields[] = {{"value date", std::string(op.text(2)), iso(e.value_date)},
                    {"end-to-end id", std::string(op.text(3)), e.end_to_end_id},
                    {"remittance", std::string(op.text(4)), e.remittance},
                    {"structured reference", std::string(op.text(5)), e.structured_reference},
                    {"payer name", std::string(op.text(6)), e.payer_name},
                    {"payer id", std::string(op.text(7)), e.payer_id},
                    {"channel", std::string(op.text(8)), e.channel}};
      for (const auto &f : fields) {
        if (f.stored != f.here) {
          const std::string stored_file(op.text(0));
          const std::int64_t stored_line = op.integer(1);
          while (op.step()) {
          }
          throw Error(CARTERA_E_INPUT_REJECTED,
                      name + ": line " + std::to_string(e.line) + ": field " + f.field + ", value '" + f.here +
                          "': the movement has the key, date, amount and direction of the one stored from " +
                          stored_file + " line " + std::to_string(stored_line) + " (" + f.field + " '" + f.stored +
                          "'), but not its " + f.field + ": two different movements the bank named alike (key " +
                          e.key + "); cartera will not merge them (" + file.format + "; nothing was stored)");
        }
      }
      while (op.step()) {
      }
    }
  }

  static std::string iso_now(Context &ctx) { return cartera::sdk::format_iso_instant_utc(ctx.now_utc_us()); }

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

  // Today in Bogotá (UTC-5, no daylight saving), from the run's clock.
  static std::int64_t today(Context &ctx) {
    const std::int64_t secs = ctx.now_utc_us() / 1'000'000 - std::int64_t{5} * 3600;
    return secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  }

  static std::int64_t as_of(Context &ctx) {
    const auto d = ctx.date_param("as-of");
    return d ? d->days : today(ctx);
  }

  // Open invoices as of date, less what cartera already proposed or approved against them
  // (not free to apply again), oldest due first per customer as open_items gives them.
  static std::vector<cartera::payments::OpenInvoice>
  open_invoices(Context &ctx, std::int64_t date, const std::string &freed = "", std::int64_t freed_amount = 0) {
    using cartera::payments::OpenInvoice;
    std::unordered_map<std::string, std::int64_t> taken;
    {
      cartera::Operation op = ctx.operation("pay_pending_by_invoice");
      op.execute();
      while (op.step()) {
        taken[std::string(op.text(0))] = op.centavos(1).value;
      }
    }
    if (!freed.empty()) {
      taken[freed] -= freed_amount;
    }
    std::vector<OpenInvoice> open;
    {
      cartera::Operation op = ctx.operation("open_items");
      op.bind("as_of", cartera::Date{date}).execute();
      std::uint64_t n = 0;
      while (op.step()) {
        OpenInvoice inv{std::string(op.text(2)), std::string(op.text(0)), std::string(op.text(1)), op.date(4).days,
                        op.centavos(5).value};
        if (auto t = taken.find(inv.invoice_id); t != taken.end()) {
          inv.balance -= t->second;
        }
        if (inv.balance > 0) {
          open.push_back(std::move(inv));
        }
        if (++n % 100000 == 0) {
          ctx.throw_if_cancelled();
          ctx.progress(n, 0, "reading open invoices");
        }
      }
    }
    return open;
  }

  // Stores proposals of one batch (the run) and marks their movements proposed; returns their ids.
  // seq numbers the run's proposals: a cruce de cuentas proposes for several credits in one
  // batch, each call going on from where the last stopped.
  static std::vector<std::string> propose(Context &ctx, const std::vector<cartera::payments::Application> &applications,
                                          const std::string &correction_id = "", std::uint64_t *seq = nullptr) {
    std::vector<std::string> ids;
    if (applications.empty()) {
      return ids;
    }
    const std::string batch = ctx.request_id();
    const std::string user = ctx.text_param("cartera.user").value_or("");
    const std::string now = iso_now(ctx);
    cartera::Operation insert = ctx.operation("pay_insert_application");
    std::uint64_t first = 0;
    std::uint64_t &next = seq != nullptr ? *seq : first;
    for (const auto &a : applications) {
      char id[24];
      std::snprintf(id, sizeof id, "-%06llu", static_cast<unsigned long long>(++next));
      ids.push_back(batch + id);
      insert.bind("application_id", std::string_view(ids.back()))
          .bind("batch_id", std::string_view(batch))
          .bind("entry_key", std::string_view(a.entry_key))
          .bind("customer_id", std::string_view(a.customer_id))
          .bind("invoice_id", std::string_view(a.invoice_id))
          .bind("amount", cartera::Centavos{a.amount})
          .bind("kind", std::string_view(a.kind))
          .bind("rule", std::string_view(a.rule))
          .bind("proposed_by", std::string_view(user))
          .bind("proposed_at", std::string_view(now))
          .bind("correction_id", std::string_view(correction_id))
          .add_row();
    }
    insert.execute();
    // The batch's movements in one statement: as many as there are proposals, one by one, cost a
    // tenth of a match of 100,000 movements. A correction's movement stays applied: its approved
    // application stands until another lead approves the correction.
    if (correction_id.empty()) {
      ctx.operation("pay_set_batch_proposed").bind("batch_id", std::string_view(batch)).execute();
    }
    return ids;
  }

  static void set_status(Context &ctx, const std::vector<std::string> &entries, std::string_view status) {
    if (entries.empty()) {
      return;
    }
    cartera::Operation op = ctx.operation("pay_set_entry_status");
    for (const auto &key : entries) {
      op.bind("entry_key", std::string_view(key)).bind("status", status).add_row();
    }
    op.execute();
  }

  // The sanction of C.Co. art. 731: 20 % of the check, to the centavo, half up.
  static std::int64_t sanction_of(std::int64_t amount) { return (amount * 2 + 5) / 10; }

  // Undoes what a returned credit paid: approved applications reversed, proposals rejected,
  // nothing deleted; records the check with its sanction. Returns the customer it had paid.
  // named: the customer the analyst says wrote the check (empty: the one it was applied to).
  static std::string record_returned_check(Context &ctx, const std::string &credit, const std::string &reversal,
                                           std::int64_t amount, std::int64_t returned_on, const std::string &reason,
                                           const std::string &named = "") {
    struct Standing {
      std::string id;
      bool approved = false;
    };
    std::vector<Standing> standing;
    std::string customer;
    {
      cartera::Operation op = ctx.operation("pay_entry_applications");
      op.bind("entry_key", std::string_view(credit)).execute();
      while (op.step()) {
        standing.push_back(Standing{std::string(op.text(0)), op.text(1) == "approved"});
        if (customer.empty()) {
          customer = std::string(op.text(2));
        }
      }
    }
    if (!named.empty()) {
      if (!customer.empty() && customer != named) {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + credit + " paid customer " + customer + ", not " + named +
                                                    "; reclassify it first if it was misapplied");
      }
      customer = named;
    }
    const std::string user = ctx.text_param("cartera.user").value_or("");
    const std::string now = iso_now(ctx);
    const std::string why = "cheque devuelto: " + reason;
    for (const auto &a : standing) {
      if (a.approved) {
        ctx.operation("pay_reverse_application")
            .bind("application_id", std::string_view(a.id))
            .bind("reviewed_by", std::string_view(user))
            .bind("reviewed_at", std::string_view(now))
            .bind("review_reason", std::string_view(why))
            .execute();
      } else {
        ctx.operation("pay_decide")
            .bind("application_id", std::string_view(a.id))
            .bind("status", std::string_view("rejected"))
            .bind("reviewed_by", std::string_view(user))
            .bind("reviewed_at", std::string_view(now))
            .bind("review_reason", std::string_view(why))
            .execute();
      }
    }
    ctx.operation("pay_insert_returned_check")
        .bind("entry_key", std::string_view(credit))
        .bind("reversal_entry_key", std::string_view(reversal))
        .bind("customer_id", std::string_view(customer))
        .bind("amount", cartera::Centavos{amount})
        .bind("sanction", cartera::Centavos{sanction_of(amount)})
        .bind("returned_on", cartera::Date{returned_on})
        .bind("reason", std::string_view(reason))
        .bind("recorded_by", std::string_view(user))
        .bind("recorded_at", std::string_view(now))
        .execute();
    std::vector<std::string> done = {credit};
    if (!reversal.empty()) {
      done.push_back(reversal);
    }
    set_status(ctx, done, "returned");
    return customer;
  }

  // Reversals the bank reported: each finds the credit it takes back, or waits in the queue.
  struct ReversalsHandled {
    std::int64_t returned = 0; // paired with their credit: returned checks
    std::int64_t returned_amount = 0;
    std::int64_t unpaired = 0; // no credit to pair: in the unidentified queue, apart from credits
    std::int64_t unpaired_amount = 0;
  };

  static ReversalsHandled handle_reversals(Context &ctx) {
    struct Reversal {
      std::string key;
      std::int64_t amount;
      std::int64_t booked;
      std::string payer;
      std::string e2e;
      std::string text;
      std::string name;
    };
    std::vector<Reversal> reversals;
    {
      cartera::Operation op = ctx.operation("pay_reversals");
      op.execute();
      while (op.step()) {
        reversals.push_back(Reversal{std::string(op.text(0)), op.centavos(1).value, op.date(2).days,
                                     std::string(op.text(3)), std::string(op.text(4)), std::string(op.text(5)),
                                     std::string(op.text(6))});
      }
    }
    ReversalsHandled handled;
    std::vector<std::string> orphans;
    for (const auto &r : reversals) {
      const std::int64_t amount = r.amount < 0 ? -r.amount : r.amount;
      std::string credit;
      {
        cartera::Operation op = ctx.operation("pay_reversed_credit");
        op.bind("amount", cartera::Centavos{amount})
            .bind("end_to_end_id", std::string_view(r.e2e))
            .bind("payer_id", std::string_view(r.payer))
            .bind("payer_name", std::string_view(r.name))
            .bind("booking_date", cartera::Date{r.booked})
            .execute();
        if (op.step()) {
          credit = std::string(op.text(0));
        }
      }
      if (credit.empty()) {
        orphans.push_back(r.key);
        ++handled.unpaired;
        cartera::sdk::accumulate_centavos(handled.unpaired_amount, r.amount);
        continue;
      }
      record_returned_check(ctx, credit, r.key, amount, r.booked, r.text.empty() ? "reversión del banco" : r.text);
      ++handled.returned;
      cartera::sdk::accumulate_centavos(handled.returned_amount, amount);
    }
    set_status(ctx, orphans, "unidentified");
    return handled;
  }

  static void match(Context &ctx) {
    using namespace cartera::payments;
    const std::int64_t date = as_of(ctx);
    RuleSet rules;
    try {
      const auto text = ctx.text_param("rules");
      rules = text ? parse_rules(*text) : default_rules();
    } catch (const std::invalid_argument &e) {
      throw Error(CARTERA_E_INPUT_REJECTED, ctx.text_param("rules_name").value_or("rules") + ": " + e.what());
    }

    std::vector<CustomerId> customers;
    {
      cartera::Operation op = ctx.operation("customers");
      op.execute();
      while (op.step()) {
        // Hosts keep a NIT as "900123456-8" or "900123456": the number before the check digit.
        const std::string_view id = op.text(2);
        customers.push_back(CustomerId{std::string(op.text(0)), std::string(id.substr(0, id.find('-')))});
      }
    }
    // First what the bank took back, so that a returned credit is not matched.
    const ReversalsHandled reversals = handle_reversals(ctx);
    std::vector<OpenInvoice> open = open_invoices(ctx, date);
    std::vector<Movement> movements;
    {
      cartera::Operation op = ctx.operation("pay_match_candidates");
      op.execute();
      while (op.step()) {
        movements.push_back(Movement{std::string(op.text(0)), op.centavos(1).value, op.date(2).days,
                                     std::string(op.text(3)), std::string(op.text(4)), std::string(op.text(5)),
                                     std::string(op.text(6)), std::string(op.text(7)), std::string(op.text(8))});
      }
    }
    Matcher matcher(std::move(rules), std::move(customers), std::move(open));
    const MatchResult result = matcher.match(movements);

    const std::string batch = ctx.request_id();
    propose(ctx, result.applications);
    set_status(ctx, result.unidentified, "unidentified");
    struct Totals {
      std::int64_t movements = 0;
      std::int64_t applications = 0;
      std::int64_t amount = 0;
      std::string_view last; // a movement's applications come together
    };
    std::map<std::pair<std::string, std::string>, Totals> by_rule;
    for (const auto &a : result.applications) {
      Totals &t = by_rule[{a.rule, a.kind}];
      t.movements += a.entry_key != t.last ? 1 : 0;
      t.last = a.entry_key;
      ++t.applications;
      cartera::sdk::accumulate_centavos(t.amount, a.amount);
    }
    std::int64_t unidentified_amount = 0;
    {
      std::unordered_map<std::string_view, std::int64_t> amount_of;
      for (const Movement &mv : movements) {
        amount_of[mv.entry_key] = mv.amount;
      }
      for (const std::string &key : result.unidentified) {
        cartera::sdk::accumulate_centavos(unidentified_amount, amount_of[key]);
      }
    }

    ctx.columns({column("batch", CARTERA_TYPE_TEXT), column("rule", CARTERA_TYPE_TEXT),
                 column("kind", CARTERA_TYPE_TEXT), column("movements", CARTERA_TYPE_INTEGER),
                 column("applications", CARTERA_TYPE_INTEGER), column("amount", CARTERA_TYPE_CENTAVOS)});
    for (const auto &[rk, t] : by_rule) {
      ctx.row({cartera::make_value(std::string_view(batch)), cartera::make_value(std::string_view(rk.first)),
               cartera::make_value(std::string_view(rk.second)), cartera::make_value(t.movements),
               cartera::make_value(t.applications), cartera::make_value(cartera::Centavos{t.amount})});
    }
    ctx.row({cartera::make_value(std::string_view(batch)), cartera::make_value(std::string_view("(unidentified)")),
             cartera::make_value(std::string_view("")),
             cartera::make_value(static_cast<std::int64_t>(result.unidentified.size())),
             cartera::make_value(std::int64_t{0}), cartera::make_value(cartera::Centavos{unidentified_amount})});
    if (reversals.returned > 0) {
      ctx.row({cartera::make_value(std::string_view(batch)), cartera::make_value(std::string_view("(returned checks)")),
               cartera::make_value(std::string_view("")), cartera::make_value(reversals.returned),
               cartera::make_value(std::int64_t{0}),
               cartera::make_value(cartera::Centavos{reversals.returned_amount})});
    }
    // Reversals with no credit to pair wait in the same queue as the unidentified credits, but
    // are counted and summed apart: they are money the bank took back, not money to place.
    if (reversals.unpaired > 0) {
      ctx.row({cartera::make_value(std::string_view(batch)),
               cartera::make_value(std::string_view("(unpaired reversals)")), cartera::make_value(std::string_view("")),
               cartera::make_value(reversals.unpaired), cartera::make_value(std::int64_t{0}),
               cartera::make_value(cartera::Centavos{reversals.unpaired_amount})});
    }
    ctx.info("batch " + batch + ": " + std::to_string(movements.size() - result.unidentified.size()) + " of " +
             std::to_string(movements.size()) + " movements placed, " + std::to_string(result.applications.size()) +
             " proposals for the lead's review; " + std::to_string(result.unidentified.size()) +
             " unidentified credits" +
             (reversals.unpaired > 0 ? " and " + std::to_string(reversals.unpaired) + " unpaired reversals" : "") +
             " (cartera payments unidentified)");
  }

  // amount of movement key, by hand: to an open invoice (the rest to its customer's credit), or
  // to a customer's open invoices oldest due first (the rest to its credit).
  // freed: an invoice whose open balance counts freed_amount more (what a correction's
  // application holds of it, released once the correction is approved).
  static std::vector<cartera::payments::Application> allocate(Context &ctx, const std::string &key, std::int64_t amount,
                                                              const std::string &invoice, const std::string &customer,
                                                              const std::string &rule, const std::string &freed = "",
                                                              std::int64_t freed_amount = 0) {
    using cartera::payments::Application;
    std::vector<cartera::payments::OpenInvoice> open = open_invoices(ctx, as_of(ctx), freed, freed_amount);
    std::string owner = customer;
    std::vector<const cartera::payments::OpenInvoice *> targets;
    for (const auto &inv : open) {
      if (!invoice.empty() && inv.invoice_id == invoice) {
        targets.push_back(&inv);
        owner = inv.customer_id;
      } else if (invoice.empty() && inv.customer_id == customer) {
        targets.push_back(&inv);
      }
    }
    if (!invoice.empty() && targets.empty()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "invoice " + invoice +
                                                  " is not open (or what is open of it is already "
                                                  "proposed or approved)");
    }
    if (invoice.empty()) {
      bool known = false;
      cartera::Operation op = ctx.operation("customers");
      op.execute();
      while (op.step() && !known) {
        known = op.text(0) == customer;
      }
      if (!known) {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "no customer '" + customer + "' in the host");
      }
    }
    std::vector<Application> applications;
    std::int64_t left = amount;
    for (const auto *inv : targets) {
      if (left == 0) {
        break;
      }
      const std::int64_t paid = std::min(left, inv->balance);
      applications.push_back(Application{key, owner, inv->invoice_id, paid, "invoice", rule});
      left -= paid;
    }
    if (left > 0) {
      applications.push_back(Application{key, owner, "", left, "credit", rule});
    }
    return applications;
  }

  // The analyst places a credit by hand; the lead still reviews it like any proposal.
  static void assign(Context &ctx) {
    using cartera::payments::Application;
    const std::string key = ctx.text_param("entry").value_or("");
    const std::string invoice = ctx.text_param("invoice").value_or("");
    const std::string customer = ctx.text_param("customer").value_or("");
    if (invoice.empty() == customer.empty()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "give one of --invoice I or --customer C");
    }
    std::int64_t amount = 0;
    {
      cartera::Operation op = ctx.operation("pay_entry");
      op.bind("entry_key", std::string_view(key)).execute();
      if (!op.step()) {
        throw Error(CARTERA_E_NOT_FOUND, "no bank movement '" + key + "' (cartera payments unidentified)");
      }
      const std::string status(op.text(3));
      if (op.integer(2) != 0 || op.centavos(1).value <= 0) {
        throw Error(CARTERA_E_INVALID_ARGUMENT,
                    "movement " + key + " is not a payment received (a debit or a reversal)");
      }
      if (status != "new" && status != "unidentified") {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + key + " is " + status +
                                                    "; only a new or unidentified one can be assigned (a proposal "
                                                    "is rejected first, an applied one reclassified)");
      }
      amount = op.centavos(1).value;
    }
    const std::vector<Application> applications = allocate(ctx, key, amount, invoice, customer, "manual");
    propose(ctx, applications);
    ctx.columns({column("entry_key", CARTERA_TYPE_TEXT), column("customer_id", CARTERA_TYPE_TEXT),
                 column("invoice_id", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
                 column("amount", CARTERA_TYPE_CENTAVOS)});
    for (const auto &a : applications) {
      ctx.row({cartera::make_value(std::string_view(a.entry_key)), cartera::make_value(std::string_view(a.customer_id)),
               cartera::make_value(std::string_view(a.invoice_id)), cartera::make_value(std::string_view(a.kind)),
               cartera::make_value(cartera::Centavos{a.amount})});
    }
    ctx.info("movement " + key + " proposed to " + (invoice.empty() ? "customer " + customer : "invoice " + invoice) +
             " for the lead's review");
  }

  static void return_check(Context &ctx) {
    const std::string key = ctx.text_param("entry").value_or("");
    const std::string reason = ctx.text_param("reason").value_or("");
    const auto date = ctx.date_param("date");
    std::int64_t amount = 0;
    {
      cartera::Operation op = ctx.operation("pay_entry");
      op.bind("entry_key", std::string_view(key)).execute();
      if (!op.step()) {
        throw Error(CARTERA_E_NOT_FOUND, "no bank movement '" + key + "' (cartera payments entries)");
      }
      if (op.integer(2) != 0 || op.centavos(1).value <= 0) {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + key + " is not a payment received, so not a check");
      }
      if (op.text(3) == "returned") {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "movement " + key + " is recorded as returned already");
      }
      amount = op.centavos(1).value;
    }
    const std::string customer = record_returned_check(ctx, key, "", amount, date ? date->days : today(ctx), reason,
                                                       ctx.text_param("customer").value_or(""));
    ctx.columns({column("entry_key", CARTERA_TYPE_TEXT), column("customer_id", CARTERA_TYPE_TEXT),
                 column("amount", CARTERA_TYPE_CENTAVOS), column("sanction", CARTERA_TYPE_CENTAVOS)});
    ctx.row({cartera::make_value(std::string_view(key)), cartera::make_value(std::string_view(customer)),
             cartera::make_value(cartera::Centavos{amount}),
             cartera::make_value(cartera::Centavos{sanction_of(amount)})});
    ctx.info("check " + key + " returned: what it paid is open again; sanction (C.Co. art. 731) " +
             cartera::sdk::format_pesos_co(sanction_of(amount)) +
             (customer.empty() ? "; no customer known: give --customer C to follow it up" : ""));
  }

  // A misapplied payment: reversed (never deleted), applied again, and the officer told; in two
  // steps, by two leads. One proposes the correction: its new applications wait as proposals
  // of the run's batch, the approved application stands. Another approves it (decide): the old
  // application is reversed, the new ones approved, and the officer gets the adjustment request.
  struct Moved {
    cartera::payments::Application old;
    std::vector<std::string> ids;
    std::vector<cartera::payments::Application> fresh;
  };

  // An approved application as pay_application reads it, with its movement.
  struct Approved {
    cartera::payments::Application app;
    std::int64_t booked = 0;
    std::int64_t movement = 0;
    std::string payer_id;
    std::string payer_name;
  };

  static Approved approved_application(Context &ctx, const std::string &id) {
    Approved a;
    cartera::Operation op = ctx.operation("pay_application");
    op.bind("application_id", std::string_view(id)).execute();
    if (!op.step()) {
      throw Error(CARTERA_E_NOT_FOUND, "no application '" + id + "' (cartera payments review --detail)");
    }
    if (op.text(1) != "approved") {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "application " + id + " is " + std::string(op.text(1)) +
                                                  "; only an approved one is reclassified (a proposal is "
                                                  "rejected instead)");
    }
    a.app = cartera::payments::Application{std::string(op.text(2)), std::string(op.text(3)), std::string(op.text(4)),
                                           op.centavos(5).value,    std::string(op.text(6)), ""};
    a.booked = op.date(7).days;
    a.movement = op.centavos(8).value;
    a.payer_id = std::string(op.text(9));
    a.payer_name = std::string(op.text(10));
    return a;
  }

  // Proposes reversing approved application id and applying its amount again (to an invoice,
  // the rest as its customer's credit, or to a customer's invoices oldest first), for another
  // lead to approve.
  static Moved propose_correction(Context &ctx, const std::string &id, const std::string &to_invoice,
                                  const std::string &to_customer, const std::string &reason, const std::string &action,
                                  std::uint64_t &seq) {
    const Approved old = approved_application(ctx, id);
    if (old.app.kind != "invoice" && old.app.kind != "credit") {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "application " + id + " records a " + old.app.kind +
                                                  " difference, not money; reclassify the invoice's application");
    }
    {
      cartera::Operation op = ctx.operation("pay_correction_waiting");
      op.bind("application_id", std::string_view(id)).execute();
      if (op.step()) {
        throw Error(CARTERA_E_INVALID_ARGUMENT,
                    "application " + id + " has a correction waiting for a lead already (batch " +
                        std::string(op.text(1)) + ", proposed by " + std::string(op.text(2)) +
                        "): approve or reject it first (cartera payments review --batch " + std::string(op.text(1)) +
                        ")");
      }
    }
    const std::string user = ctx.text_param("cartera.user").value_or("");
    const std::string now = iso_now(ctx);
    const std::string batch = ctx.request_id();
    const std::string correction = batch + "-" + id;
    // What the old application holds of its invoice counts as open: it is what the correction
    // frees once approved.
    const std::vector<cartera::payments::Application> fresh = allocate(
        ctx, old.app.entry_key, old.app.amount, to_invoice, to_customer, action == "offset" ? "offset" : "reclassified",
        old.app.kind == "invoice" ? old.app.invoice_id : std::string(), old.app.amount);
    ctx.operation("pay_insert_correction")
        .bind("correction_id", std::string_view(correction))
        .bind("batch_id", std::string_view(batch))
        .bind("application_id", std::string_view(id))
        .bind("action", std::string_view(action))
        .bind("reason", std::string_view(reason))
        .bind("proposed_by", std::string_view(user))
        .bind("proposed_at", std::string_view(now))
        .execute();
    const std::vector<std::string> ids = propose(ctx, fresh, correction, &seq);
    return Moved{old.app, ids, fresh};
  }

  // The corrections a decision completed: approved ones reverse their old application and owe
  // the officer an adjustment request (the approver's run emits it); rejected ones change
  // nothing. A decision that would leave a correction half decided is refused whole.
  static std::vector<std::pair<std::string, Moved>> settle_corrections(Context &ctx, const std::string &user,
                                                                       const std::string &now) {
    {
      cartera::Operation op = ctx.operation("pay_corrections_split");
      op.execute();
      if (op.step()) {
        throw Error(CARTERA_E_INVALID_ARGUMENT,
                    "correction " + std::string(op.text(0)) +
                        " is decided whole: approve or reject all of its proposals at once (--batch " +
                        std::string(op.text(1)) + ")");
      }
    }
    struct Decided {
      std::string correction, application, action, reason, proposed_by;
      bool approved = false;
    };
    std::vector<Decided> decided;
    {
      cartera::Operation op = ctx.operation("pay_corrections_decided");
      op.execute();
      while (op.step()) {
        decided.push_back(Decided{std::string(op.text(0)), std::string(op.text(1)), std::string(op.text(2)),
                                  std::string(op.text(3)), std::string(op.text(4)), op.integer(5) != 0});
      }
    }
    std::vector<std::pair<std::string, Moved>> moved;
    for (const Decided &d : decided) {
      ctx.operation("pay_settle_correction")
          .bind("correction_id", std::string_view(d.correction))
          .bind("status", std::string_view(d.approved ? "approved" : "rejected"))
          .bind("reviewed_by", std::string_view(user))
          .bind("reviewed_at", std::string_view(now))
          .execute();
      if (!d.approved) {
        continue;
      }
      const Approved old = approved_application(ctx, d.application);
      ctx.operation("pay_reverse_application")
          .bind("application_id", std::string_view(d.application))
          .bind("reviewed_by", std::string_view(user))
          .bind("reviewed_at", std::string_view(now))
          .bind("review_reason", std::string_view(d.reason))
          .execute();
      Moved m{old.app, {}, {}};
      cartera::Operation op = ctx.operation("pay_correction_applications");
      op.bind("correction_id", std::string_view(d.correction)).execute();
      while (op.step()) {
        m.ids.emplace_back(op.text(0));
        m.fresh.push_back(cartera::payments::Application{std::string(op.text(5)), std::string(op.text(1)),
                                                         std::string(op.text(2)), op.centavos(4).value,
                                                         std::string(op.text(3)), std::string(op.text(6))});
      }
      emit_adjustment(ctx, d.correction, d.application, old, m, d.reason, d.proposed_by, user, now);
      moved.emplace_back(d.application, std::move(m));
    }
    return moved;
  }

  static void emit_adjustment(Context &ctx, const std::string &key, const std::string &id, const Approved &old,
                              const Moved &m, const std::string &reason, const std::string &requested_by,
                              const std::string &approved_by, const std::string &now) {
    using cartera::payments::Application;
    using cartera::sdk::xml_escape;
    const auto application_xml = [&](const char *element, const std::string &app, const Application &a) {
      return std::string("  <") + element + " application=\"" + xml_escape(app) + "\" customer=\"" +
             xml_escape(a.customer_id) + "\"" +
             (a.invoice_id.empty() ? std::string() : " invoice=\"" + xml_escape(a.invoice_id) + "\"") + " kind=\"" +
             xml_escape(a.kind) + "\" amount=\"" + pesos(a.amount) + "\"/>\n";
    };
    std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adjustment-request "
                      "xmlns=\"urn:cartera:payment-adjustment:1\" id=\"" +
                      xml_escape(key) + "\" requested-by=\"" + xml_escape(requested_by) + "\" approved-by=\"" +
                      xml_escape(approved_by) + "\" requested-at=\"" + now + "\">\n  <to>" +
                      xml_escape(ctx.config("adjustment-officer").value_or("contabilidad")) + "</to>\n  <reason>" +
                      xml_escape(reason) + "</reason>\n  <movement entry-key=\"" + xml_escape(old.app.entry_key) +
                      "\" booking-date=\"" + iso(old.booked) + "\" amount=\"" + pesos(old.movement) + "\" payer-id=\"" +
                      xml_escape(old.payer_id) + "\" payer-name=\"" + xml_escape(old.payer_name) + "\"/>\n";
    doc += application_xml("reversed", id, old.app);
    for (std::size_t i = 0; i < m.fresh.size(); ++i) {
      doc += application_xml("applied", m.ids[i], m.fresh[i]);
    }
    doc += "</adjustment-request>\n";
    ctx.emit_document("adjustment-request", key, doc);
  }

  static void reclassify(Context &ctx) {
    const std::string id = ctx.text_param("application").value_or("");
    const std::string to_invoice = ctx.text_param("to-invoice").value_or("");
    const std::string to_customer = ctx.text_param("to-customer").value_or("");
    const std::string reason = ctx.text_param("reason").value_or("");
    if (to_invoice.empty() == to_customer.empty()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "give one of --to-invoice I or --to-customer C");
    }
    std::uint64_t seq = 0;
    const Moved moved =
        propose_correction(ctx, id, to_invoice, to_customer, "reclasificación: " + reason, "reclassify", seq);
    moved_rows(ctx, {{id, moved}}, false);
    ctx.info("the correction waits for another lead: cartera payments approve --batch " + ctx.request_id() +
             " (four eyes); until then application " + id + " stands");
  }

  // Cruce de cuentas: a customer's credit balances (saldo a favor) applied to its open invoices.
  static void offset(Context &ctx) {
    const std::string customer = ctx.text_param("customer").value_or("");
    const std::string invoice = ctx.text_param("invoice").value_or("");
    if (ctx.flag("host-advances")) {
      offset_host_advances(ctx, customer, invoice);
      return;
    }
    std::vector<std::string> credits;
    {
      cartera::Operation op = ctx.operation("pay_customer_credits");
      op.bind("customer_id", std::string_view(customer)).execute();
      while (op.step()) {
        credits.emplace_back(op.text(0));
      }
    }
    if (credits.empty()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "customer " + customer + " has no credit balance in cartera");
    }
    std::vector<std::pair<std::string, Moved>> done;
    std::uint64_t seq = 0; // one batch for the run: its proposals numbered on from credit to credit
    for (const auto &credit : credits) {
      bool open = false;
      for (const auto &inv : open_invoices(ctx, as_of(ctx))) {
        open = open || (inv.customer_id == customer && (invoice.empty() || inv.invoice_id == invoice));
      }
      if (!open) {
        break;
      }
      done.emplace_back(credit, propose_correction(ctx, credit, invoice, invoice.empty() ? customer : "",
                                                   "cruce de cuentas: saldo a favor de " + customer, "offset", seq));
    }
    if (done.empty()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "customer " + customer + " has nothing open to offset" +
                                                  (invoice.empty() ? std::string() : " in invoice " + invoice));
    }
    moved_rows(ctx, done, false);
    ctx.info("the offset waits for another lead: cartera payments approve --batch " + ctx.request_id() +
             " (four eyes)");
  }

  // The host's own advances (payments it holds unapplied, like GnuCash's Pre-Payment) are the
  // host's to apply: cartera plans the offset, oldest invoice first, and asks the officer to
  // record it. Nothing changes here until the host does, so the key is the plan itself: the
  // same plan asked again on another day is the same request, never a second offset.
  static void offset_host_advances(Context &ctx, const std::string &customer, const std::string &invoice) {
    const std::int64_t date = as_of(ctx);
    struct Advance {
      std::string contract;
      std::int64_t paid_on = 0;
      std::int64_t amount = 0;
    };
    std::vector<Advance> advances;
    std::int64_t available = 0;
    {
      cartera::Operation op = ctx.operation("unapplied_payments");
      op.bind("as_of", cartera::Date{date}).execute();
      while (op.step()) {
        if (op.text(0) == customer && op.centavos(6).value > 0) {
          advances.push_back(Advance{std::string(op.text(1)), op.date(5).days, op.centavos(6).value});
          cartera::sdk::accumulate_centavos(available, advances.back().amount);
        }
      }
    }
    if (advances.empty()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT,
                  "customer " + customer + " has no advance in the host's books as of " + iso(date));
    }
    std::vector<cartera::payments::OpenInvoice> open;
    for (auto &inv : open_invoices(ctx, date)) {
      if (inv.customer_id == customer && (invoice.empty() || inv.invoice_id == invoice)) {
        open.push_back(std::move(inv));
      }
    }
    std::stable_sort(open.begin(), open.end(), [](const auto &a, const auto &b) { return a.due_date < b.due_date; });
    using cartera::sdk::xml_escape;
    std::string key = customer;
    std::string body;
    for (const auto &a : advances) {
      key += "|" + iso(a.paid_on) + ":" + std::to_string(a.amount);
      body += "  <advance" + (a.contract.empty() ? std::string() : attr("contract", a.contract)) +
              attr("paid-on", iso(a.paid_on)) + attr("amount", pesos(a.amount)) + "/>\n";
    }
    ctx.columns({column("customer_id", CARTERA_TYPE_TEXT), column("invoice_id", CARTERA_TYPE_TEXT),
                 column("contract_id", CARTERA_TYPE_TEXT), column("due_date", CARTERA_TYPE_DATE),
                 column("amount", CARTERA_TYPE_CENTAVOS)});
    std::int64_t left = available;
    for (const auto &inv : open) {
      if (left == 0) {
        break;
      }
      const std::int64_t take = std::min(left, inv.balance);
      left -= take;
      key += "|" + inv.invoice_id + ":" + std::to_string(take);
      body += "  <apply" + attr("invoice", inv.invoice_id) +
              (inv.contract_id.empty() ? std::string() : attr("contract", inv.contract_id)) +
              attr("amount", pesos(take)) + "/>\n";
      ctx.row({cartera::make_value(std::string_view(customer)), cartera::make_value(std::string_view(inv.invoice_id)),
               cartera::make_value(std::string_view(inv.contract_id)), cartera::make_value(cartera::Date{inv.due_date}),
               cartera::make_value(cartera::Centavos{take})});
    }
    if (left == available) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "customer " + customer + " has nothing open to offset" +
                                                  (invoice.empty() ? std::string() : " in invoice " + invoice));
    }
    const std::string user = ctx.text_param("cartera.user").value_or("");
    const std::string doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<offset-request xmlns=\"urn:cartera:payment-offset:1\"" +
        attr("requested-by", user) + attr("requested-at", iso_now(ctx)) + attr("as-of", iso(date)) + ">\n  <to>" +
        xml_escape(ctx.config("adjustment-officer").value_or("contabilidad")) + "</to>\n  <reason>" +
        xml_escape("cruce de cuentas: anticipos de " + customer + " aplicados a sus facturas abiertas") +
        "</reason>\n  <customer id=\"" + xml_escape(customer) + "\"/>\n" + body + "  <left amount=\"" + pesos(left) +
        "\"/>\n</offset-request>\n";
    ctx.emit_document("offset-request", key, doc);
    ctx.info("offset of " + customer + "'s advances (" + cartera::sdk::format_pesos_co(available - left) +
             ") sent to the officer; the host's balances change when it is recorded" +
             (left > 0 ? "; " + cartera::sdk::format_pesos_co(left) + " stays in its favour" : ""));
  }

  // done: the correction took effect (approved); else it is proposed and waits.
  static void moved_rows(Context &ctx, const std::vector<std::pair<std::string, Moved>> &moves, bool done) {
    using cartera::payments::Application;
    ctx.columns({column("application", CARTERA_TYPE_TEXT), column("action", CARTERA_TYPE_TEXT),
                 column("customer_id", CARTERA_TYPE_TEXT), column("invoice_id", CARTERA_TYPE_TEXT),
                 column("kind", CARTERA_TYPE_TEXT), column("amount", CARTERA_TYPE_CENTAVOS)});
    const auto row = [&](const std::string &app, std::string_view action, const Application &a) {
      ctx.row({cartera::make_value(std::string_view(app)), cartera::make_value(action),
               cartera::make_value(std::string_view(a.customer_id)),
               cartera::make_value(std::string_view(a.invoice_id)), cartera::make_value(std::string_view(a.kind)),
               cartera::make_value(cartera::Centavos{a.amount})});
    };
    for (const auto &[id, moved] : moves) {
      row(id, done ? "reversed" : "to-reverse", moved.old);
      for (std::size_t i = 0; i < moved.fresh.size(); ++i) {
        row(moved.ids[i], done ? "applied" : "to-apply", moved.fresh[i]);
      }
    }
  }

  // Only approved applications reduce balances: proposals wait for the lead.
  static void open_items(Context &ctx) {
    const std::int64_t date = as_of(ctx);
    const bool all = ctx.flag("all");
    std::unordered_map<std::string, std::int64_t> applied;
    {
      cartera::Operation op = ctx.operation("pay_approved_by_invoice");
      op.execute();
      while (op.step()) {
        applied[std::string(op.text(0))] = op.centavos(1).value;
      }
    }
    cartera::Operation op = ctx.operation("open_items");
    op.bind("as_of", cartera::Date{date}).execute();
    ctx.columns({column("customer_id", CARTERA_TYPE_TEXT), column("contract_id", CARTERA_TYPE_TEXT),
                 column("invoice_id", CARTERA_TYPE_TEXT), column("due_date", CARTERA_TYPE_DATE),
                 column("host_balance", CARTERA_TYPE_CENTAVOS), column("applied_here", CARTERA_TYPE_CENTAVOS),
                 column("balance", CARTERA_TYPE_CENTAVOS)});
    std::int64_t total = 0;
    std::int64_t total_applied = 0;
    while (op.step()) {
      const std::int64_t host = op.centavos(5).value;
      const auto found = applied.find(std::string(op.text(2)));
      const std::int64_t here = found == applied.end() ? 0 : std::min(found->second, host);
      const std::int64_t left = host - here;
      cartera::sdk::accumulate_centavos(total, left);
      cartera::sdk::accumulate_centavos(total_applied, here);
      if (left > 0 || all) {
        ctx.row({op.column(0), op.column(1), op.column(2), op.column(4), cartera::make_value(cartera::Centavos{host}),
                 cartera::make_value(cartera::Centavos{here}), cartera::make_value(cartera::Centavos{left})});
      }
    }
    ctx.info("open as of " + iso(date) + ": " + cartera::sdk::format_pesos_co(total) + " after " +
             cartera::sdk::format_pesos_co(total_applied) + " approved here and not yet recorded by the host");
  }

  static void report(Context &ctx) {
    const auto d = ctx.date_param("date");
    const std::int64_t date = d ? d->days : today(ctx);
    cartera::Operation op = ctx.operation("pay_daily_report");
    op.bind("booking_date", cartera::Date{date}).execute();
    ctx.columns({column("date", CARTERA_TYPE_DATE), column("account", CARTERA_TYPE_TEXT),
                 column("state", CARTERA_TYPE_TEXT), column("rule", CARTERA_TYPE_TEXT),
                 column("kind", CARTERA_TYPE_TEXT), column("movements", CARTERA_TYPE_INTEGER),
                 column("amount", CARTERA_TYPE_CENTAVOS)});
    std::map<std::string, std::int64_t> by_state;
    while (op.step()) {
      cartera::sdk::accumulate_centavos(by_state[std::string(op.text(1))], op.centavos(5).value);
      ctx.row({cartera::make_value(cartera::Date{date}), op.column(0), op.column(1), op.column(2), op.column(3),
               op.column(4), op.column(5)});
    }
    std::string summary;
    for (const auto &[state, amount] : by_state) {
      summary += (summary.empty() ? "" : "; ") + state + " " + cartera::sdk::format_pesos_co(amount);
    }
    ctx.info("collections booked on " + iso(date) + ": " + (summary.empty() ? "none" : summary));
  }

  static void returned_checks(Context &ctx) {
    cartera::Operation op = ctx.operation("pay_returned_checks");
    op.execute();
    copy_rows(ctx, op,
              {column("entry_key", CARTERA_TYPE_TEXT), column("customer_id", CARTERA_TYPE_TEXT),
               column("amount", CARTERA_TYPE_CENTAVOS), column("sanction", CARTERA_TYPE_CENTAVOS),
               column("returned_on", CARTERA_TYPE_DATE), column("reason", CARTERA_TYPE_TEXT),
               column("recorded_by", CARTERA_TYPE_TEXT), column("status", CARTERA_TYPE_TEXT)});
  }

  static void review(Context &ctx) {
    const std::string batch = ctx.text_param("batch").value_or("");
    if (ctx.flag("detail")) {
      cartera::Operation op = ctx.operation("pay_proposals");
      op.bind("batch_id", std::string_view(batch)).execute();
      copy_rows(ctx, op,
                {column("application", CARTERA_TYPE_TEXT), column("batch", CARTERA_TYPE_TEXT),
                 column("entry", CARTERA_TYPE_TEXT), column("booking_date", CARTERA_TYPE_DATE),
                 column("payer_id", CARTERA_TYPE_TEXT), column("payer_name", CARTERA_TYPE_TEXT),
                 column("movement", CARTERA_TYPE_CENTAVOS), column("customer_id", CARTERA_TYPE_TEXT),
                 column("invoice_id", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
                 column("amount", CARTERA_TYPE_CENTAVOS), column("rule", CARTERA_TYPE_TEXT),
                 column("proposed_by", CARTERA_TYPE_TEXT)});
      return;
    }
    cartera::Operation op = ctx.operation("pay_review");
    op.bind("batch_id", std::string_view(batch)).execute();
    copy_rows(ctx, op,
              {column("batch", CARTERA_TYPE_TEXT), column("rule", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
               column("movements", CARTERA_TYPE_INTEGER), column("applications", CARTERA_TYPE_INTEGER),
               column("amount", CARTERA_TYPE_CENTAVOS), column("proposed_by", CARTERA_TYPE_TEXT)});
  }

  static bool is_withholding(std::string_view kind) {
    return kind == "retefuente" || kind == "reteica" || kind == "reteiva";
  }

  // One settled movement as treasury's cash receipt names it, read from pay_receipts_due.
  struct ReceiptLine {
    std::string id, customer, invoice, kind, rule, proposed_by, approved_by, approved_at;
    std::int64_t amount = 0;
  };
  struct Receipt {
    std::string entry, account, currency, bank_reference, end_to_end_id, remittance, channel, payer_id, payer_name,
        file_name, file_sha256, format;
    std::int64_t booking_date = 0, value_date = 0, amount = 0, line = 0;
    std::vector<ReceiptLine> lines;
  };

  // The cash-receipt request of one movement. An invoice's money first, then the differences
  // that closed it (the matcher adds them in that order, under consecutive ids).
  static std::string cash_receipt_request(const Receipt &r, const std::string &user, const std::string &now,
                                          const std::string &officer) {
    std::string invoices;
    std::int64_t applied = 0;
    std::int64_t withheld = 0;
    std::int64_t noted = 0;
    std::int64_t credited = 0;
    std::vector<std::string_view> order;
    for (const auto &l : r.lines) {
      if (!l.invoice.empty() && std::find(order.begin(), order.end(), l.invoice) == order.end()) {
        order.emplace_back(l.invoice);
      }
      if (l.kind == "credit") {
        cartera::sdk::accumulate_centavos(credited, l.amount);
      }
    }
    for (const auto &invoice : order) {
      std::int64_t money = 0;
      std::int64_t settled = 0;
      std::string_view customer;
      std::string differences;
      for (const auto &l : r.lines) {
        if (l.invoice != invoice) {
          continue;
        }
        customer = l.customer;
        cartera::sdk::accumulate_centavos(settled, l.amount);
        if (l.kind == "invoice") {
          cartera::sdk::accumulate_centavos(money, l.amount);
        } else {
          const bool withholding = is_withholding(l.kind);
          cartera::sdk::accumulate_centavos(withholding ? withheld : noted, l.amount);
          differences += "    <difference" + attr("kind", l.kind) + attr("amount", pesos(l.amount)) +
                         attr("treatment", withholding ? "withholding" : "credit-note") + "/>\n";
        }
      }
      cartera::sdk::accumulate_centavos(applied, money);
      invoices += "  <invoice" + attr("id", invoice) + attr("customer", customer) + attr("applied", pesos(money)) +
                  attr("settled", pesos(settled)) +
                  (differences.empty() ? "/>\n" : ">\n" + differences + "  </invoice>\n");
    }
    if (applied + credited != r.amount) {
      // The matcher never splits a movement into more or less than it is; say so if it did.
      throw Error(CARTERA_E_INTERNAL, "movement " + r.entry + ": applied " + pesos(applied) + " + credit " +
                                          pesos(credited) + " is not its amount " + pesos(r.amount));
    }
    const std::string &customer = r.lines.front().customer;
    std::string doc;
    doc.reserve(1024 + 256 * r.lines.size());
    doc += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cash-receipt-request "
           "xmlns=\"urn:cartera:cash-receipt-request:1\"";
    doc += attr("id", r.entry) + attr("requested-by", user) + attr("requested-at", now) + ">\n  <to>";
    doc += cartera::sdk::xml_escape(officer) + "</to>\n  <payer" + attr("customer", customer) +
           attr("id-number", r.payer_id) + attr("name", r.payer_name) + "/>\n";
    doc += "  <payment" + attr("entry-key", r.entry) + attr("account", r.account) +
           attr("booking-date", iso(r.booking_date)) + attr("value-date", iso(r.value_date)) +
           attr("amount", pesos(r.amount)) + attr("currency", r.currency) + attr("bank-reference", r.bank_reference) +
           attr("end-to-end-id", r.end_to_end_id) + attr("remittance", r.remittance) + attr("channel", r.channel) +
           "/>\n";
    doc += invoices;
    if (credited > 0) {
      doc += "  <credit" + attr("customer", customer) + attr("amount", pesos(credited)) + "/>\n";
    }
    doc += "  <totals" + attr("received", pesos(r.amount)) + attr("applied", pesos(applied)) +
           attr("withheld", pesos(withheld)) + attr("credit-notes", pesos(noted)) + attr("credit", pesos(credited)) +
           "/>\n  <supports>\n";
    doc += "    <bank-file" + attr("name", r.file_name) + attr("sha256", r.file_sha256) + attr("format", r.format) +
           attr("line", std::to_string(r.line)) + "/>\n";
    for (const auto &l : r.lines) {
      doc += "    <approval" + attr("application", l.id) + attr("rule", l.rule) + attr("proposed-by", l.proposed_by) +
             attr("approved-by", l.approved_by) + attr("approved-at", l.approved_at) + "/>\n";
    }
    doc += "  </supports>\n</cash-receipt-request>\n";
    return doc;
  }

  // Treasury's cash receipts for the movements this run's approvals settled (every proposal of
  // a movement decided, some approved; one still waiting holds its receipt until it is
  // decided). Read in one query; the key is the movement: one receipt per payment, whatever run
  // settles it.
  static void request_cash_receipts(Context &ctx, const std::string &user, const std::string &now) {
    const std::string officer = ctx.config("treasury-officer").value_or("tesoreria");
    cartera::Operation op = ctx.operation("pay_receipts_due");
    op.bind("reviewed_by", std::string_view(user)).bind("reviewed_at", std::string_view(now)).execute();
    Receipt r;
    const auto emit = [&] {
      if (!r.lines.empty()) {
        ctx.emit_document("cash-receipt-request", r.entry, cash_receipt_request(r, user, now, officer));
      }
      r.lines.clear();
    };
    while (op.step()) {
      if (op.text(0) != r.entry || r.lines.empty()) {
        emit();
        r.entry = op.text(0);
        r.account = op.text(1);
        r.booking_date = op.date(2).days;
        r.value_date = op.date(3).days;
        r.amount = op.centavos(4).value;
        r.currency = op.text(5);
        r.bank_reference = op.text(6);
        r.end_to_end_id = op.text(7);
        r.remittance = op.text(8);
        r.channel = op.text(9);
        r.payer_id = op.text(10);
        r.payer_name = op.text(11);
        r.file_name = op.text(12);
        r.file_sha256 = op.text(13);
        r.format = op.text(14);
        r.line = op.integer(15);
      }
      r.lines.push_back(ReceiptLine{std::string(op.text(16)), std::string(op.text(17)), std::string(op.text(18)),
                                    std::string(op.text(19)), std::string(op.text(21)), std::string(op.text(22)),
                                    std::string(op.text(23)), std::string(op.text(24)), op.centavos(20).value});
    }
    emit();
  }

  static void decide(Context &ctx, bool approve) {
    const std::string batch = ctx.text_param("batch").value_or("");
    const std::string application = ctx.text_param("application").value_or("");
    const std::vector<std::string> lines = split_list(ctx.text_param("lines").value_or(""));
    const bool all = ctx.flag("all");
    if ((batch.empty() ? 0 : 1) + (application.empty() ? 0 : 1) + (lines.empty() ? 0 : 1) + (all ? 1 : 0) != 1) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "give exactly one of --batch B, --application A, --lines E1,E2 or --all");
    }
    const std::string user = ctx.text_param("cartera.user").value_or("");
    std::vector<std::string> chosen;
    std::vector<std::string> own;
    const auto select = [&](const std::string &entry) {
      cartera::Operation op = ctx.operation("pay_selection");
      op.bind("batch_id", std::string_view(batch))
          .bind("application_id", std::string_view(application))
          .bind("entry_key", std::string_view(entry))
          .execute();
      bool any = false;
      while (op.step()) {
        any = true;
        chosen.emplace_back(op.text(0));
        if (op.text(1) == user) {
          own.emplace_back(op.text(0));
        }
      }
      return any;
    };
    if (lines.empty()) {
      select("");
    }
    for (const auto &entry : lines) {
      // A movement named by mistake must not pass silently while the others are decided.
      if (!select(entry)) {
        throw Error(CARTERA_E_INVALID_ARGUMENT,
                    "movement '" + entry + "' has no proposal waiting (cartera payments review --detail)");
      }
    }
    if (chosen.empty()) {
      // Nothing waits. A rerun of a decision that committed (killed while its documents were
      // being written, say) must succeed: --all, or the named batch or application already
      // decided the same way, is done, exit 0. Anything else names what is not there: usage.
      const std::string status = approve ? "approved" : "rejected";
      if (!all && lines.empty()) {
        cartera::Operation op = ctx.operation("pay_selection_decided");
        op.bind("batch_id", std::string_view(batch)).bind("application_id", std::string_view(application)).execute();
        std::size_t same = 0;
        std::size_t other = 0;
        std::string by;
        while (op.step()) {
          // Reversed was approved first (a returned check, a correction undid it since).
          ++(op.text(1) == status || (approve && op.text(1) == "reversed") ? same : other);
          by = op.text(2);
        }
        const std::string what = batch.empty() ? "application " + application : "batch " + batch;
        if (same == 0 || other > 0) {
          throw Error(CARTERA_E_INVALID_ARGUMENT, "no proposal is waiting in " + what +
                                                      (same + other == 0 ? std::string(": there is no such ") +
                                                                               (batch.empty() ? "application" : "batch")
                                                                         : ": it was decided otherwise") +
                                                      " (cartera payments review)");
        }
        ctx.columns({column("application", CARTERA_TYPE_TEXT), column("decision", CARTERA_TYPE_TEXT)});
        ctx.info("no proposal is waiting: " + what + " was already " + status + " by " + by);
        return;
      }
      if (!all) {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "no proposal is waiting (cartera payments review)");
      }
      ctx.columns({column("application", CARTERA_TYPE_TEXT), column("decision", CARTERA_TYPE_TEXT)});
      ctx.info("no proposal is waiting: nothing to " + std::string(approve ? "approve" : "reject"));
      return;
    }
    if (approve && !own.empty()) {
      throw Error(CARTERA_E_NOT_PERMITTED, "four eyes: user '" + user + "' proposed " + std::to_string(own.size()) +
                                               " of these " + std::to_string(chosen.size()) + " (first " + own.front() +
                                               "); another lead must approve them");
    }
    const std::string status = approve ? "approved" : "rejected";
    const std::string reason = ctx.text_param("reason").value_or("");
    const std::string now = iso_now(ctx);
    // One statement per selection made above (the same run, so the same proposals): a
    // hundred thousand decisions are one UPDATE, not a hundred thousand.
    cartera::Operation op = ctx.operation("pay_decide_selection");
    for (const auto &entry : lines.empty() ? std::vector<std::string>{std::string()} : lines) {
      op.bind("batch_id", std::string_view(batch))
          .bind("application_id", std::string_view(application))
          .bind("entry_key", std::string_view(entry))
          .bind("status", std::string_view(status))
          .bind("reviewed_by", std::string_view(user))
          .bind("reviewed_at", std::string_view(now))
          .bind("review_reason", std::string_view(reason))
          .add_row();
    }
    op.execute();
    const std::vector<std::pair<std::string, Moved>> corrected = settle_corrections(ctx, user, now);
    ctx.operation("pay_settle_entries").execute();
    if (approve) {
      request_cash_receipts(ctx, user, now);
    } else {
      ctx.operation("pay_reopen_entries").execute();
    }
    ctx.columns({column("application", CARTERA_TYPE_TEXT), column("decision", CARTERA_TYPE_TEXT)});
    for (const auto &id : chosen) {
      ctx.row({cartera::make_value(std::string_view(id)), cartera::make_value(std::string_view(status))});
    }
    // The applications the approved corrections reversed.
    for (const auto &[id, moved] : corrected) {
      ctx.row({cartera::make_value(std::string_view(id)), cartera::make_value(std::string_view("reversed"))});
    }
    ctx.info(std::to_string(chosen.size()) + " proposals " + status + " by " + user);
  }

  static void unidentified(Context &ctx) {
    const std::int64_t date = as_of(ctx);
    cartera::Operation op = ctx.operation("pay_unidentified");
    op.execute();
    ctx.columns({column("entry_key", CARTERA_TYPE_TEXT), column("booking_date", CARTERA_TYPE_DATE),
                 column("age_days", CARTERA_TYPE_INTEGER), column("amount", CARTERA_TYPE_CENTAVOS),
                 column("payer_id", CARTERA_TYPE_TEXT), column("payer_name", CARTERA_TYPE_TEXT),
                 column("remittance", CARTERA_TYPE_TEXT), column("bank_reference", CARTERA_TYPE_TEXT),
                 column("file", CARTERA_TYPE_TEXT), column("line", CARTERA_TYPE_INTEGER),
                 column("kind", CARTERA_TYPE_TEXT)});
    // Credits and unpaired reversals, counted and summed apart (as match reports them): a
    // reversal is not netted into the credits waiting to be placed.
    std::int64_t credits = 0;
    std::int64_t credits_total = 0;
    std::int64_t reversals = 0;
    std::int64_t reversals_total = 0;
    while (op.step()) {
      const std::int64_t booked = op.date(1).days;
      const bool reversal = op.integer(9) != 0;
      cartera::sdk::accumulate_centavos(reversal ? reversals_total : credits_total, op.centavos(2).value);
      ++(reversal ? reversals : credits);
      ctx.row({op.column(0), op.column(1), cartera::make_value(date - booked), op.column(2), op.column(3), op.column(4),
               op.column(5), op.column(6), op.column(7), op.column(8),
               cartera::make_value(std::string_view(reversal ? "unpaired reversal" : "credit"))});
    }
    ctx.info(std::to_string(credits) + " unidentified credits, " + cartera::sdk::format_pesos_co(credits_total) +
             (reversals > 0 ? "; " + std::to_string(reversals) + " reversals no credit was found for, " +
                                  cartera::sdk::format_pesos_co(reversals_total)
                            : ""));
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

constexpr cartera_doc_type kDocTypes[] = {
    cartera::doc_out("adjustment-request", "urn:cartera:payment-adjustment:1"),
    cartera::doc_out("offset-request", "urn:cartera:payment-offset:1"),
    cartera::doc_out("cash-receipt-request", "urn:cartera:cash-receipt-request:1")};

constexpr cartera::ModuleInfo kInfo{"org.cartera.payments",
                                    "0.1.0",
                                    "Pagos: archivos del banco, aplicación y revisión",
                                    "cartera",
                                    "Apache-2.0",
                                    CARTERA_CAP_PAYMENTS,
                                    kDocTypes,
                                    std::size(kDocTypes),
                                    0,
                                    0};

} // namespace

CARTERA_PLUGIN(Payments, kInfo)
