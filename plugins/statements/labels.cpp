#include "labels.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <utility>

namespace cartera::statements {

namespace {

using Pair = std::pair<std::string_view, std::string_view>;

template <std::size_t N> std::string_view lookup(const Pair (&table)[N], std::string_view code) {
  for (const auto &[from, to] : table) {
    if (from == code) {
      return to;
    }
  }
  return code;
}

constexpr Pair kMovementKinds[] = {
    {"invoice", "Factura"},
    {"payment", "Pago"},
    {"credit-note", "Nota crédito"},
    {"interest", "Intereses de mora"},
    {"adjustment", "Ajuste"},
    {"reclassification", "Reclasificación"},
    {"returned-check", "Cheque devuelto"},
};

constexpr Pair kCauseKinds[] = {
    {"member-added", "Ingreso de beneficiario"},
    {"member-removed", "Retiro de beneficiario"},
    {"tariff-change", "Cambio de tarifa"},
    {"age-band-change", "Cambio de grupo de edad"},
    {"billing-other", "Otros cambios en la facturación"},
    {"adjustment", "Ajustes"},
    {"interest", "Intereses de mora"},
    {"payments-pending", "Saldo pendiente de pago"},
    {"payments-ahead", "Pagos anticipados"},
};

constexpr Pair kContractKinds[] = {
    {"familiar", "Familiar"},
    {"colectivo", "Colectivo"},
    {"individual", "Individual"},
};

constexpr Pair kIdTypes[] = {
    {"CC", "C.C."}, {"CE", "C.E."}, {"NIT", "NIT"}, {"PA", "Pasaporte"}, {"TI", "T.I."},
};

constexpr std::string_view kMonths[] = {"enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
                                        "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};

std::string append(std::string_view a, std::string_view b) {
  std::string out(a);
  out += b;
  return out;
}

} // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t bad = sdk::first_invalid_utf8(text);
    for (const char c : text.substr(0, bad)) {
      out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
    if (bad == std::string_view::npos) {
      break;
    }
    out += "\xEF\xBF\xBD";
    text.remove_prefix(bad + 1);
  }
  return out;
}

std::string_view movement_kind_label(std::string_view kind) {
  return lookup(kMovementKinds, kind);
}

std::string_view cause_kind_label(std::string_view kind) {
  return lookup(kCauseKinds, kind);
}

std::string_view contract_kind_label(std::string_view kind) {
  return lookup(kContractKinds, kind);
}

std::string_view id_type_label(std::string_view id_type) {
  return lookup(kIdTypes, id_type);
}

std::string_view holder_heading(const Contract &contract) {
  if (contract.contract_id.empty()) {
    return "Cliente";
  }
  // A collective contract's holder is the employer, whose HR office reads the statement.
  return contract.kind == "colectivo" ? "Empresa contratante" : "Titular del contrato";
}

std::string holder_id_text(const Holder &holder) {
  if (holder.id_type.empty()) {
    return holder.id_number;
  }
  return append(id_type_label(holder.id_type), " " + holder.id_number);
}

std::string_view month_name(std::uint32_t month) {
  return month >= 1 && month <= 12 ? kMonths[month - 1] : std::string_view("?");
}

std::string period_name(std::int64_t day) {
  const sdk::CivilDate d = sdk::civil_from_days(day);
  return append(month_name(d.month), " de " + std::to_string(d.year));
}

std::string period_range(std::int64_t first, std::int64_t last) {
  const sdk::CivilDate a = sdk::civil_from_days(first);
  const sdk::CivilDate b = sdk::civil_from_days(last);
  if (a.year == b.year && a.month == b.month) {
    return std::to_string(a.day) + " al " + std::to_string(b.day) + " de " + period_name(last);
  }
  return sdk::format_co_date(first) + " al " + sdk::format_co_date(last);
}

std::string signed_pesos(std::int64_t centavos) {
  std::string out = sdk::format_pesos_co(centavos);
  return centavos > 0 ? "+" + out : out;
}

std::string days_overdue_text(std::int64_t days) {
  if (days <= 0) {
    return "Al día";
  }
  return sdk::format_count_co(days) + (days == 1 ? " día" : " días");
}

std::string document_title(const Statement &s) {
  std::string title(kStatementTitle);
  title += " — " + period_name(s.period_end);
  if (!s.holder.name.empty()) {
    title += " — " + s.holder.name;
  }
  return title;
}

std::string contact_sentence(const Issuer &issuer) {
  std::string out = "Si tiene preguntas sobre este estado de cuenta, comuníquese con " + issuer.name;
  if (!issuer.phone.empty()) {
    out += " al teléfono " + issuer.phone;
  }
  if (!issuer.email.empty()) {
    out += " o escríbanos a " + issuer.email;
  }
  return out + ".";
}

std::string issuer_line(const Issuer &issuer) {
  std::string out = issuer.name;
  const auto add = [&out](std::string_view prefix, const std::string &value) {
    if (!value.empty()) {
      out += " · ";
      out += prefix;
      out += value;
    }
  };
  add("NIT ", issuer.nit);
  add("Tel. ", issuer.phone);
  add("", issuer.email);
  return out;
}

std::string interest_label(std::string_view lead, const Statement &s) {
  return std::string(lead) +
         (s.interest_through != 0 ? " al " + sdk::format_co_date(s.interest_through) : std::string(" a la fecha"));
}

std::vector<SummaryLine> summary_lines(const Statement &s) {
  std::vector<SummaryLine> lines;
  lines.push_back({"Saldo anterior", sdk::format_pesos_co(s.opening_balance), false});
  lines.push_back({"(+) Cargos del periodo", sdk::format_pesos_co(s.total_debits), false});
  lines.push_back({"(−) Abonos del periodo", sdk::format_pesos_co(s.total_credits), false});
  if (s.closing_balance < 0) {
    lines.push_back({"(=) Saldo a favor", sdk::format_pesos_co(-s.closing_balance), true});
  } else {
    lines.push_back({"(=) Saldo a la fecha", sdk::format_pesos_co(s.closing_balance), true});
  }
  lines.push_back({interest_label("(+) Intereses de mora", s), sdk::format_pesos_co(s.interest_to_date), false});
  return lines;
}

std::string due_date_text(const Statement &s) {
  return s.due_date != 0 && s.amount_due > 0 ? sdk::format_co_date(s.due_date) : "—";
}

std::string movement_description(const Statement &s, const Movement &m) {
  if (!s.contract.contract_id.empty() || m.contract_id.empty()) {
    return m.description;
  }
  return m.description + " (contrato " + m.contract_id + ")";
}

} // namespace cartera::statements
