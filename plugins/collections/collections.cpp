// collections: what customers owe as of a date. Jobs open-items and aging (README.md).
#include "aging.hpp"
#include "chart.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

using cartera::Context;
using cartera::Error;

constexpr std::uint64_t kProgressEvery = 10000;

cartera_column column(std::string_view name, std::int32_t type) {
  return {cartera::str(name), type, 0};
}

class Collections {
public:
  explicit Collections(Context &) {}

  void run(Context &ctx, std::string_view job, std::string_view) {
    if (job == "open-items") {
      open_items(ctx);
    } else if (job == "aging") {
      aging(ctx);
    } else {
      throw Error(CARTERA_E_UNSUPPORTED, "collections has no job '" + std::string(job) + "'");
    }
  }

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
      op.execute();
      while (op.step()) {
        rows.push_back(Row{std::string(op.text(0)), op.centavos(1).value, std::string(op.text(2))});
        references.insert(rows.back().reference);
      }
    }
    if (rows.empty()) {
      return p;
    }
    std::unordered_set<std::string> recorded;
    {
      cartera::Operation op = ctx.operation("payments");
      op.bind("as_of", cartera::Date{date}).execute();
      while (op.step()) {
        if (const std::string_view ref = op.text(5); !ref.empty() && references.count(std::string(ref)) != 0) {
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
    op.bind("as_of", cartera::Date{date}).execute();
    ctx.columns({column("customer_id", CARTERA_TYPE_TEXT), column("contract_id", CARTERA_TYPE_TEXT),
                 column("invoice_id", CARTERA_TYPE_TEXT), column("due_date", CARTERA_TYPE_DATE),
                 column("days_past_due", CARTERA_TYPE_INTEGER), column("balance", CARTERA_TYPE_CENTAVOS)});
    std::uint64_t n = 0;
    std::int64_t total = 0;
    std::array<cartera_value, 6> row{};
    while (op.step()) {
      const std::int64_t due = op.date(4).days;
      const std::int64_t balance = net_of(pending, op.text(2), op.centavos(5).value);
      if (balance == 0) {
        continue; // settled in cartera, the host has not recorded it yet
      }
      row[0] = op.column(0);
      row[1] = op.column(1);
      row[2] = op.column(2);
      row[3] = cartera::make_value(cartera::Date{due});
      row[4] = cartera::make_value(std::max<std::int64_t>(0, date - due));
      row[5] = cartera::make_value(cartera::Centavos{balance});
      if (ctx.host()->result_row(ctx.call(), row.data(), static_cast<std::uint32_t>(row.size())) != CARTERA_OK) {
        throw Error(CARTERA_E_INTERNAL, "the host refused a result row");
      }
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
    // open_balances: customer, contract, issue, due, balance (no joins: the fast path).
    // open_balances_by_party: customer, contract, agency, advisor, company, issue, due, balance.
    const bool by_party = group_by == "agency" || group_by == "advisor" || group_by == "company";
    std::uint32_t group_column = group_by == "contract" ? 1 : 0;
    std::string group_name = group_by == "contract" ? "contract_id" : "customer_id";
    if (group_by == "agency") {
      group_column = 2;
      group_name = "agency_id";
    } else if (group_by == "advisor") {
      group_column = 3;
      group_name = "advisor_id";
    } else if (group_by == "company") {
      group_column = 4;
      group_name = "company_id";
    }
    const std::uint32_t first_date = by_party ? 5 : 2;
    const std::uint32_t date_column = by == "issue" ? first_date : first_date + 1;
    const std::uint32_t balance_column = first_date + 2;

    const std::uint32_t invoice_column = balance_column + 1;

    Pending pending = pending_in_cartera(ctx, date);
    cartera::collections::Aging aging(buckets);
    cartera::Operation op = ctx.operation(by_party ? "open_balances_by_party" : "open_balances");
    op.bind("as_of", cartera::Date{date}).execute();
    std::uint64_t n = 0;
    while (op.step()) {
      const std::int64_t balance = net_of(pending, op.text(invoice_column), op.centavos(balance_column).value);
      if (balance == 0) {
        continue; // settled in cartera, the host has not recorded it yet
      }
      aging.add(op.text(group_column), date - op.date(date_column).days, balance);
      if (++n % kProgressEvery == 0) {
        ctx.throw_if_cancelled();
        ctx.progress(n, 0, "aging open items");
      }
    }
    // unapplied_payments: customer, contract, agency, advisor, company, paid_on, amount; its
    // first five columns are the groups, in the order group_column counts them.
    cartera::Operation credit = ctx.operation("unapplied_payments");
    credit.bind("as_of", cartera::Date{date}).execute();
    while (credit.step()) {
      aging.add_prepayment(credit.text(group_column), credit.centavos(6).value);
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
      if (ctx.host()->result_row(ctx.call(), values.data(), static_cast<std::uint32_t>(values.size())) != CARTERA_OK) {
        throw Error(CARTERA_E_INTERNAL, "the host refused a result row");
      }
    };
    aging.visit_sorted(emit);
    emit(totals.group, totals.amounts.data(), totals.total);
  }
};

constexpr cartera::ModuleInfo kInfo{"org.cartera.collections",
                                    "0.1.0",
                                    "Cartera: open items and aging",
                                    "cartera",
                                    "Apache-2.0",
                                    CARTERA_CAP_COLLECTIONS,
                                    nullptr,
                                    0,
                                    0,
                                    0};

} // namespace

CARTERA_PLUGIN(Collections, kInfo)
