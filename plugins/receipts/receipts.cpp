// receipts: credit-note requests to accounting, and where every request to accounting and
// treasury stands (README.md). Cash-receipt requests are raised by payments' approval.
#include "concepts.hpp"
#include "credit_note_request.hpp"
#include "movements.hpp"
#include "receipts_identity.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/dian.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/result.hpp>
#include <cartera/sdk/tax_id.hpp>

#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

using cartera::Centavos;
using cartera::Context;
using cartera::Error;
using cartera::Text;
using cartera::receipts::CreditNoteRequest;
using cartera::receipts::WriteOff;
using cartera::sdk::column;
using cartera::sdk::pesos;
namespace dian = cartera::sdk::dian;

// The company's side of every draft, from the module's settings in cartera.xml.
struct Company {
  std::string nit, name, software_provider_nit, software_id, software_pin, prefix, officer, anexo, write_off_reason;
  dian::Environment environment = dian::Environment::kTesting;
};

Company company(Context &ctx) {
  // A missing or unusable setting is a configuration problem (exit 3), not a usage error.
  const auto required = [&](const char *key) {
    return ctx.required_config(key, "org.cartera.receipts needs it: a DIAN credit note names the company, its NIT and "
                                    "its e-invoicing software");
  };
  Company c;
  c.nit = required("company-nit");
  c.name = required("company-name");
  c.software_id = required("software-id");
  c.software_pin = required("software-pin");
  c.software_provider_nit = ctx.config("software-provider-nit").value_or(c.nit);
  c.prefix = ctx.config("credit-note-prefix").value_or("NCB");
  c.officer = ctx.config("accounting-officer").value_or("contabilidad");
  c.anexo = ctx.config("dian-anexo").value_or(cartera::receipts::credit_note_concepts().default_anexo);
  c.write_off_reason = ctx.config("write-off-reason").value_or("3");
  const std::string env = ctx.config("dian-environment").value_or("testing");
  if (env != "testing" && env != "production") {
    Context::refuse_config("dian-environment", env, "testing or production");
  }
  c.environment = env == "production" ? dian::Environment::kProduction : dian::Environment::kTesting;
  const cartera::sdk::IdCheck nit = cartera::sdk::check_id_number(cartera::sdk::IdType::kNit, c.nit);
  if (!nit.ok) {
    Context::refuse_config("company-nit", c.nit, "a NIT (" + nit.error + ")");
  }
  c.nit = nit.normalized.substr(0, nit.normalized.find('-'));
  if (cartera::receipts::credit_note_concepts().by_anexo.count(c.anexo) == 0) {
    Context::refuse_config("dian-anexo", c.anexo,
                           "an Anexo with a concept list (schemas/data/dian-credit-note-concepts.xml)");
  }
  return c;
}

// The invoice as the host knows it.
struct Invoice {
  std::string id, customer, id_type, id_number, name, issue_date, cufe;
  std::int64_t amount = 0, vat_rate = 0;
};

class Receipts {
public:
  explicit Receipts(Context &) {}

private:
  static Invoice invoice(Context &ctx, const std::string &id) {
    cartera::Operation op = ctx.operation("invoice_for_credit_note");
    const auto [customer, id_type, id_number, name, issue_date, amount, cufe, vat_rate] =
        op.columns<Text, Text, Text, Text, cartera::Date, Centavos, Text, Text>(
            "customer_id", "id_type", "id_number", "name", "issue_date", "amount", "cufe", "vat_rate");
    op.bind("invoice_id", std::string_view(id)).execute();
    if (!op.step()) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "invoice '" + id + "' is not in the host's books");
    }
    Invoice inv;
    inv.id = id;
    inv.customer = op[customer];
    inv.id_type = op[id_type];
    inv.id_number = op[id_number];
    inv.name = op[name];
    inv.issue_date = cartera::sdk::format_iso_date(op[issue_date].days);
    inv.amount = op[amount].value;
    inv.cufe = op[cufe];
    const std::string rate(op[vat_rate]);
    const auto parsed = cartera::receipts::parse_vat_rate(rate);
    if (!parsed) {
      throw Error(CARTERA_E_INPUT_REJECTED, "invoice '" + id + "': VAT rate '" + rate +
                                                "' is not a percentage from 0 to 100 with at most two decimals");
    }
    inv.vat_rate = *parsed;
    if (!inv.cufe.empty() &&
        (inv.cufe.size() != 96 || inv.cufe.find_first_not_of("0123456789abcdef") != std::string::npos)) {
      throw Error(CARTERA_E_INPUT_REJECTED,
                  "invoice '" + id + "': CUFE '" + inv.cufe + "' is not 96 lowercase hexadecimal digits");
    }
    return inv;
  }

  static std::int64_t already_requested(Context &ctx, const std::string &invoice_id) {
    cartera::Operation op = ctx.operation("rcp_credited");
    const auto total = op.column<Centavos>("total");
    op.bind("invoice_id", std::string_view(invoice_id)).execute();
    return op.step() ? op[total].value : 0;
  }

  static dian::Party customer_party(const Invoice &inv) {
    dian::Party p;
    p.name = inv.name;
    const auto type = cartera::sdk::parse_id_type(inv.id_type);
    if (!type) {
      throw Error(CARTERA_E_INPUT_REJECTED, "invoice '" + inv.id + "': customer " + inv.customer +
                                                " has identification type '" + inv.id_type +
                                                "', not one DIAN takes (NIT, CC, CE, PA, TI)");
    }
    p.id_type = *type;
    const cartera::sdk::IdCheck id = cartera::sdk::check_id_number(*type, inv.id_number);
    if (!id.ok) {
      throw Error(CARTERA_E_INPUT_REJECTED, "invoice '" + inv.id + "': customer " + inv.customer + ": " + id.error);
    }
    p.id_number = id.normalized.substr(0, id.normalized.find('-'));
    if (*type != cartera::sdk::IdType::kNit) {
      p.organization = dian::Organization::kNaturalPerson;
      p.tax_scheme_id = "ZZ";
      p.tax_scheme_name = "No aplica";
    }
    return p;
  }

  // Registers the request (once per source fact), builds its draft and emits it. Returns the
  // register number, or 0 when that fact had been requested already.
  static std::int64_t raise(Context &ctx, const Company &co, CreditNoteRequest r, const Invoice &inv,
                            const std::string &source_key) {
    const auto &concepts = cartera::receipts::credit_note_concepts().by_anexo.at(co.anexo);
    const auto found = concepts.find(r.reason_code);
    if (found == concepts.end()) {
      std::string list;
      for (const auto &[code, description] : concepts) {
        list += (list.empty() ? "" : "; ") + code + " " + description;
      }
      throw Error(CARTERA_E_INVALID_ARGUMENT,
                  "reason '" + r.reason_code + "' is not a credit-note concept of Anexo " + co.anexo + ": " + list);
    }
    r.id = cartera::receipts::credit_note_document_key(r.source, source_key);
    r.anexo = co.anexo;
    r.reason_description = found->second;
    const std::int64_t left = inv.amount - already_requested(ctx, inv.id);
    if (r.total > left) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "invoice '" + inv.id + "' is " + pesos(inv.amount) + " and " +
                                                  pesos(inv.amount - left) +
                                                  " is already requested in credit notes: at most " + pesos(left) +
                                                  " can be credited, not " + pesos(r.total));
    }
    const auto split = cartera::receipts::split_vat(r.total, inv.vat_rate);
    r.base = split.base;
    r.vat = split.vat;
    r.vat_rate_hundredths = inv.vat_rate;
    cartera::Operation ins = ctx.operation("rcp_insert_request");
    ins.bind("source", std::string_view(r.source))
        .bind("source_key", std::string_view(source_key))
        .bind("invoice_id", std::string_view(inv.id))
        .bind("customer_id", std::string_view(inv.customer))
        .bind("reason_code", std::string_view(r.reason_code))
        .bind("anexo", std::string_view(r.anexo))
        .bind("base", cartera::Centavos{r.base})
        .bind("vat", cartera::Centavos{r.vat})
        .bind("total", cartera::Centavos{r.total})
        .bind("note", std::string_view(r.note))
        .bind("requested_by", std::string_view(r.requested_by))
        .bind("requested_at", std::string_view(r.requested_at));
    if (ins.execute() == 0) {
      return 0;
    }
    cartera::Operation q = ctx.operation("rcp_request");
    const auto request_no = q.column<std::int64_t>("request_no");
    q.bind("source", std::string_view(r.source)).bind("source_key", std::string_view(source_key)).execute();
    if (!q.step()) {
      throw Error(CARTERA_E_INTERNAL, "credit-note request " + source_key + " was registered and is not there");
    }
    const std::int64_t number = q[request_no];
    r.number = co.prefix + std::to_string(number);
    r.to = co.officer;
    r.invoice_id = inv.id;
    r.customer_id = inv.customer;
    r.cufe = inv.cufe;
    r.invoice_issue_date = inv.issue_date;
    r.invoice_amount = inv.amount;
    r.id_type = inv.id_type;
    r.id_number = inv.id_number;
    r.customer_name = inv.name;

    dian::CreditNoteDraft d;
    d.number = r.number;
    std::tie(d.issue_date, d.issue_time) = cartera::receipts::bogota_date_time(ctx.now_utc_us());
    d.environment = co.environment;
    d.software_provider_nit = co.software_provider_nit;
    d.software_id = co.software_id;
    d.software_pin = co.software_pin;
    d.supplier.name = co.name;
    d.supplier.id_number = co.nit;
    d.customer = customer_party(inv);
    d.invoice = dian::InvoiceReference{inv.id, inv.cufe, inv.issue_date};
    d.reason = dian::Concept{r.reason_code, r.reason_description};
    d.note = r.note;
    d.line_description = r.note.empty() ? r.reason_description : r.note;
    d.value_before_taxes = r.base;
    d.iva = r.vat;
    d.iva_rate_hundredths = r.vat > 0 ? inv.vat_rate : 0;
    std::string draft;
    try {
      draft = dian::credit_note_draft(d);
    } catch (const std::invalid_argument &e) {
      throw Error(CARTERA_E_INPUT_REJECTED, "credit note for invoice '" + inv.id + "': " + e.what());
    }
    ctx.emit_document(cartera::receipts::kCreditNoteRequestType, r.id,
                      cartera::receipts::credit_note_request_xml(r, draft));
    return number;
  }

  static void credit_note_by_hand(Context &ctx) {
    const Company co = company(ctx);
    const std::string user = ctx.text_param("cartera.user").value_or("");
    const std::string now = cartera::sdk::format_iso_instant_utc(ctx.now_utc_us());
    const auto amount = ctx.param("amount");
    const std::int64_t total = amount ? amount->i : 0;
    if (total <= 0) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "--amount must be more than zero, not " + pesos(total));
    }
    const Invoice inv = invoice(ctx, ctx.text_param("invoice").value_or(""));
    CreditNoteRequest r;
    r.source = "manual";
    r.reason_code = ctx.text_param("reason").value_or("");
    r.note = ctx.text_param("note").value_or("");
    r.total = total;
    r.requested_by = user;
    r.requested_at = now;
    r.by_hand_user = user.empty() ? "cartera" : user;
    const std::int64_t number = raise(ctx, co, r, inv, ctx.request_id());
    ctx.columns({column("request", CARTERA_TYPE_TEXT), column("invoice", CARTERA_TYPE_TEXT),
                 column("reason", CARTERA_TYPE_TEXT), column("total", CARTERA_TYPE_CENTAVOS)});
    ctx.row({cartera::make_value(std::string_view(co.prefix + std::to_string(number))),
             cartera::make_value(std::string_view(inv.id)), cartera::make_value(std::string_view(r.reason_code)),
             cartera::make_value(cartera::Centavos{total})});
    ctx.info("credit-note request " + co.prefix + std::to_string(number) + " for invoice " + inv.id + " (" +
             pesos(total) + ") queued for " + co.officer);
  }

  static void write_offs(Context &ctx) {
    struct Group {
      std::string entry, invoice, customer;
      std::vector<WriteOff> items;
    };
    std::vector<Group> groups;
    // The write-offs payments publishes, less those a request was registered for already.
    std::unordered_set<std::string> requested;
    {
      cartera::Operation op = ctx.operation("rcp_write_off_keys");
      const auto source_key = op.column<Text>("source_key");
      op.execute();
      while (op.step()) {
        requested.emplace(op[source_key]);
      }
    }
    {
      cartera::Operation op = ctx.operation("approved_write_offs");
      const auto [entry, invoice_id, customer, application, kind, amount, rule, proposed_by, approved_by, approved_at] =
          op.columns<Text, Text, Text, Text, Text, Centavos, Text, Text, Text, Text>(
              "entry_key", "invoice_id", "customer_id", "application_id", "kind", "amount", "rule", "proposed_by",
              "approved_by", "approved_at");
      op.execute();
      while (op.step()) {
        if (requested.count(cartera::receipts::write_off_source_key(op[entry], op[invoice_id])) != 0) {
          continue;
        }
        if (groups.empty() || groups.back().entry != op[entry] || groups.back().invoice != op[invoice_id]) {
          groups.push_back(Group{std::string(op[entry]), std::string(op[invoice_id]), std::string(op[customer]), {}});
        }
        groups.back().items.push_back(WriteOff{std::string(op[application]), std::string(op[entry]),
                                               std::string(op[kind]), std::string(op[rule]),
                                               std::string(op[proposed_by]), std::string(op[approved_by]),
                                               std::string(op[approved_at]), op[amount].value});
      }
    }
    ctx.columns({column("request", CARTERA_TYPE_TEXT), column("invoice", CARTERA_TYPE_TEXT),
                 column("entry_key", CARTERA_TYPE_TEXT), column("kinds", CARTERA_TYPE_TEXT),
                 column("total", CARTERA_TYPE_CENTAVOS)});
    if (groups.empty()) {
      ctx.info("no approved write-off waits for a credit note");
      return;
    }
    const Company co = company(ctx);
    const std::string user = ctx.text_param("cartera.user").value_or("");
    const std::string now = cartera::sdk::format_iso_instant_utc(ctx.now_utc_us());
    std::size_t raised = 0;
    for (const auto &g : groups) {
      CreditNoteRequest r;
      r.source = "write-off";
      r.reason_code = co.write_off_reason;
      std::string kinds;
      for (const auto &w : g.items) {
        cartera::sdk::accumulate_centavos(r.total, w.amount);
        if (kinds.find(w.kind) == std::string::npos) {
          kinds += (kinds.empty() ? "" : " ") + w.kind;
        }
      }
      r.note = "Diferencia aceptada en el pago " + g.entry + " (" + kinds + ")";
      r.write_offs = g.items;
      r.requested_by = user;
      r.requested_at = now;
      const std::int64_t number =
          raise(ctx, co, r, invoice(ctx, g.invoice), cartera::receipts::write_off_source_key(g.entry, g.invoice));
      if (number == 0) {
        continue;
      }
      ++raised;
      ctx.row({cartera::make_value(std::string_view(co.prefix + std::to_string(number))),
               cartera::make_value(std::string_view(g.invoice)), cartera::make_value(std::string_view(g.entry)),
               cartera::make_value(std::string_view(kinds)), cartera::make_value(cartera::Centavos{r.total})});
    }
    ctx.info(std::to_string(raised) + " credit-note requests for approved write-offs queued for " + co.officer);
  }

  static void statement_movements(Context &ctx) { cartera::receipts::statement_movements(ctx); }

  static void status(Context &ctx) {
    // payments raises the cash-receipt requests; the exchange, not either module, knows where they stand.
    cartera::Operation op = ctx.operation("document_deliveries");
    const auto [document, doc_type, doc_key, recipient, state, attempts] =
        op.columns<Text, Text, Text, Text, Text, std::int64_t>("document_id", "doc_type", "doc_key", "recipient",
                                                               "state", "attempts");
    const auto [created_at, delivered_at, answered_at, number, reason, last_error] =
        op.columns<Text, Text, Text, Text, Text, Text>("created_at", "delivered_at", "answered_at", "answer_number",
                                                       "answer_reason", "last_error");
    op.bind("doc_types", std::string_view("cash-receipt-request credit-note-request"))
        .bind("state", std::string_view(ctx.text_param("state").value_or("")))
        .execute();
    ctx.columns({column("document", CARTERA_TYPE_TEXT), column("type", CARTERA_TYPE_TEXT),
                 column("key", CARTERA_TYPE_TEXT), column("recipient", CARTERA_TYPE_TEXT),
                 column("state", CARTERA_TYPE_TEXT), column("age_days", CARTERA_TYPE_INTEGER),
                 column("attempts", CARTERA_TYPE_INTEGER), column("queued_at", CARTERA_TYPE_TEXT),
                 column("delivered_at", CARTERA_TYPE_TEXT), column("answered_at", CARTERA_TYPE_TEXT),
                 column("number", CARTERA_TYPE_TEXT), column("reason", CARTERA_TYPE_TEXT),
                 column("last_error", CARTERA_TYPE_TEXT)});
    const std::int64_t today = ctx.now_utc_us() / 86'400'000'000;
    while (op.step()) {
      // Age in whole days since the request was made (UTC dates: a day is a day either way).
      const auto made = cartera::sdk::parse_iso_date(op.value_or(created_at, "").substr(0, 10));
      const std::int64_t age = made ? today - *made : 0;
      ctx.row({op.value(document), op.value(doc_type), op.value(doc_key), op.value(recipient), op.value(state),
               cartera::make_value(std::int64_t{age}), op.value(attempts), op.value(created_at), op.value(delivered_at),
               op.value(answered_at), op.value(number), op.value(reason), op.value(last_error)});
    }
  }

public:
  static constexpr cartera::Job<Receipts> kJobs[] = {{"credit-note", &Receipts::credit_note_by_hand},
                                                     {"write-offs", &Receipts::write_offs},
                                                     {"status", &Receipts::status},
                                                     {"statement-movements", &Receipts::statement_movements}};
};

// Id, version, display name, ABI requirement, capabilities and document types: the manifest's
// (receipts.plugin.xml.in), through the header cartera_add_module generates from it.
constexpr cartera::ModuleInfo kInfo = cartera::module_info(cartera_identity::kIdentity, "cartera", "Apache-2.0");

} // namespace

CARTERA_PLUGIN(Receipts, kInfo)
