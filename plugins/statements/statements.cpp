// statements: statements of account per customer and contract, explained, archived in the
// customer's folder, and sent by e-mail inside the legal contact windows (README.md).
//
// Data flow: the host's statement_* operations are read once each, ordered by customer, and
// merged customer by customer (no query per customer: 100,000 statements are one pass);
// statement_builder computes each Statement; statement_xml renders the document the host
// validates and archives; the HTML or PDF rendering is attached to it (ABI 1.2), PDFs rendered
// on the other cores (render_pool.hpp); send queues the e-mails the host delivers after the commit.
#include "host_books.hpp"
#include "html_renderer.hpp"
#include "pdf_renderer.hpp"
#include "render_pool.hpp"
#include "statement_builder.hpp"
#include "statement_xml.hpp"
#include "statements_identity.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/contact_rules.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using cartera::Centavos;
using cartera::Context;
using cartera::Date;
using cartera::Error;
using cartera::make_value;
using cartera::Text;
using cartera::sdk::column;
namespace st = cartera::statements;
namespace sdk = cartera::sdk;

// What cartera's modules published for statements (statement_movements), by customer. The
// publishers' rows come one module after another, each in customer order, so they are
// gathered whole: they are the few the host has not recorded yet, not the books.
std::map<std::string, std::vector<st::CarteraRow>> cartera_movements(Context &ctx, const std::string &customer,
                                                                     std::int64_t to) {
  std::map<std::string, std::vector<st::CarteraRow>> out;
  cartera::Operation op = ctx.operation("statement_movements");
  const auto [customer_id, occurred_on, kind, document, reference, invoice_id, amount, description, until] =
      op.columns<Text, Date, Text, Text, Text, Text, Centavos, Text, Text>(
          "customer_id", "occurred_on", "kind", "document", "reference", "invoice_id", "amount", "description",
          "until_host_reference");
  op.bind("customer", std::string_view(customer)).bind("to", cartera::Date{to}).execute();
  while (op.step()) {
    out[std::string(op[customer_id])].push_back(st::CarteraRow{
        op[occurred_on].days, std::string(op[kind]), std::string(op[document]), std::string(op[reference]),
        std::string(op[invoice_id]), op[amount].value, std::string(op[description]), std::string(op[until])});
  }
  for (auto &[id, rows] : out) {
    std::stable_sort(rows.begin(), rows.end(), [](const st::CarteraRow &a, const st::CarteraRow &b) {
      return a.date != b.date ? a.date < b.date : a.document < b.document;
    });
  }
  return out;
}

// The interest each invoice owes at :to and has not been charged (interest_to_date), by
// customer: what the interest module computes for the day, published by its to-date job.
std::map<std::string, std::vector<st::InterestRow>> interest_to_date(Context &ctx, const std::string &customer,
                                                                     std::int64_t to) {
  std::map<std::string, std::vector<st::InterestRow>> out;
  cartera::Operation op = ctx.operation("interest_to_date");
  const auto [customer_id, invoice_id, through, owed] =
      op.columns<Text, Text, Date, Centavos>("customer_id", "invoice_id", "through", "owed");
  op.bind("customer", std::string_view(customer)).bind("to", cartera::Date{to}).execute();
  while (op.step()) {
    out[std::string(op[customer_id])].push_back(
        st::InterestRow{std::string(op[invoice_id]), op[through].days, op[owed].value});
  }
  return out;
}

// Moves a customer's published rows into its books. Rows left at the end name a customer the
// host does not list: the run fails rather than leave someone's figures out.
template <class Row>
void take_published(std::map<std::string, std::vector<Row>> &rows, const std::string &customer,
                    std::vector<Row> &into) {
  if (const auto found = rows.find(customer); found != rows.end()) {
    into = std::move(found->second);
    rows.erase(found);
  }
}

template <class Row> void expect_all_taken(const std::map<std::string, std::vector<Row>> &rows, const char *contract) {
  if (!rows.empty()) {
    throw Error(CARTERA_E_INTERNAL, std::string(contract) + " gave rows of customer '" + rows.begin()->first +
                                        "', whom the host's statement_customers does not list");
  }
}

st::Issuer issuer(const Context &ctx) {
  return st::Issuer{ctx.config("company-name").value_or("Compañía"), ctx.config("company-nit").value_or(""),
                    ctx.config("company-address").value_or(""),      ctx.config("company-city").value_or(""),
                    ctx.config("company-phone").value_or(""),        ctx.config("company-email").value_or("")};
}

// A short fingerprint of a statement's bytes (FNV-1a): in the document key, so that a statement
// whose facts changed is a new document and version, and the same one built again is not.
std::string fingerprint(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : bytes) {
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) {
    out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
  }
  return out;
}

// "estado-de-cuenta-C0000001-2026-11.pdf", "estado-de-cuenta-K0000001-2026-11.html"
std::string file_name(const st::Statement &s, std::string_view extension) {
  const std::string who = s.contract.contract_id.empty() ? s.holder.customer_id : s.contract.contract_id;
  std::string safe;
  for (const char c : who) {
    const bool keep =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    safe += keep ? c : '_';
  }
  return "estado-de-cuenta-" + safe + "-" + sdk::format_iso_date(s.period_start).substr(0, 7) + "." +
         std::string(extension);
}

struct Emitted {
  std::string key;
  std::string xml;
};

Emitted emit(Context &ctx, const st::Statement &s) {
  Emitted e{"", st::render_xml(s)};
  e.key = s.statement_id + "/" + fingerprint(e.xml);
  ctx.emit_document("statement", e.key, e.xml);
  return e;
}

class Statements {
public:
  explicit Statements(Context &) {}

private:
  // Visits the books of every customer the run is about, in the host's customer order.
  template <class F>
  static void each_customer(Context &ctx, const std::string &customer, const st::Period &p, bool lines, bool contacts,
                            F &&visit) {
    st::HostBooks host_books(ctx, customer, p, lines, contacts);
    std::map<std::string, std::vector<st::CarteraRow>> cartera;
    std::map<std::string, std::vector<st::InterestRow>> interest;
    if (lines) {
      cartera = cartera_movements(ctx, customer, p.end);
      interest = interest_to_date(ctx, customer, p.end);
    }
    st::CustomerBooks books;
    st::Contacts mail;
    std::uint64_t n = 0;
    while (host_books.next(books, mail)) {
      take_published(cartera, books.holder.customer_id, books.cartera);
      take_published(interest, books.holder.customer_id, books.interest);
      visit(books, mail);
      if (++n % 1000 == 0) {
        ctx.progress(n, 0, "statements");
      }
    }
    expect_all_taken(cartera, "statement_movements");
    expect_all_taken(interest, "interest_to_date");
    host_books.expect_done();
  }

  static void summary_columns(Context &ctx) {
    ctx.columns({column("statement", CARTERA_TYPE_TEXT), column("customer", CARTERA_TYPE_TEXT),
                 column("contract", CARTERA_TYPE_TEXT), column("opening", CARTERA_TYPE_CENTAVOS),
                 column("debits", CARTERA_TYPE_CENTAVOS), column("credits", CARTERA_TYPE_CENTAVOS),
                 column("closing", CARTERA_TYPE_CENTAVOS), column("amount_due", CARTERA_TYPE_CENTAVOS),
                 column("difference", CARTERA_TYPE_CENTAVOS), column("causes", CARTERA_TYPE_INTEGER)});
  }

  static void summary_row(Context &ctx, const st::Statement &s) {
    ctx.row({make_value(s.statement_id), make_value(s.holder.customer_id), make_value(s.contract.contract_id),
             make_value(cartera::Centavos{s.opening_balance}), make_value(cartera::Centavos{s.total_debits}),
             make_value(cartera::Centavos{s.total_credits}), make_value(cartera::Centavos{s.closing_balance}),
             make_value(cartera::Centavos{s.amount_due}), make_value(cartera::Centavos{s.difference}),
             make_value(static_cast<std::int64_t>(s.causes.size()))});
  }

  static void generate(Context &ctx) {
    const std::int64_t as_of = ctx.date_param("as-of")->days;
    const std::string format = ctx.text_param("format").value_or("table");
    std::string customer = ctx.text_param("customer").value_or("");
    const std::string contract = ctx.text_param("contract").value_or("");
    const bool all = ctx.param("all").has_value() && ctx.param("all")->i != 0;
    if (static_cast<int>(!customer.empty()) + static_cast<int>(!contract.empty()) + static_cast<int>(all) != 1) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "statements generate: say --customer C, --contract K or --all");
    }
    if (!contract.empty()) {
      customer = customer_of_contract(ctx, contract);
    }
    const bool single = !all;
    if (!single && format != "table") {
      ctx.info("statements: --format " + format +
               " with --all archives every statement; the list is on --format table");
    }
    const st::Period period = st::month_period(as_of);
    const st::BuildOptions options{issuer(ctx), as_of};
    if (format == "table") {
      summary_columns(ctx);
    }
    std::uint64_t made = 0;
    // A PDF per statement (table, pdf) with --all is rendered on the other cores; the HTML costs
    // little, and one statement is wanted now.
    st::RenderPool pdfs(all && (format == "table" || format == "pdf") ? st::RenderPool::threads_for_this_machine() : 0);
    const auto make = [&](const st::CustomerBooks &books, const std::string &contract_id) {
      st::Statement s = st::build_statement(books, period, options, contract_id);
      const Emitted e = emit(ctx, s);
      ++made;
      if (format == "table") {
        summary_row(ctx, s);
      }
      const bool html = format == "html";
      if (format == "table" || (format == "pdf" && !single)) {
        std::string name = file_name(s, "pdf");
        pdfs.submit([s = std::move(s)] { return st::render_pdf(s); },
                    [&ctx, key = e.key, name = std::move(name)](const std::string &pdf) {
                      ctx.attach_rendition("statement", key, name, "application/pdf", pdf);
                    });
        return;
      }
      const std::string rendering =
          html ? st::render_html(s) : (format == "xml" || format == "csv" ? "" : st::render_pdf(s));
      if (!rendering.empty()) {
        ctx.attach_rendition("statement", e.key, file_name(s, html ? "html" : "pdf"),
                             html ? "text/html" : "application/pdf", rendering);
      }
      if (format == "csv") {
        // Many statements' movements, one table: the header once.
        const std::string csv = st::render_csv(s);
        ctx.output("text/csv", made == 1 ? std::string_view(csv) : std::string_view(csv).substr(csv.find('\n') + 1));
      } else if (single) {
        ctx.output(format == "pdf"    ? "application/pdf"
                   : format == "html" ? "text/html"
                                      : "application/xml",
                   format == "xml" ? e.xml : rendering);
      }
    };
    each_customer(ctx, customer, period, true, false,
                  [&](const st::CustomerBooks &books, const std::vector<std::pair<std::string, std::string>> &) {
                    if (!contract.empty()) {
                      make(books, contract);
                      return;
                    }
                    make(books, "");
                    if (all) {
                      for (const st::ContractRow &c : books.contracts) {
                        if (c.kind == "familiar" || c.kind == "colectivo") {
                          make(books, c.contract_id);
                        }
                      }
                    }
                  });
    pdfs.finish();
    if (made == 0) {
      throw Error(CARTERA_E_INPUT_REJECTED, "statements generate: no customer '" +
                                                (contract.empty() ? customer : contract) + "' in the host's books");
    }
    ctx.info("statements: " + std::to_string(made) + " statements of " + sdk::format_iso_date(period.start) + " to " +
             sdk::format_iso_date(period.end));
  }

  static std::string customer_of_contract(Context &ctx, const std::string &contract) {
    cartera::Operation op = ctx.operation("statement_contracts");
    const auto [customer_id, contract_id] = op.columns<Text, Text>("customer_id", "contract_id");
    op.bind("customer", std::string_view("")).execute();
    while (op.step()) {
      if (op[contract_id] == contract) {
        return std::string(op[customer_id]);
      }
    }
    throw Error(CARTERA_E_INPUT_REJECTED, "statements generate: no contract '" + contract + "' in the host's books");
  }

  static void send(Context &ctx) {
    const std::int64_t as_of = ctx.date_param("as-of")->days;
    const std::string customer = ctx.text_param("customer").value_or("");
    const st::Period period = st::month_period(as_of);
    const st::BuildOptions options{issuer(ctx), as_of};
    ctx.columns({column("customer", CARTERA_TYPE_TEXT), column("statement", CARTERA_TYPE_TEXT),
                 column("address", CARTERA_TYPE_TEXT), column("amount_due", CARTERA_TYPE_CENTAVOS)});
    std::uint64_t queued = 0;
    st::RenderPool pdfs(customer.empty() ? st::RenderPool::threads_for_this_machine() : 0);
    each_customer(
        ctx, customer, period, true, true,
        [&](const st::CustomerBooks &books, const std::vector<std::pair<std::string, std::string>> &contacts) {
          std::vector<std::string> addresses;
          for (const auto &[channel, address] : contacts) {
            if (channel == "email") {
              addresses.push_back(address);
            }
          }
          if (addresses.empty()) {
            return;
          }
          st::Statement s = st::build_statement(books, period, options, "");
          const Emitted e = emit(ctx, s);
          std::string name = file_name(s, "pdf");
          std::string subject = "Estado de cuenta de " + std::string(sdk::format_iso_date(period.start)).substr(0, 7) +
                                " - " + s.issuer.name;
          std::string body = mail_body(s);
          // The e-mails carry the PDF: queued once it is attached.
          auto mail = [&ctx, &queued, key = e.key, name = std::move(name), subject = std::move(subject),
                       body = std::move(body), addresses = std::move(addresses), customer_id = s.holder.customer_id,
                       statement_id = s.statement_id, amount_due = s.amount_due](const std::string &pdf) {
            ctx.attach_rendition("statement", key, name, "application/pdf", pdf);
            for (const std::string &address : addresses) {
              ctx.queue_message(
                  {customer_id, "email", address, key, subject, body, "statement", key, "application/pdf"});
              ctx.row({make_value(customer_id), make_value(statement_id), make_value(address),
                       make_value(cartera::Centavos{amount_due})});
              ++queued;
            }
          };
          pdfs.submit([s = std::move(s)] { return st::render_pdf(s); }, std::move(mail));
        });
    pdfs.finish();
    ctx.info("statements: " + std::to_string(queued) + " e-mails queued");
  }

  static std::string mail_body(const st::Statement &s) {
    std::string b = "Señor(a) " + s.holder.name + ":\n\nAdjuntamos su estado de cuenta del periodo " +
                    sdk::format_co_date(s.period_start) + " al " + sdk::format_co_date(s.period_end) + ".\n\n";
    if (s.amount_due > 0) {
      b += "Total a pagar: " + sdk::format_pesos_co(s.amount_due) +
           (s.due_date != 0 ? " (fecha límite " + sdk::format_co_date(s.due_date) + ")" : std::string()) + ".\n";
    } else if (s.closing_balance < 0) {
      b += "Tiene un saldo a favor de " + sdk::format_pesos_co(-s.closing_balance) + ".\n";
    } else {
      b += "No tiene valores pendientes de pago.\n";
    }
    b += "\nSi ya realizó su pago, por favor ignore este mensaje.\n\nCordialmente,\n" + s.issuer.name + "\n";
    if (!s.issuer.phone.empty() || !s.issuer.email.empty()) {
      b += s.issuer.phone + (s.issuer.phone.empty() || s.issuer.email.empty() ? "" : " · ") + s.issuer.email + "\n";
    }
    return b;
  }

  static void call_list(Context &ctx) {
    const std::int64_t as_of = ctx.date_param("as-of")->days;
    const st::Period period = st::month_period(as_of);
    const st::BuildOptions options{issuer(ctx), as_of};
    ctx.columns({column("customer", CARTERA_TYPE_TEXT), column("name", CARTERA_TYPE_TEXT),
                 column("phone", CARTERA_TYPE_TEXT), column("overdue", CARTERA_TYPE_CENTAVOS),
                 column("oldest_days", CARTERA_TYPE_INTEGER), column("invoices", CARTERA_TYPE_INTEGER)});
    struct Call {
      std::string customer, name, phone;
      std::int64_t overdue = 0, oldest = 0, invoices = 0;
    };
    std::vector<Call> calls;
    std::uint64_t waiting = 0;
    std::int64_t next_window = 0;
    each_customer(
        ctx, "", period, false, true,
        [&](const st::CustomerBooks &books, const std::vector<std::pair<std::string, std::string>> &contacts) {
          std::string phone;
          for (const auto &[channel, address] : contacts) {
            if (channel == "phone" && phone.empty()) {
              phone = address;
            }
          }
          if (phone.empty()) {
            return;
          }
          const st::Statement s = st::build_statement(books, period, options, "");
          Call c{books.holder.customer_id, books.holder.name, phone, 0, 0, 0};
          for (const st::OpenItem &o : s.open_items) {
            if (o.days_overdue > 0) {
              cartera::sdk::accumulate_centavos(c.overdue, o.open_amount);
              c.oldest = std::max(c.oldest, o.days_overdue);
              ++c.invoices;
            }
          }
          if (c.overdue <= 0) {
            return;
          }
          std::int64_t earliest = 0;
          if (!ctx.contact_allowed(c.customer, "phone", &earliest)) {
            ++waiting;
            next_window = next_window == 0 ? earliest : std::min(next_window, earliest);
            return;
          }
          calls.push_back(std::move(c));
        });
    std::stable_sort(calls.begin(), calls.end(), [](const Call &a, const Call &b) {
      return a.oldest != b.oldest ? a.oldest > b.oldest : a.overdue > b.overdue;
    });
    for (const Call &c : calls) {
      ctx.row({make_value(c.customer), make_value(c.name), make_value(c.phone),
               make_value(cartera::Centavos{c.overdue}), make_value(c.oldest), make_value(c.invoices)});
    }
    if (waiting > 0) {
      ctx.info("statements: " + std::to_string(waiting) +
               " customers with overdue balances may not be called now (Ley 2300); the first may be called on " +
               sdk::format_local_time(sdk::bogota_from_utc_us(next_window)) + " (Bogotá)");
    }
  }

public:
  static constexpr cartera::Job<Statements> kJobs[] = {
      {"generate", &Statements::generate}, {"send", &Statements::send}, {"call-list", &Statements::call_list}};
};

// Id, version, display name, ABI requirement, capabilities and document types: the manifest's
// (statements.plugin.xml.in), through the header cartera_add_module generates from it.
constexpr cartera::ModuleInfo kInfo = cartera::module_info(cartera_identity::kIdentity, "cartera", "Apache-2.0");

} // namespace

CARTERA_PLUGIN(Statements, kInfo)
