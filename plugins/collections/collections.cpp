// collections: what customers owe as of a date. Jobs open-items and aging (README.md).
#include "aging.hpp"
#include "chart.hpp"
#include "collections_identity.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

using cartera::Centavos;
using cartera::Context;
using cartera::Error;
using cartera::Text;
using cartera::sdk::column;

constexpr std::uint64_t kProgressEvery = 10000;

class Collections {
public:
  explicit Collections(Context &) {}

private:
  static std::int64_t as_of(Context &ctx) {
    const auto d = ctx.date_param("as-of");
    if (!d) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "--as-of is required");
    }
    return d->days;
  }

  // What the lead approved in cartera against each invoice that the host has not recorded yet
  // (gathered from the modules that publish approved_not_recorded: payments): a payment the
  // host records with the movement's key as its reference no longer counts here, since the
  // host's balance shows it. Empty with --host-only, or when no module publishes anything.
  struct Pending {
    std::unordered_map<std::string, std::int64_t> by_invoice;
    std::int64_t netted = 0; // what the balances shown are net of
  };
  static Pending pending_in_cartera(Context &ctx, std::int64_t date) {
    Pending p;
    if (ctx.flag("host-only")) {
      return p;
    }
    struct Row {
      std::string invoice;
      std::int64_t amount;
      std::string reference;
    };
    std::vector<Row> rows;
    std::unordered_set<std::string> references;
    {
      cartera::Operation op = ctx.operation("approved_not_recorded");
      const auto [invoice, amount, reference] = op.columns<Text, Centavos, Text>("invoice_id", "amount", "reference");
      op.execute();
      while (op.step()) {
        rows.push_back(Row{std::string(op[invoice]), op[amount].value, std::string(op[reference])});
        references.insert(rows.back().reference);
      }
    }
    if (rows.empty()) {
      return p;
    }
    std::unordered_set<std::string> recorded;
    {
      cartera::Operation op = ctx.operation("payments");
      const auto reference = op.column<Text>("reference");
      op.bind("as_of", cartera::Date{date}).execute();
      while (op.step()) {
        if (const std::string_view ref = op[reference]; !ref.empty() && references.count(std::string(ref)) != 0) {
          recorded.emplace(ref);
        }
      }
    }
    for (const Row &r : rows) {
      if (recorded.count(r.reference) == 0) {
        cartera::sdk::accumulate_centavos(p.by_invoice[r.invoice], r.amount);
      }
    }
    return p;
  }

  // The balance as customers owe it today: the host's, less what cartera applied and the host
  // has not recorded (never below zero: the host may have recorded part of it another way).
  static std::int64_t net_of(Pending &p, std::string_view invoice, std::int64_t host_balance) {
    if (p.by_invoice.empty()) {
      return host_balance;
    }
    const auto it = p.by_invoice.find(std::string(invoice));
    if (it == p.by_invoice.end()) {
      return host_balance;
    }
    const std::int64_t here = std::min(it->second, host_balance);
    cartera::sdk::accumulate_centavos(p.netted, here);
    return host_balance - here;
  }

  static std::string netted_words(Context &ctx, const Pending &p) {
    if (ctx.flag("host-only")) {
      return "; the host's own figures (--host-only): what the lead approved here and the host has not recorded yet "
             "is still in them";
    }
    if (p.netted == 0) {
      return "";
    }
    return "; net of " + cartera::sdk::format_pesos_co(p.netted) +
           " the lead approved in cartera and the host has not recorded yet (--host-only for the host's own figures)";
  }

  static void open_items(Context &ctx) {
    const std::int64_t date = as_of(ctx);
    Pending pending = pending_in_cartera(ctx, date);
    cartera::Operation op = ctx.operation("open_items");
    const auto [customer, contract, invoice, due_date, balance_column] =
        op.columns<Text, Text, Text, cartera::Date, Centavos>("customer_id", "contract_id", "invoice_id", "due_date",
                                                              "balance");
    op.bind("as_of", cartera::Date{date}).execute();
    ctx.columns({column("customer_id", CARTERA_TYPE_TEXT), column("contract_id", CARTERA_TYPE_TEXT),
                 column("invoice_id", CARTERA_TYPE_TEXT), column("due_date", CARTERA_TYPE_DATE),
                 column("days_past_due", CARTERA_TYPE_INTEGER), column("balance", CARTERA_TYPE_CENTAVOS)});
    std::uint64_t n = 0;
    std::int64_t total = 0;
    std::array<cartera_value, 6> row{};
    while (op.step()) {
      const std::int64_t due = op[due_date].days;
      const std::int64_t balance = net_of(pending, op[invoice], op[balance_column].value);
      if (balance == 0) {
        continue; // settled in cartera, the host has not recorded it yet
      }
      row[0] = op.value(customer);
      row[1] = op.value(contract);
      row[2] = op.value(invoice);
      row[3] = cartera::make_value(cartera::Date{due});
      row[4] = cartera::make_value(std::max<std::int64_t>(0, date - due));
      row[5] = cartera::make_value(cartera::Centavos{balance});
      ctx.row(row.data(), row.size());
      cartera::sdk::accumulate_centavos(total, balance);
      if (++n % kProgressEvery == 0) {
        ctx.throw_if_cancelled();
        ctx.progress(n, 0, "open items");
      }
    }
    ctx.info(std::to_string(n) + " open items as of " + cartera::sdk::format_iso_date(date) + ", total " +
             cartera::sdk::format_pesos_co(total) + netted_words(ctx, pending));
  }

  static void aging(Context &ctx) {
    const std::int64_t date = as_of(ctx);
    const std::string by = ctx.text_param("by").value_or("due");
    const std::string group_by = ctx.text_param("group-by").value_or("customer");
    const std::string format = ctx.text_param("format").value_or("table");
    cartera::collections::BucketSet buckets;
    try {
      buckets = cartera::collections::parse_buckets(ctx.text_param("buckets").value_or("30,60,90,180,360"));
    } catch (const std::invalid_argument &e) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, std::string("--buckets: ") + e.what());
    }
    // open_balances has the customer and the contract (no joins: the fast path);
    // open_balances_by_party adds the agency, the advisor and the company. The group's column
    // names the result's first column.
    const bool by_party = group_by == "agency" || group_by == "advisor" || group_by == "company";
    const std::string group_name = by_party || group_by == "contract" ? group_by + "_id" : "customer_id";

    Pending pending = pending_in_cartera(ctx, date);
    cartera::collections::Aging aging(buckets);
    cartera::Operation op = ctx.operation(by_party ? "open_balances_by_party" : "open_balances");
    const auto [group_column, aged_from, balance_column, invoice] = op.columns<Text, cartera::Date, Centavos, Text>(
        group_name, by == "issue" ? "issue_date" : "due_date", "balance", "invoice_id");
    op.bind("as_of", cartera::Date{date}).execute();
    std::uint64_t n = 0;
    while (op.step()) {
      const std::int64_t balance = net_of(pending, op[invoice], op[balance_column].value);
      if (balance == 0) {
        continue; // settled in cartera, the host has not recorded it yet
      }
      aging.add(op[group_column], date - op[aged_from].days, balance);
      if (++n % kProgressEvery == 0) {
        ctx.throw_if_cancelled();
        ctx.progress(n, 0, "aging open items");
      }
    }
    // unapplied_payments has every group's column.
    cartera::Operation credit = ctx.operation("unapplied_payments");
    const auto [credit_group, credit_amount] = credit.columns<Text, Centavos>(group_name, "amount");
    credit.bind("as_of", cartera::Date{date}).execute();
    while (credit.step()) {
      aging.add_prepayment(credit[credit_group], credit[credit_amount].value);
    }
    const cartera::collections::AgingRow totals = aging.totals();
    if (totals.total != aging.sum_of_balances()) {
      throw Error(CARTERA_E_INTERNAL, "bucket totals " + cartera::sdk::format_pesos_plain(totals.total) +
                                          " differ from the sum of open balances less prepayments " +
                                          cartera::sdk::format_pesos_plain(aging.sum_of_balances()));
    }
    ctx.info("aged " + std::to_string(aging.items()) + " open items as of " + cartera::sdk::format_iso_date(date) +
             " by " + by + " date: total " + cartera::sdk::format_pesos_co(totals.total) +
             ", equal to the sum of open balances less prepayments" + netted_words(ctx, pending));

    if (format == "svg") {
      const std::string title = "Cartera por edades al " + cartera::sdk::format_co_date(date);
      const std::string subtitle = std::string(by == "issue" ? "Días desde la emisión" : "Días de vencimiento") +
                                   " · " + cartera::sdk::format_count_co(static_cast<std::int64_t>(aging.items())) +
                                   " facturas abiertas";
      ctx.output("image/svg+xml", cartera::collections::aging_svg(aging, title, subtitle));
      return;
    }
    std::vector<cartera_column> cols = {column(group_name, CARTERA_TYPE_TEXT),
                                        column("prepayments", CARTERA_TYPE_CENTAVOS),
                                        column("current", CARTERA_TYPE_CENTAVOS)};
    for (const auto &b : aging.buckets().buckets) {
      cols.push_back(column(b.column, CARTERA_TYPE_CENTAVOS));
    }
    cols.push_back(column("total", CARTERA_TYPE_CENTAVOS));
    ctx.columns(cols);
    std::vector<cartera_value> values(cols.size());
    const auto emit = [&](std::string_view group, const std::int64_t *amounts, std::int64_t total) {
      values[0] = cartera::make_value(group);
      for (std::size_t i = 0; i + 2 < values.size(); ++i) {
        values[i + 1] = cartera::make_value(cartera::Centavos{amounts[i]});
      }
      values.back() = cartera::make_value(cartera::Centavos{total});
      ctx.row(values.data(), values.size());
    };
    aging.visit_sorted(emit);
    // The (total) row is for people (the table); a CSV for programs carries data rows only.
    if (format != "csv") {
      emit(totals.group, totals.amounts.data(), totals.total);
    }
  }

public:
  static constexpr cartera::Job<Collections> kJobs[] = {{"open-items", &Collections::open_items},
                                                        {"aging", &Collections::aging}};
};

// Id, version, display name, ABI requirement, capabilities and document types: the manifest's
// (collections.plugin.xml.in), through the header cartera_add_module generates from it.
constexpr cartera::ModuleInfo kInfo = cartera::module_info(cartera_identity::kIdentity, "cartera", "Apache-2.0");

} // namespace

CARTERA_PLUGIN(Collections, kInfo)
