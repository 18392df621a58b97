// interest: moratory interest liquidated day by day at the certified rates, never above usury,
// and charged through a request to accounting (README.md).
#include "charge_request.hpp"
#include "interest_identity.hpp"
#include "liquidation.hpp"
#include "movements.hpp"
#include "rates.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cartera::interest {
extern const char *const kShippedRatesCsv;
} // namespace cartera::interest

namespace {

using cartera::Centavos;
using cartera::Context;
using cartera::Date;
using cartera::Error;
using cartera::make_value;
using cartera::Text;
using cartera::sdk::column;
using cartera::sdk::format_iso_date;
namespace ci = cartera::interest;

// The module's settings (cartera.xml <module-settings module="org.cartera.interest">).
struct Settings {
  ci::Rules rules;
  bool move_due_date = true; // C.Co. art. 829
  std::string charge_as = "debit-note";
  std::string charge_to = "contabilidad";
};

// A configuration problem: refused as input (exit 3), as Context::refuse_config does.
[[noreturn]] void bad_setting(const std::string &key, const std::string &value, const std::string &expected) {
  throw Error(CARTERA_E_INPUT_REJECTED,
              "interest: setting '" + key + "' is " + expected + ", not '" + value + "' (cartera.xml)");
}

Settings settings(const Context &ctx) {
  Settings s;
  const std::string base = ctx.config("year-base").value_or("365");
  if (base != "365" && base != "360") {
    bad_setting("year-base", base, "365 or 360");
  }
  s.rules.year_base = std::stoi(base);
  const std::string grace = ctx.config("grace-days").value_or("0");
  if (grace.empty() || grace.size() > 3 || grace.find_first_not_of("0123456789") != std::string::npos) {
    bad_setting("grace-days", grace, "a whole number of days from 0 to 999");
  }
  s.rules.grace_days = std::stoi(grace);
  if (const auto agreed = ctx.config("agreed-rate")) {
    const cartera::sdk::ParsedAmount a = cartera::sdk::parse_pesos(*agreed);
    if (!a.centavos || *a.centavos <= 0 || *a.centavos >= 100000) {
      bad_setting("agreed-rate", *agreed, "the agreed moratory rate in percent E.A. (24.50)");
    }
    s.rules.agreed_rate = static_cast<std::int32_t>(*a.centavos);
  }
  const std::string imputation = ctx.config("imputation").value_or("interest-first");
  if (imputation != "interest-first" && imputation != "capital-first") {
    bad_setting("imputation", imputation, "interest-first (C.C. art. 1653) or capital-first");
  }
  s.rules.interest_first = imputation == "interest-first";
  const std::string move = ctx.config("move-due-date").value_or("yes");
  if (move != "yes" && move != "no") {
    bad_setting("move-due-date", move, "yes (C.Co. art. 829) or no");
  }
  s.move_due_date = move == "yes";
  s.charge_as = ctx.config("charge-as").value_or("debit-note");
  if (s.charge_as != "debit-note" && s.charge_as != "next-bill") {
    bad_setting("charge-as", s.charge_as, "debit-note or next-bill");
  }
  s.charge_to = ctx.config("charge-to").value_or("contabilidad");
  return s;
}

// The shipped certifications, then the imported ones.
ci::RateTable rate_table(Context &ctx) {
  std::vector<ci::RatePeriod> all = ci::parse_rate_file(ci::kShippedRatesCsv, "sfc-consumo-ordinario-rates.csv");
  for (ci::RatePeriod &p : all) {
    p.origin = "shipped";
  }
  cartera::Operation op = ctx.operation("int_rates");
  const auto [from, to, bank_rate, usury_rate, resolution, source, imported_by] =
      op.columns<Date, Date, std::int64_t, std::int64_t, Text, Text, Text>(
          "from_day", "to_day", "bank_rate", "usury_rate", "resolution", "source", "imported_by");
  op.execute();
  while (op.step()) {
    ci::RatePeriod p;
    p.from = op[from].days;
    p.to = op[to].days;
    p.bank_rate = static_cast<std::int32_t>(op[bank_rate]);
    p.usury_rate = static_cast<std::int32_t>(op[usury_rate]);
    p.resolution = op[resolution];
    p.source = op[source];
    p.origin = "imported by " + std::string(op[imported_by]);
    all.push_back(std::move(p));
  }
  try {
    return ci::RateTable(std::move(all));
  } catch (const std::invalid_argument &e) {
    throw Error(CARTERA_E_INTERNAL, std::string("interest: the rate table is inconsistent: ") + e.what());
  }
}

// One invoice as liquidation needs it, read from the host.
struct InvoiceRow {
  std::string id, customer, contract;
  ci::Invoice facts;
};

// What a liquidation run gives: its table (detail: one row per sub-period), the charge
// requests, or the interest owed at a date for other modules (to-date, published).
enum class Mode { kLiquidate, kDetail, kCharge, kToDate };

struct Charged {
  std::int64_t through = 0;
  std::int64_t amount = 0;
};

class Interest {
public:
  explicit Interest(Context &) {}

private:
  static void liquidate(Context &ctx) { liquidation(ctx, ctx.flag("detail") ? Mode::kDetail : Mode::kLiquidate); }
  static void charge(Context &ctx) { liquidation(ctx, Mode::kCharge); }
  static void to_date(Context &ctx) { liquidation(ctx, Mode::kToDate); }
  static void statement_movements(Context &ctx) { ci::statement_movements(ctx); }

  static void rate_rows(Context &ctx, const std::vector<ci::RatePeriod> &periods) {
    ctx.columns({column("from", CARTERA_TYPE_DATE), column("to", CARTERA_TYPE_DATE),
                 column("bank_rate_ea", CARTERA_TYPE_TEXT), column("usury_rate_ea", CARTERA_TYPE_TEXT),
                 column("resolution", CARTERA_TYPE_TEXT), column("source", CARTERA_TYPE_TEXT),
                 column("origin", CARTERA_TYPE_TEXT)});
    for (const ci::RatePeriod &p : periods) {
      const std::string bank = ci::format_rate(p.bank_rate);
      const std::string usury = ci::format_rate(p.usury_rate);
      ctx.row({make_value(cartera::Date{p.from}), make_value(cartera::Date{p.to}), make_value(bank), make_value(usury),
               make_value(p.resolution), make_value(p.source), make_value(p.origin)});
    }
  }

  static void rates(Context &ctx) { rate_rows(ctx, rate_table(ctx).periods()); }

  static void rates_import(Context &ctx) {
    const std::optional<cartera_value> file = ctx.param("file");
    const std::string name = ctx.text_param("file_name").value_or("(file)");
    std::vector<ci::RatePeriod> more;
    try {
      more = ci::parse_rate_file(file ? cartera::view(file->s) : std::string_view(), name);
    } catch (const ci::RateFileError &e) {
      throw Error(CARTERA_E_INPUT_REJECTED, std::string(e.what()) + "; nothing was imported");
    }
    const ci::RateTable table = rate_table(ctx);
    if (const std::string why = table.why_not_addable(more); !why.empty()) {
      throw Error(CARTERA_E_INPUT_REJECTED, name + ": " + why + "; nothing was imported");
    }
    const std::string user = ctx.text_param("cartera.user").value_or("cartera");
    const std::string now = cartera::sdk::format_iso_instant_utc(ctx.now_utc_us());
    cartera::Operation op = ctx.operation("int_insert_rate");
    for (ci::RatePeriod &p : more) {
      op.bind("from_day", cartera::Date{p.from})
          .bind("to_day", cartera::Date{p.to})
          .bind("bank_rate", std::int64_t{p.bank_rate})
          .bind("usury_rate", std::int64_t{p.usury_rate})
          .bind("resolution", std::string_view(p.resolution))
          .bind("source", std::string_view(p.source))
          .bind("file_name", std::string_view(name))
          .bind("imported_by", std::string_view(user))
          .bind("imported_at", std::string_view(now))
          .add_row();
      p.origin = "imported by " + user;
    }
    op.execute();
    ctx.info("interest: " + std::to_string(more.size()) + " certified periods imported from " + name + " (" +
             format_iso_date(more.front().from) + ".." + format_iso_date(more.back().to) + ")");
    rate_rows(ctx, more);
  }

  static void rates_withdraw(Context &ctx) {
    const std::int64_t from = ctx.date_param("from").value_or(cartera::Date{0}).days;
    std::vector<ci::RatePeriod> gone;
    const ci::RateTable table = rate_table(ctx);
    for (const ci::RatePeriod &p : table.periods()) {
      if (p.from >= from && p.origin != "shipped") {
        gone.push_back(p);
      }
    }
    if (gone.empty() || gone.front().from != from) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "no imported certification starts on " + format_iso_date(from) +
                                                  " (cartera interest rates shows which were imported)");
    }
    {
      cartera::Operation op = ctx.operation("int_charged_from");
      const auto charges = op.column<std::int64_t>("charges");
      op.bind("from_day", cartera::Date{from}).execute();
      if (op.step() && op[charges] > 0) {
        throw Error(CARTERA_E_INVALID_ARGUMENT, std::to_string(op[charges]) + " interest charges to accounting reach " +
                                                    format_iso_date(from) +
                                                    " or later with these rates; they cannot be withdrawn");
      }
    }
    ctx.operation("int_withdraw_rates").bind("from_day", cartera::Date{from}).execute();
    ctx.info("interest: " + std::to_string(gone.size()) + " imported periods withdrawn (" +
             format_iso_date(gone.front().from) + ".." + format_iso_date(gone.back().to) +
             "): " + ctx.text_param("reason").value_or(""));
    rate_rows(ctx, gone);
  }

  // The host's invoices due before as_of with their payments, sorted by invoice id so that
  // every backend gives the same order. The adapter's rows of one invoice come together.
  static std::vector<InvoiceRow> invoices(Context &ctx, std::int64_t as_of, const std::string &customer,
                                          const Settings &s) {
    cartera::Operation op = ctx.operation("interest_invoices");
    const auto [customer_id, contract_id, invoice_id, due_date, amount, paid_on, applied] =
        op.columns<Text, Text, Text, Date, Centavos, Date, Centavos>("customer_id", "contract_id", "invoice_id",
                                                                     "due_date", "amount", "paid_on", "applied");
    op.bind("as_of", cartera::Date{as_of}).bind("customer", std::string_view(customer)).execute();
    std::vector<InvoiceRow> out;
    while (op.step()) {
      const std::string_view id = op[invoice_id];
      if (out.empty() || out.back().id != id) {
        InvoiceRow r;
        r.customer = op[customer_id];
        r.contract = op[contract_id];
        r.id = id;
        r.facts.due = op[due_date].days;
        r.facts.amount = op[amount].value;
        // C.Co. art. 829: a term that ends on a holiday (practice: or a Sunday) runs to the
        // next business day, so mora starts the day after that.
        r.facts.payable_by = s.move_due_date ? ctx.add_business_days(cartera::Date{r.facts.due}, 0).days : r.facts.due;
        out.push_back(std::move(r));
      }
      if (const std::optional<Date> paid = op.optional(paid_on)) { // an invoice without payments: NULL
        out.back().facts.payments.push_back({paid->days, op[applied].value});
      }
    }
    std::sort(out.begin(), out.end(), [](const InvoiceRow &a, const InvoiceRow &b) { return a.id < b.id; });
    return out;
  }

  // What was charged per invoice: all of it, or (to) the requests through that day that
  // accounting has not rejected, which statements show as movements of their own.
  static std::unordered_map<std::string, Charged> charged(Context &ctx, std::optional<std::int64_t> to) {
    std::unordered_map<std::string, Charged> out;
    if (to) {
      for (const ci::ChargedPeriod &p : ci::charged_periods(ctx, *to, "")) {
        Charged &c = out[p.invoice_id];
        c.through = std::max(c.through, p.through);
        cartera::sdk::accumulate_centavos(c.amount, p.amount);
      }
      return out;
    }
    cartera::Operation op = ctx.operation("int_charged");
    const auto [invoice_id, through, amount] = op.columns<Text, Date, Centavos>("invoice_id", "through", "amount");
    op.execute();
    while (op.step()) {
      out.emplace(std::string(op[invoice_id]), Charged{op[through].days, op[amount].value});
    }
    return out;
  }

  static void liquidation(Context &ctx, Mode mode) {
    const Settings s = settings(ctx);
    const bool charge = mode == Mode::kCharge;
    const bool detail = mode == Mode::kDetail;
    const bool to_date = mode == Mode::kToDate;
    std::int64_t as_of = ctx.date_param(to_date ? "to" : "as-of").value_or(cartera::Date{}).days;
    const std::string customer = ctx.text_param("customer").value_or("");
    const ci::RateTable rates = rate_table(ctx);
    if (to_date && !rates.empty() && rates.periods().back().to < as_of) {
      // What a statement shows before the SFC's next certification is imported: the interest
      // exact through the last certified day, with that day, rather than no statement at all.
      // liquidate and charge refuse instead: nothing is charged on a guess.
      as_of = rates.periods().back().to;
      ctx.warn("interest: no certified rate after " + format_iso_date(as_of) +
               "; interest to date is liquidated through it");
    }
    const std::unordered_map<std::string, Charged> before =
        charged(ctx, to_date ? std::optional<std::int64_t>(as_of) : std::nullopt);
    const std::vector<InvoiceRow> rows = invoices(ctx, as_of, customer, s);

    if (to_date) {
      // The contract interest_to_date (statements.operations.xml): these names and types, in order.
      ctx.columns({column("customer_id", CARTERA_TYPE_TEXT), column("invoice_id", CARTERA_TYPE_TEXT),
                   column("through", CARTERA_TYPE_DATE), column("owed", CARTERA_TYPE_CENTAVOS)});
    } else if (detail) {
      ctx.columns({column("invoice", CARTERA_TYPE_TEXT), column("customer", CARTERA_TYPE_TEXT),
                   column("from", CARTERA_TYPE_DATE), column("to", CARTERA_TYPE_DATE),
                   column("days", CARTERA_TYPE_INTEGER), column("rate_ea", CARTERA_TYPE_TEXT),
                   column("usury_rate_ea", CARTERA_TYPE_TEXT), column("daily_rate", CARTERA_TYPE_TEXT),
                   column("capital", CARTERA_TYPE_CENTAVOS), column("interest", CARTERA_TYPE_CENTAVOS)});
    } else {
      ctx.columns({column("invoice", CARTERA_TYPE_TEXT), column("customer", CARTERA_TYPE_TEXT),
                   column("contract", CARTERA_TYPE_TEXT), column("due_date", CARTERA_TYPE_DATE),
                   column("mora_from", CARTERA_TYPE_DATE), column("through", CARTERA_TYPE_DATE),
                   column("days", CARTERA_TYPE_INTEGER), column("capital_open", CARTERA_TYPE_CENTAVOS),
                   column("interest", CARTERA_TYPE_CENTAVOS), column("paid", CARTERA_TYPE_CENTAVOS),
                   column("charged_before", CARTERA_TYPE_CENTAVOS), column("owed", CARTERA_TYPE_CENTAVOS)});
    }
    const std::string user = ctx.text_param("cartera.user").value_or("cartera");
    const std::string now = cartera::sdk::format_iso_instant_utc(ctx.now_utc_us());
    std::optional<cartera::Operation> insert;
    if (charge) {
      insert.emplace(ctx.host(), ctx.call(), "int_insert_charge");
    }
    std::uint64_t done = 0;
    std::uint64_t charges = 0;
    std::int64_t total_owed = 0;
    for (const InvoiceRow &r : rows) {
      if ((++done & 0xFFFF) == 0) {
        ctx.throw_if_cancelled();
        ctx.progress(done, rows.size(), charge ? "charging interest" : "liquidating interest");
      }
      ci::Liquidation l;
      try {
        l = ci::liquidate(r.facts, as_of, rates, s.rules);
      } catch (const ci::MissingRate &e) {
        throw Error(CARTERA_E_INPUT_REJECTED, "invoice " + r.id + ": " + e.what());
      }
      if (l.periods.empty()) {
        continue;
      }
      const auto prior = before.find(r.id);
      const Charged c = prior != before.end() ? prior->second : Charged{};
      const std::int64_t owed = std::max<std::int64_t>(0, l.interest_owed() - c.amount);
      if (to_date) {
        if (owed > 0) {
          cartera::sdk::accumulate_centavos(total_owed, owed);
          ctx.row({make_value(std::string_view(r.customer)), make_value(std::string_view(r.id)),
                   make_value(cartera::Date{as_of}), make_value(cartera::Centavos{owed})});
        }
        continue;
      }
      if (detail) {
        cartera::sdk::accumulate_centavos(total_owed, owed);
        for (const ci::SubPeriod &p : l.periods) {
          const std::string rate = ci::format_rate(p.rate);
          const std::string usury = ci::format_rate(p.usury_rate);
          const std::string daily = ci::format_daily_rate(p.daily_rate);
          ctx.row({make_value(std::string_view(r.id)), make_value(std::string_view(r.customer)),
                   make_value(cartera::Date{p.from}), make_value(cartera::Date{p.to}), make_value(std::int64_t{p.days}),
                   make_value(rate), make_value(usury), make_value(daily), make_value(cartera::Centavos{p.capital}),
                   make_value(cartera::Centavos{p.interest})});
        }
        continue;
      }
      if (charge) {
        // Once per invoice and period: nothing after the last charged day, nothing owed, no request.
        if (l.through <= c.through || owed == 0) {
          continue;
        }
        ci::ChargeRequest req;
        req.id = ci::charge_document_key(r.id, l.through);
        req.to = s.charge_to;
        req.invoice_id = r.id;
        req.customer_id = r.customer;
        req.contract_id = r.contract;
        req.invoice = r.facts;
        req.rules = s.rules;
        req.liquidation = l;
        req.from = c.through > 0 ? std::max(c.through + 1, l.mora_from) : l.mora_from;
        req.charged_before = c.amount;
        req.amount = owed;
        req.charged_as = s.charge_as;
        req.requested_by = user;
        ctx.emit_document(ci::kChargeRequestType, req.id, ci::charge_request_xml(req));
        insert->bind("invoice_id", std::string_view(r.id))
            .bind("customer_id", std::string_view(r.customer))
            .bind("from_day", cartera::Date{req.from})
            .bind("through", cartera::Date{l.through})
            .bind("amount", cartera::Centavos{owed})
            .bind("charged_as", std::string_view(s.charge_as))
            .bind("charged_by", std::string_view(user))
            .bind("charged_at", std::string_view(now))
            .add_row();
        ++charges;
      }
      cartera::sdk::accumulate_centavos(total_owed, owed);
      ctx.row({make_value(std::string_view(r.id)), make_value(std::string_view(r.customer)),
               make_value(std::string_view(r.contract)), make_value(cartera::Date{r.facts.due}),
               make_value(cartera::Date{l.mora_from}), make_value(cartera::Date{l.through}),
               make_value(std::int64_t{l.days()}), make_value(cartera::Centavos{l.capital_left}),
               make_value(cartera::Centavos{l.interest}), make_value(cartera::Centavos{l.interest_paid}),
               make_value(cartera::Centavos{c.amount}), make_value(cartera::Centavos{owed})});
    }
    if (charges > 0) {
      insert->execute();
    }
    ctx.progress(rows.size(), rows.size(), charge ? "charging interest" : "liquidating interest");
    ctx.info("interest: " + cartera::sdk::format_pesos_co(total_owed) + (charge ? " charged" : " owed") + " through " +
             format_iso_date(as_of));
  }

public:
  static constexpr cartera::Job<Interest> kJobs[] = {{"rates", &Interest::rates},
                                                     {"rates-import", &Interest::rates_import},
                                                     {"liquidate", &Interest::liquidate},
                                                     {"charge", &Interest::charge},
                                                     {"rates-withdraw", &Interest::rates_withdraw},
                                                     {"to-date", &Interest::to_date},
                                                     {"statement-movements", &Interest::statement_movements}};
};

// Id, version, display name, ABI requirement, capabilities and document types: the manifest's
// (interest.plugin.xml.in), through the header cartera_add_module generates from it.
constexpr cartera::ModuleInfo kInfo = cartera::module_info(cartera_identity::kIdentity, "cartera", "Apache-2.0");

} // namespace

CARTERA_PLUGIN(Interest, kInfo)
