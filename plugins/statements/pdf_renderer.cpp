// The statement's content on the PDF's pages: its sections in the order the HTML shows them,
// the frame of every page, the document's metadata. Page geometry, fonts, pagination and
// tables are pdf_page.hpp's.
#include "pdf_renderer.hpp"

#include "labels.hpp"
#include "pdf_page.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace cartera::statements {

namespace {

using pdf::Align;
using pdf::Cell;
using pdf::Column;
using pdf::Flow;
using pdf::kAccent;
using pdf::kBoxLine;
using pdf::kContentWidth;
using pdf::kFooterRule;
using pdf::kMargin;
using pdf::kMuted;
using pdf::kRunningHeadHeight;
using pdf::kSectionGap;
using pdf::kSummaryFill;
using pdf::kWhite;
using pdf::Piece;
using pdf::RowKind;
using pdf::Style;
using pdf::Table;
using pdf::Typesetter;
using sdk::format_co_date;
using sdk::format_pesos_co;

// Builds the flow of one statement, section by section, in the order the HTML shows them.
class Composer {
public:
  Composer(const Statement &s, const Typesetter &ts, Flow &flow) : s_(s), ts_(ts), flow_(flow) {}

  void compose() {
    masthead();
    boxes();
    members();
    movements();
    open_items();
    aging();
    causes();
    closing();
  }

private:
  void heading(std::string_view text) {
    Piece p;
    const double bottom = p.put(ts_.layout(text, Style::kHeading, kContentWidth), kMargin, 0, kAccent);
    p.rule(bottom + 1.5, 1, kAccent);
    p.height = bottom + 5;
    flow_.add(std::move(p), kSectionGap, true);
  }

  void note(std::string_view text, double space_before = 4) {
    Piece p;
    p.height = p.put(ts_.layout(text, Style::kText, kContentWidth, Align::kLeft, 0), kMargin, 0, kMuted);
    flow_.add(std::move(p), space_before);
  }

  // Issuer on the left, what the document is on the right, an accent rule under both.
  void masthead() {
    const Issuer &i = s_.issuer;
    Piece p;
    const double left_w = kContentWidth * 0.58;
    double y = p.put(ts_.layout(i.name, Style::kTitle, left_w, Align::kLeft, 2), kMargin, 0, kAccent);
    y += 2;
    if (!i.nit.empty()) {
      y = p.put(ts_.layout("NIT " + i.nit, Style::kSmall, left_w), kMargin, y, kMuted);
    }
    y = p.put(ts_.layout(i.city.empty() ? i.address : i.address + ", " + i.city, Style::kSmall, left_w), kMargin, y,
              kMuted);
    std::string contact = i.phone.empty() ? "" : "Tel. " + i.phone;
    if (!i.email.empty()) {
      contact += (contact.empty() ? "" : " · ") + i.email;
    }
    y = p.put(ts_.layout(contact, Style::kSmall, left_w), kMargin, y, kMuted);

    const double right_x = kMargin + left_w;
    const double right_w = kContentWidth - left_w;
    double ry = p.put(ts_.layout(kStatementTitle, Style::kTitle, right_w, Align::kRight), right_x, 0, kAccent);
    ry += 2;
    ry = p.put(ts_.labelled(kPeriodCaption, period_range(s_.period_start, s_.period_end), Style::kSmall, right_w,
                            Align::kRight),
               right_x, ry);
    ry = p.put(ts_.labelled(kIssuedOnCaption, format_co_date(s_.issued_on), Style::kSmall, right_w, Align::kRight),
               right_x, ry);
    const double bottom = std::max(y, ry) + 6;
    p.rule(bottom, 1.5, kAccent);
    p.height = bottom + 1.5;
    flow_.add(std::move(p));
  }

  void boxes() {
    constexpr double kGap = 12;
    constexpr double kWidth = (kContentWidth - kGap) / 2;
    Piece p;
    const double left = holder_box(p, kMargin, kWidth);
    const double right = summary_box(p, kMargin + kWidth + kGap, kWidth);
    p.height = std::max(left, right);
    // Outlines and the summary's tint go under what the boxes already hold.
    p.shapes.insert(p.shapes.begin(), {{kMargin, 0, kWidth, p.height, kBoxLine, 0.75},
                                       {kMargin + kWidth + kGap, 0, kWidth, p.height, kSummaryFill},
                                       {kMargin + kWidth + kGap, 0, kWidth, p.height, kBoxLine, 0.75}});
    flow_.add(std::move(p), 12);
  }

  // Returns the box's height.
  double holder_box(Piece &p, double x, double width) {
    constexpr double kPad = 8;
    const double inner = width - 2 * kPad;
    const Holder &h = s_.holder;
    double y = p.put(ts_.layout(holder_heading(s_.contract), Style::kTextBold, inner), x + kPad, kPad, kAccent);
    y = p.put(ts_.layout(h.name, Style::kHolder, inner, Align::kLeft, 2), x + kPad, y + 2);
    y = p.put(ts_.layout(holder_id_text(h), Style::kText, inner), x + kPad, y + 1);
    y = p.put(ts_.layout(h.address, Style::kText, inner, Align::kLeft, 2), x + kPad, y);
    y = p.put(ts_.layout(h.city, Style::kText, inner), x + kPad, y) + 5;
    y = fact(p, kCustomerCodeCaption, h.customer_id, x + kPad, y, inner);
    const Contract &c = s_.contract;
    if (!c.contract_id.empty()) {
      y = fact(p, kContractCaption, c.contract_id, x + kPad, y, inner);
      y = fact(p, kContractKindCaption, contract_kind_label(c.kind), x + kPad, y, inner);
      y = fact(p, kPlanCaption, c.plan, x + kPad, y, inner);
      y = fact(p, kMemberCountCaption, sdk::format_count_co(static_cast<std::int64_t>(c.members.size())), x + kPad, y,
               inner);
    }
    return y + kPad;
  }

  double fact(Piece &p, std::string_view caption, std::string_view value, double x, double y, double width) {
    constexpr double kCaptionWidth = 78;
    p.put(ts_.layout(caption, Style::kSmall, kCaptionWidth), x, y + 0.5, kMuted);
    return p.put(ts_.cell(value, Style::kTextBold, width - kCaptionWidth, Align::kLeft), x + kCaptionWidth, y) + 1;
  }

  double summary_box(Piece &p, double x, double width) {
    constexpr double kPad = 8;
    const double inner = width - 2 * kPad;
    double y = p.put(ts_.layout(kSummaryHeading, Style::kTextBold, inner), x + kPad, kPad, kAccent) + 2;
    for (const SummaryLine &line : summary_lines(s_)) {
      const Style style = line.result ? Style::kTextBold : Style::kText;
      if (line.result) {
        p.fill(x + kPad, y, inner, 0.75, kAccent);
        y += 1.5;
      }
      p.put(ts_.layout(line.label, style, inner * 0.62), x + kPad, y);
      y = p.put(ts_.cell(line.amount, style, inner, Align::kRight), x + kPad, y) + 1.5;
    }
    y += 4;
    const double band_top = y;
    y = p.put(ts_.layout(kTotalDueCaption, Style::kTextBold, inner - 12), x + kPad + 6, y + 5, kWhite);
    y = p.put(ts_.cell(format_pesos_co(s_.amount_due), Style::kTotal, inner - 12, Align::kLeft), x + kPad + 6, y + 1,
              kWhite);
    y = p.put(ts_.labelled(kDueDateCaption, due_date_text(s_), Style::kText, inner - 12, Align::kLeft), x + kPad + 6,
              y + 1, kWhite);
    y += 5;
    p.fill(x + kPad, band_top, inner, y - band_top, kAccent);
    if (s_.amount_due == 0) {
      const std::string_view text = s_.closing_balance < 0 ? kCreditNote : kNothingDue;
      y = p.put(ts_.layout(text, Style::kSmall, inner, Align::kLeft, 0), x + kPad, y + 4, kMuted);
    }
    return y + kPad;
  }

  void members() {
    const Contract &c = s_.contract;
    if (c.contract_id.empty() || c.members.empty()) {
      return;
    }
    heading(kMembersHeading);
    Table t(ts_, flow_,
            {{kMemberColumns[0], 0},
             {kMemberColumns[1], 70},
             {kMemberColumns[2], 70},
             {kMemberColumns[3], 120},
             {kMemberColumns[4], 80, Align::kRight}});
    for (const Member &m : c.members) {
      t.row({{m.name}, {m.member_id}, {m.age_band}, {m.plan}, {format_pesos_co(m.monthly_fee)}});
    }
  }

  void movements() {
    heading(kMovementsHeading);
    Table t(ts_, flow_,
            {{kMovementColumns[0], 46},
             {kMovementColumns[1], 60, Align::kLeft},
             {kMovementColumns[2], 54},
             {kMovementColumns[3], 54, Align::kLeft},
             {kMovementColumns[4], 0, Align::kLeft},
             {kMovementColumns[5], 66, Align::kRight},
             {kMovementColumns[6], 66, Align::kRight},
             {kMovementColumns[7], 68, Align::kRight}});
    t.row({{format_co_date(s_.period_start)},
           {std::string(kOpeningRow), 4},
           {""},
           {""},
           {format_pesos_co(s_.opening_balance)}},
          RowKind::kOpening);
    for (const Movement &m : s_.movements) {
      t.row({{format_co_date(m.date)},
             {std::string(movement_kind_label(m.kind))},
             {m.document},
             {m.reference},
             {movement_description(s_, m)},
             {m.debit != 0 ? format_pesos_co(m.debit) : ""},
             {m.credit != 0 ? format_pesos_co(m.credit) : ""},
             {format_pesos_co(m.balance)}});
    }
    t.row({{std::string(kTotalsRow), 5},
           {format_pesos_co(s_.total_debits)},
           {format_pesos_co(s_.total_credits)},
           {format_pesos_co(s_.closing_balance)}},
          RowKind::kTotal);
    if (s_.movements.empty()) {
      note(kNoMovements);
    }
  }

  void open_items() {
    heading(kOpenItemsHeading);
    if (s_.open_items.empty()) {
      note(kNoOpenItems, 0);
      return;
    }
    Table t(ts_, flow_,
            {{kOpenItemColumns[0], 70},
             {kOpenItemColumns[1], 64},
             {kOpenItemColumns[2], 56},
             {kOpenItemColumns[3], 56},
             {kOpenItemColumns[4], 86, Align::kRight},
             {kOpenItemColumns[5], 86, Align::kRight},
             {kOpenItemColumns[6], 0, Align::kRight}});
    for (const OpenItem &o : s_.open_items) {
      t.row({{o.invoice_id},
             {o.contract_id},
             {format_co_date(o.issue_date)},
             {format_co_date(o.due_date)},
             {format_pesos_co(o.amount)},
             {format_pesos_co(o.open_amount)},
             {days_overdue_text(o.days_overdue), 1, o.days_overdue > 0}});
    }
  }

  void aging() {
    if (s_.aging.empty()) {
      return;
    }
    heading(kAgingHeading);
    std::vector<Column> columns;
    for (const AgingBucket &b : s_.aging) {
      columns.push_back({b.label, 0, Align::kRight});
    }
    Table t(ts_, flow_, std::move(columns));
    std::vector<Cell> cells;
    for (const AgingBucket &b : s_.aging) {
      cells.push_back({format_pesos_co(b.amount)});
    }
    t.add_row(cells, RowKind::kBody);
  }

  void causes() {
    heading(kCausesHeading);
    if (s_.causes.empty() && s_.difference == 0) {
      note(kNoChange, 0);
      return;
    }
    Table t(ts_, flow_,
            {{kCauseColumns[0], 150}, {kCauseColumns[1], 0, Align::kLeft}, {kCauseColumns[2], 90, Align::kRight}});
    t.row({{std::string(kPreviousAmountRow), 2}, {format_pesos_co(s_.previous_amount_due)}}, RowKind::kOpening);
    for (const Cause &c : s_.causes) {
      t.row({{std::string(cause_kind_label(c.kind))}, {c.description}, {signed_pesos(c.amount)}});
    }
    t.row({{std::string(kNewAmountRow), 2}, {format_pesos_co(s_.amount_due)}}, RowKind::kTotal);
    note(std::string(kDifferenceCaption) + ": " + signed_pesos(s_.difference));
  }

  void closing() {
    Piece p;
    double y = p.put(ts_.layout(contact_sentence(s_.issuer), Style::kText, kContentWidth, Align::kLeft, 0), kMargin, 0);
    y = p.put(ts_.layout(std::string(kReferenceCaption) + ": " + s_.statement_id, Style::kSmall, kContentWidth),
              kMargin, y + 3, kMuted);
    p.height = y;
    flow_.add(std::move(p), 18);
  }

  const Statement &s_;
  const Typesetter &ts_;
  Flow &flow_;
};

// The frame of every page: on continuation pages whose statement it is, and at the foot the
// company and "Página N de M".
Piece frame(const Typesetter &ts, const Statement &s, std::size_t page, std::size_t pages) {
  Piece p;
  if (page > 1) {
    std::string who(kStatementTitle);
    who += " · " + s.holder.name;
    p.put(ts.layout(who, Style::kSmallBold, kContentWidth * 0.6), kMargin, kMargin - 4, kAccent);
    p.put(ts.layout(period_range(s.period_start, s.period_end), Style::kSmall, kContentWidth * 0.4, Align::kRight),
          kMargin + kContentWidth * 0.6, kMargin - 4, kMuted);
    p.rule(kMargin + kRunningHeadHeight - 10, 0.75, kAccent);
  }
  p.rule(kFooterRule, 0.5, kBoxLine);
  p.put(ts.layout(issuer_line(s.issuer), Style::kSmall, kContentWidth - 90), kMargin, kFooterRule + 4, kMuted);
  const std::string number = std::string(kPageCaption) + " " + std::to_string(page) + " de " + std::to_string(pages);
  p.put(ts.layout(number, Style::kSmall, 90, Align::kRight), kMargin + kContentWidth - 90, kFooterRule + 4, kMuted);
  return p;
}

} // namespace

std::string render_pdf(const Statement &s) {
  // Colombia keeps UTC-5 all year; the document dates from the day the run issued it.
  const pdf::Metadata metadata{document_title(s), s.issuer.name, s.statement_id,
                               sdk::format_iso_date(s.issued_on) + "T00:00:00-05:00"};
  return pdf::write_pdf(
      metadata, [&s](const Typesetter &ts, Flow &flow) { Composer(s, ts, flow).compose(); },
      [&s](const Typesetter &ts, std::size_t page, std::size_t pages) { return frame(ts, s, page, pages); });
}

} // namespace cartera::statements
