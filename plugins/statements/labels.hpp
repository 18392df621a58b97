// The es-CO words and phrases of a statement of account. The HTML and the PDF take every
// label from here, so the two renderings of one statement always say the same thing.
#pragma once

#include "statement.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::statements {

// Headings and captions.
inline constexpr std::string_view kStatementTitle = "Estado de cuenta";
inline constexpr std::string_view kPeriodCaption = "Periodo";
inline constexpr std::string_view kIssuedOnCaption = "Fecha de corte";
inline constexpr std::string_view kCustomerCodeCaption = "Código de cliente";
inline constexpr std::string_view kContractCaption = "Contrato";
inline constexpr std::string_view kContractKindCaption = "Tipo de contrato";
inline constexpr std::string_view kPlanCaption = "Plan";
inline constexpr std::string_view kMemberCountCaption = "Beneficiarios";
inline constexpr std::string_view kSummaryHeading = "Resumen de su cuenta";
inline constexpr std::string_view kTotalDueCaption = "Total a pagar";
inline constexpr std::string_view kDueDateCaption = "Fecha límite de pago";
inline constexpr std::string_view kNothingDue = "No tiene valores pendientes de pago.";
inline constexpr std::string_view kCreditNote = "Su saldo a favor se aplicará a sus próximas facturas.";
inline constexpr std::string_view kMembersHeading = "Beneficiarios del contrato";
inline constexpr std::string_view kMovementsHeading = "Movimientos del periodo";
inline constexpr std::string_view kNoMovements = "No hubo movimientos en el periodo.";
inline constexpr std::string_view kOpeningRow = "Saldo anterior";
inline constexpr std::string_view kTotalsRow = "Totales del periodo";
inline constexpr std::string_view kOpenItemsHeading = "Facturas pendientes de pago";
inline constexpr std::string_view kNoOpenItems = "No tiene facturas pendientes de pago.";
inline constexpr std::string_view kAgingHeading = "Antigüedad del saldo (días de vencimiento)";
inline constexpr std::string_view kCausesHeading = "¿Por qué cambió su valor a pagar?";
inline constexpr std::string_view kPreviousAmountRow = "Valor a pagar del periodo anterior";
inline constexpr std::string_view kNewAmountRow = "Valor a pagar de este periodo";
inline constexpr std::string_view kDifferenceCaption = "Diferencia frente al periodo anterior";
inline constexpr std::string_view kNoChange = "Su valor a pagar no cambió frente al periodo anterior.";
inline constexpr std::string_view kReferenceCaption = "Referencia del documento";
inline constexpr std::string_view kPageCaption = "Página";

// Table columns, in the order both renderings draw them.
inline constexpr std::array<std::string_view, 5> kMemberColumns = {"Beneficiario", "Código", "Grupo de edad", "Plan",
                                                                   "Valor mensual"};
inline constexpr std::array<std::string_view, 8> kMovementColumns = {"Fecha",       "Tipo",   "Documento", "Referencia",
                                                                     "Descripción", "Cargos", "Abonos",    "Saldo"};
inline constexpr std::array<std::string_view, 7> kOpenItemColumns = {
    "Factura", "Contrato", "Emisión", "Vencimiento", "Valor facturado", "Saldo pendiente", "Días de mora"};
inline constexpr std::array<std::string_view, 3> kCauseColumns = {"Concepto", "Detalle", "Valor"};

// Text as a document can carry it: invalid UTF-8 bytes become U+FFFD and control characters
// spaces. XML forbids most control characters, and pango would warn and draw nothing for bad
// UTF-8; a stray line break in a description would also break a table row.
std::string printable(std::string_view text);

// Codes of the model in words. A code this build does not know is shown as it comes, so a
// kind the builder learns later still reads as something rather than disappearing.
std::string_view movement_kind_label(std::string_view kind);
std::string_view cause_kind_label(std::string_view kind);
std::string_view contract_kind_label(std::string_view kind); // "Familiar", "Colectivo", ...
std::string_view id_type_label(std::string_view id_type);    // "C.C.", "NIT", "Pasaporte", ...

// Who the holder box introduces: "Cliente", "Titular del contrato" or "Empresa contratante".
std::string_view holder_heading(const Contract &contract);

// "C.C. 79123456", "NIT 900123456-7".
std::string holder_id_text(const Holder &holder);

// "noviembre" for 11.
std::string_view month_name(std::uint32_t month);
// "noviembre de 2026": the month a day falls in.
std::string period_name(std::int64_t day);
// "1 al 30 de noviembre de 2026" within one month, "15/10/2026 al 14/11/2026" across months.
std::string period_range(std::int64_t first, std::int64_t last);

// "+$ 45.000,00", "-$ 12.000,00", "$ 0,00": a change, so the sign is always written.
std::string signed_pesos(std::int64_t centavos);
// "Al día", "1 día", "35 días".
std::string days_overdue_text(std::int64_t days);

// "Estado de cuenta — noviembre de 2026 — María Muñoz": the HTML <title>, the PDF's title.
std::string document_title(const Statement &s);
// How the holder reaches the company, for the closing line and the footer.
std::string contact_sentence(const Issuer &issuer);
// "Salud Total Prepagada S.A. · NIT 900123456-7 · Tel. 601 555 0100 · cartera@example.co".
std::string issuer_line(const Issuer &issuer);

// One line of the summary box. The lines read as a sum: saldo anterior, (+) cargos,
// (−) abonos, (=) saldo a la fecha (or saldo a favor), (+) intereses de mora a la fecha.
struct SummaryLine {
  std::string label;
  std::string amount;  // formatted
  bool result = false; // a subtotal: drawn under a rule, in bold
};
std::vector<SummaryLine> summary_lines(const Statement &s);

// "<lead> a la fecha", or "<lead> al 31/07/2026" when interest to date stops at the last day
// with a certified rate.
std::string interest_label(std::string_view lead, const Statement &s);

// The due date as the summary box shows it: "05/12/2026", or a dash when nothing is due.
std::string due_date_text(const Statement &s);

// The description of a movement; on a customer statement, which contract it belongs to.
std::string movement_description(const Statement &s, const Movement &m);

} // namespace cartera::statements
