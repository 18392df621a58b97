#include "html_renderer.hpp"

#include "labels.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <initializer_list>
#include <span>
#include <string_view>

namespace cartera::statements {

namespace {

using sdk::format_co_date;
using sdk::format_pesos_co;

// Print first: A4 margins, table headers repeated on each printed page, rows kept whole, and
// the coloured boxes printed as they look on screen.
constexpr std::string_view kStyle = R"css(
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #e9ecef; color: #1a1a1a; line-height: 1.35;
  font: 10pt "DejaVu Sans", "Segoe UI", Arial, Helvetica, sans-serif; }
.sheet { max-width: 200mm; margin: 8mm auto; padding: 12mm 12mm 10mm; background: #ffffff; }
.top { display: flex; justify-content: space-between; gap: 16px; padding-bottom: 8px;
  border-bottom: 2px solid #1f3a5f; }
.issuer-name { font-size: 15pt; font-weight: bold; color: #1f3a5f; }
.issuer div, .doc div { font-size: 8.5pt; color: #444444; }
.doc { text-align: right; }
h1 { margin: 0 0 4px; font-size: 15pt; color: #1f3a5f; }
.doc div strong { color: #1a1a1a; }
.boxes { display: flex; gap: 12px; margin-top: 12px; align-items: stretch; }
.box { flex: 1 1 0; border: 1px solid #c5ccd6; border-radius: 4px; padding: 8px 10px; }
.summary { background: #eef3f9; border-color: #9fb3cc; }
.caption { font-size: 9pt; font-weight: bold; color: #1f3a5f; margin-bottom: 4px; }
.holder-name { font-size: 11pt; font-weight: bold; }
.facts { margin-top: 6px; border-collapse: collapse; font-size: 8.5pt; }
.facts th { text-align: left; font-weight: normal; color: #555555; padding: 1px 10px 1px 0; }
.facts td { padding: 1px 0; }
.sums { width: 100%; border-collapse: collapse; font-size: 9pt; }
.sums td { padding: 2px 0; }
.sums tr.result td { font-weight: bold; border-top: 1px solid #1f3a5f; }
.due { margin-top: 8px; padding: 6px 8px; background: #1f3a5f; color: #ffffff; border-radius: 3px; }
.due-label { font-size: 9pt; font-weight: bold; }
.due .total { font-size: 16pt; font-weight: bold; text-align: left; }
.due-date { font-size: 9pt; }
.note { font-size: 8.5pt; color: #444444; margin: 6px 0 0; }
h2 { font-size: 11pt; color: #1f3a5f; margin: 16px 0 6px; padding-bottom: 2px; border-bottom: 1.5px solid #1f3a5f;
  break-after: avoid; page-break-after: avoid; }
.grid { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
.grid th { background: #1f3a5f; color: #ffffff; text-align: left; padding: 3px 5px; font-weight: bold; }
.grid td { padding: 3px 5px; border-bottom: 1px solid #dde2e8; vertical-align: top; }
.grid tbody tr:nth-child(even) td { background: #f4f6f9; }
.grid tr.opening td { font-style: italic; color: #444444; }
.grid tr.total td { font-weight: bold; background: #e3e9f1; border-top: 1.5px solid #1f3a5f; }
.grid th.num, .num { text-align: right; }
.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
.overdue { color: #a31515; font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.footer { margin-top: 18px; padding-top: 6px; border-top: 1px solid #c5ccd6; font-size: 8pt; color: #555555; }
.footer p { margin: 2px 0; }
@media print {
  body { background: #ffffff; }
  .sheet { max-width: none; margin: 0; padding: 0; }
  .summary, .due, .grid th, .grid td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

// One table cell: its text and its CSS class ("num" right-aligns a figure).
struct HtmlCell {
  std::string text;
  std::string_view cls;
  int colspan = 1;
};

void open_tag(std::string &out, std::string_view tag, std::string_view cls) {
  out += '<';
  out += tag;
  if (!cls.empty()) {
    out += " class=\"";
    out += cls;
    out += '"';
  }
  out += '>';
}

void element(std::string &out, std::string_view tag, std::string_view cls, std::string_view text) {
  open_tag(out, tag, cls);
  out += sdk::xml_escape(printable(text));
  out += "</";
  out += tag;
  out += '>';
}

void cell(std::string &out, std::string_view tag, const HtmlCell &c) {
  out += '<';
  out += tag;
  if (!c.cls.empty()) {
    out += " class=\"";
    out += c.cls;
    out += '"';
  }
  if (c.colspan > 1) {
    out += " colspan=\"" + std::to_string(c.colspan) + '"';
  }
  out += '>';
  out += sdk::xml_escape(printable(c.text));
  out += "</";
  out += tag;
  out += '>';
}

void row(std::string &out, std::string_view row_cls, std::initializer_list<HtmlCell> cells) {
  open_tag(out, "tr", row_cls);
  for (const HtmlCell &c : cells) {
    cell(out, "td", c);
  }
  out += "</tr>\n";
}

// Opens a data table: its header row, and tbody for the rows that follow. `numeric` marks
// the columns whose header is right-aligned over figures.
void open_table(std::string &out, std::string_view cls, std::span<const std::string_view> titles,
                std::initializer_list<std::size_t> numeric) {
  open_tag(out, "table", cls);
  out += "\n<thead><tr>";
  for (std::size_t i = 0; i < titles.size(); ++i) {
    bool num = false;
    for (std::size_t n : numeric) {
      num = num || n == i;
    }
    element(out, "th", num ? "num" : "", titles[i]);
  }
  out += "</tr></thead>\n<tbody>\n";
}

void close_table(std::string &out) {
  out += "</tbody>\n</table>\n";
}

// A blank cell for a zero debit or credit, so the column shows only what moved.
std::string amount_or_blank(std::int64_t centavos) {
  return centavos != 0 ? format_pesos_co(centavos) : "";
}

void head(std::string &out, const Statement &s) {
  out += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"es-CO\" xml:lang=\"es-CO\">\n<head>\n";
  out += "<meta charset=\"utf-8\" />\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n";
  element(out, "title", "", document_title(s));
  out += "\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n";
}

void issuer_block(std::string &out, const Statement &s) {
  const Issuer &i = s.issuer;
  out += "<div class=\"top\">\n<div class=\"issuer\">";
  element(out, "div", "issuer-name", i.name);
  if (!i.nit.empty()) {
    element(out, "div", "", "NIT " + i.nit);
  }
  element(out, "div", "", i.city.empty() ? i.address : i.address + ", " + i.city);
  std::string contact = i.phone.empty() ? "" : "Tel. " + i.phone;
  if (!i.email.empty()) {
    contact += (contact.empty() ? "" : " · ") + i.email;
  }
  element(out, "div", "", contact);
  out += "</div>\n<div class=\"doc\">";
  element(out, "h1", "", kStatementTitle);
  out += "<div>" + sdk::xml_escape(kPeriodCaption) + ": ";
  element(out, "strong", "", period_range(s.period_start, s.period_end));
  out += "</div><div>" + sdk::xml_escape(kIssuedOnCaption) + ": ";
  element(out, "strong", "", format_co_date(s.issued_on));
  out += "</div></div>\n</div>\n";
}

void fact(std::string &out, std::string_view caption, std::string_view value) {
  out += "<tr>";
  element(out, "th", "", caption);
  element(out, "td", "", value);
  out += "</tr>";
}

void holder_box(std::string &out, const Statement &s) {
  const Holder &h = s.holder;
  out += "<div class=\"box holder\">";
  element(out, "div", "caption", holder_heading(s.contract));
  element(out, "div", "holder-name", h.name);
  element(out, "div", "", holder_id_text(h));
  element(out, "div", "", h.address);
  element(out, "div", "", h.city);
  out += "<table class=\"facts\"><tbody>";
  fact(out, kCustomerCodeCaption, h.customer_id);
  const Contract &c = s.contract;
  if (!c.contract_id.empty()) {
    fact(out, kContractCaption, c.contract_id);
    fact(out, kContractKindCaption, contract_kind_label(c.kind));
    fact(out, kPlanCaption, c.plan);
    fact(out, kMemberCountCaption, sdk::format_count_co(static_cast<std::int64_t>(c.members.size())));
  }
  out += "</tbody></table></div>\n";
}

void summary_box(std::string &out, const Statement &s) {
  out += "<div class=\"box summary\">";
  element(out, "div", "caption", kSummaryHeading);
  out += "<table class=\"sums\"><tbody>\n";
  for (const SummaryLine &line : summary_lines(s)) {
    row(out, line.result ? "result" : "", {{line.label, ""}, {line.amount, "num"}});
  }
  out += "</tbody></table>\n<div class=\"due\">";
  element(out, "div", "due-label", kTotalDueCaption);
  element(out, "div", "total num", format_pesos_co(s.amount_due));
  element(out, "div", "due-date", std::string(kDueDateCaption) + ": " + due_date_text(s));
  out += "</div>";
  if (s.amount_due == 0) {
    element(out, "p", "note", s.closing_balance < 0 ? kCreditNote : kNothingDue);
  }
  out += "</div>\n";
}

void members_section(std::string &out, const Statement &s) {
  if (s.contract.contract_id.empty() || s.contract.members.empty()) {
    return;
  }
  element(out, "h2", "", kMembersHeading);
  out += '\n';
  open_table(out, "grid members", kMemberColumns, {4});
  for (const Member &m : s.contract.members) {
    row(out, "",
        {{m.name, ""},
         {m.member_id, "nowrap"},
         {m.age_band, "nowrap"},
         {m.plan, ""},
         {format_pesos_co(m.monthly_fee), "num"}});
  }
  close_table(out);
}

void movements_section(std::string &out, const Statement &s) {
  element(out, "h2", "", kMovementsHeading);
  out += '\n';
  open_table(out, "grid movements", kMovementColumns, {5, 6, 7});
  row(out, "opening",
      {{format_co_date(s.period_start), "nowrap"},
       {std::string(kOpeningRow), "", 4},
       {"", "num"},
       {"", "num"},
       {format_pesos_co(s.opening_balance), "num"}});
  for (const Movement &m : s.movements) {
    row(out, "",
        {{format_co_date(m.date), "nowrap"},
         {std::string(movement_kind_label(m.kind)), ""},
         {m.document, "nowrap"},
         {m.reference, ""},
         {movement_description(s, m), ""},
         {amount_or_blank(m.debit), "num"},
         {amount_or_blank(m.credit), "num"},
         {format_pesos_co(m.balance), "num"}});
  }
  row(out, "total",
      {{std::string(kTotalsRow), "", 5},
       {format_pesos_co(s.total_debits), "num"},
       {format_pesos_co(s.total_credits), "num"},
       {format_pesos_co(s.closing_balance), "num"}});
  close_table(out);
  if (s.movements.empty()) {
    element(out, "p", "note", kNoMovements);
    out += '\n';
  }
}

void aging_table(std::string &out, const Statement &s) {
  if (s.aging.empty()) {
    return;
  }
  element(out, "h2", "", kAgingHeading);
  out += "\n<table class=\"grid aging\">\n<thead><tr>";
  for (const AgingBucket &b : s.aging) {
    element(out, "th", "num", b.label);
  }
  out += "</tr></thead>\n<tbody>\n<tr>";
  for (const AgingBucket &b : s.aging) {
    element(out, "td", "num", format_pesos_co(b.amount));
  }
  out += "</tr>\n";
  close_table(out);
}

void open_items_section(std::string &out, const Statement &s) {
  element(out, "h2", "", kOpenItemsHeading);
  out += '\n';
  if (s.open_items.empty()) {
    element(out, "p", "note", kNoOpenItems);
    out += '\n';
  } else {
    open_table(out, "grid open-items", kOpenItemColumns, {4, 5, 6});
    for (const OpenItem &o : s.open_items) {
      row(out, "",
          {{o.invoice_id, "nowrap"},
           {o.contract_id, "nowrap"},
           {format_co_date(o.issue_date), "nowrap"},
           {format_co_date(o.due_date), "nowrap"},
           {format_pesos_co(o.amount), "num"},
           {format_pesos_co(o.open_amount), "num"},
           {days_overdue_text(o.days_overdue), o.days_overdue > 0 ? "num overdue" : "num"}});
    }
    close_table(out);
  }
  aging_table(out, s);
}

void causes_section(std::string &out, const Statement &s) {
  element(out, "h2", "", kCausesHeading);
  out += '\n';
  if (s.causes.empty() && s.difference == 0) {
    element(out, "p", "note", kNoChange);
    out += '\n';
    return;
  }
  open_table(out, "grid causes", kCauseColumns, {2});
  row(out, "opening", {{std::string(kPreviousAmountRow), "", 2}, {format_pesos_co(s.previous_amount_due), "num"}});
  for (const Cause &c : s.causes) {
    row(out, "cause",
        {{std::string(cause_kind_label(c.kind)), ""}, {c.description, ""}, {signed_pesos(c.amount), "num"}});
  }
  row(out, "total", {{std::string(kNewAmountRow), "", 2}, {format_pesos_co(s.amount_due), "num"}});
  close_table(out);
  element(out, "p", "note difference", std::string(kDifferenceCaption) + ": " + signed_pesos(s.difference));
  out += '\n';
}

void footer(std::string &out, const Statement &s) {
  out += "<div class=\"footer\">";
  element(out, "p", "", contact_sentence(s.issuer));
  element(out, "p", "", issuer_line(s.issuer));
  element(out, "p", "", std::string(kReferenceCaption) + ": " + s.statement_id);
  out += "</div>\n";
}

} // namespace

std::string render_html(const Statement &s) {
  std::string out;
  out.reserve(16384 + 400 * (s.movements.size() + s.open_items.size() + s.contract.members.size()));
  head(out, s);
  out += "<body>\n<div class=\"sheet\">\n";
  issuer_block(out, s);
  out += "<div class=\"boxes\">\n";
  holder_box(out, s);
  summary_box(out, s);
  out += "</div>\n";
  members_section(out, s);
  movements_section(out, s);
  open_items_section(out, s);
  causes_section(out, s);
  footer(out, s);
  out += "</div>\n</body>\n</html>\n";
  return out;
}

} // namespace cartera::statements
