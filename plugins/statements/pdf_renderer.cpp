#include "pdf_renderer.hpp"

#include "labels.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <deque>
#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace cartera::statements {

namespace {

using sdk::format_co_date;
using sdk::format_pesos_co;

// A4 portrait in PostScript points.
constexpr double kPageWidth = 595.28;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 40;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kRunningHeadHeight = 22; // continuation pages: whose statement this is
constexpr double kBodyBottom = kPageHeight - 54;
constexpr double kFooterRule = kPageHeight - 46;
constexpr double kSectionGap = 14;
constexpr double kCellPadX = 3;
constexpr double kCellPadY = 2.5;

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.10, 0.10, 0.10};
constexpr Rgb kMuted{0.33, 0.33, 0.33};
constexpr Rgb kAccent{0.122, 0.227, 0.373};
constexpr Rgb kWhite{1, 1, 1};
constexpr Rgb kZebra{0.957, 0.965, 0.976};
constexpr Rgb kHairline{0.867, 0.886, 0.910};
constexpr Rgb kBoxLine{0.773, 0.800, 0.839};
constexpr Rgb kSummaryFill{0.933, 0.953, 0.976};
constexpr Rgb kTotalFill{0.890, 0.914, 0.945};
constexpr Rgb kAlert{0.64, 0.08, 0.08};

// Body text in DejaVu Sans; tables in its condensed face, so eight columns of pesos fit the
// width of a portrait page at a readable size. DejaVu's digits all have the same advance, so
// figures line up in their columns without a tabular-figures feature.
enum class Style : std::size_t {
  kText,
  kTextBold,
  kSmall,
  kSmallBold,
  kCell,
  kCellBold,
  kHeading,
  kHolder,
  kTitle,
  kTotal
};
// Pango font descriptions, in Style's order.
constexpr std::array<const char *, 10> kFonts = {
    "DejaVu Sans 8.5",     "DejaVu Sans Bold 8.5",      "DejaVu Sans 7",
    "DejaVu Sans Bold 7",  "DejaVu Sans Condensed 7.5", "DejaVu Sans Condensed Bold 7.5",
    "DejaVu Sans Bold 10", "DejaVu Sans Bold 10.5",     "DejaVu Sans Bold 14",
    "DejaVu Sans Bold 15"};

enum class Align { kLeft, kRight };

struct GObjectUnref {
  void operator()(void *p) const { g_object_unref(p); }
};
template <typename T> using GPtr = std::unique_ptr<T, GObjectUnref>;

struct FontUnref {
  void operator()(PangoFontDescription *d) const { pango_font_description_free(d); }
};
using FontPtr = std::unique_ptr<PangoFontDescription, FontUnref>;

struct SurfaceUnref {
  void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};
struct CairoUnref {
  void operator()(cairo_t *c) const { cairo_destroy(c); }
};

// Pango's objects are not thread-safe, so each thread shapes with a font map of its own; it
// lives as long as the thread, so its font and glyph caches serve every document the thread
// renders (a map per document would reload the fonts each time).
PangoFontMap *thread_font_map() {
  thread_local const GPtr<PangoFontMap> kFontMap = [] {
    PangoFontMap *m = pango_cairo_font_map_new();
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(m), 72.0); // one unit = one point
    return GPtr<PangoFontMap>(m);
  }();
  return kFontMap.get();
}

double height_of(PangoLayout *layout) {
  int w = 0;
  int h = 0;
  pango_layout_get_size(layout, &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

// Lays text out in the document's fonts. Every text of a page is laid out once, here, and
// kept until drawn: measuring and drawing share the shaping work.
class Typesetter {
public:
  explicit Typesetter(cairo_t *cr) : context_(pango_font_map_create_context(thread_font_map())) {
    pango_cairo_context_set_resolution(context_.get(), 72.0);
    // Unrounded glyph positions and unhinted metrics: vector output, spaced as designed.
    pango_context_set_round_glyph_positions(context_.get(), FALSE);
    cairo_font_options_t *options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_.get(), options);
    cairo_font_options_destroy(options);
    pango_cairo_update_context(cr, context_.get());
    for (std::size_t i = 0; i < kFonts.size(); ++i) {
      fonts_[i].reset(pango_font_description_from_string(kFonts[i]));
    }
  }

  // `width` wide (0: as wide as the text), at most `max_lines` lines with the last one
  // ellipsized; max_lines 0 wraps without limit.
  [[nodiscard]] GPtr<PangoLayout> layout(std::string_view text, Style style, double width = 0,
                                         Align align = Align::kLeft, int max_lines = 1) const {
    PangoLayout *l = pango_layout_new(context_.get());
    pango_layout_set_font_description(l, fonts_[static_cast<std::size_t>(style)].get());
    const std::string clean = printable(text);
    pango_layout_set_text(l, clean.data(), static_cast<int>(clean.size()));
    if (width > 0) {
      pango_layout_set_width(l, pango_units_from_double(width));
      pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment(l, align == Align::kRight ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      if (max_lines > 0) {
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
        pango_layout_set_height(l, -max_lines);
      }
    }
    return GPtr<PangoLayout>(l);
  }

  // A table cell's text, never cut: on one line when it fits `width`, else in a smaller size
  // of its font (down to 70 %: a long amount stays one figure), else wrapped onto as many
  // lines as it needs. Nothing is ever ellipsized.
  [[nodiscard]] GPtr<PangoLayout> cell(std::string_view text, Style style, double width, Align align) const {
    GPtr<PangoLayout> l = layout(text, style, 0, align, 0);
    const auto natural = [&] {
      PangoRectangle logical{};
      pango_layout_get_extents(l.get(), nullptr, &logical);
      return pango_units_to_double(logical.width);
    };
    if (natural() > width) {
      const PangoFontDescription *base = fonts_[static_cast<std::size_t>(style)].get();
      const double size = pango_units_to_double(pango_font_description_get_size(base));
      FontPtr smaller(pango_font_description_copy(base));
      for (double scale = 0.95; scale >= 0.7 && natural() > width; scale -= 0.05) {
        pango_font_description_set_size(smaller.get(), pango_units_from_double(size * scale));
        pango_layout_set_font_description(l.get(), smaller.get());
      }
      if (natural() > width) {
        pango_layout_set_font_description(l.get(), base);
      }
    }
    pango_layout_set_width(l.get(), pango_units_from_double(width));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l.get(), align == Align::kRight ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    return l;
  }

  // "Caption: value" with the value in bold.
  [[nodiscard]] GPtr<PangoLayout> labelled(std::string_view caption, std::string_view value, Style style, double width,
                                           Align align) const {
    std::string text(caption);
    text += ": ";
    const auto bold_from = static_cast<guint>(text.size());
    text += value;
    GPtr<PangoLayout> l = layout(text, style, width, align);
    PangoAttrList *attrs = pango_attr_list_new();
    PangoAttribute *bold = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
    bold->start_index = bold_from;
    pango_attr_list_insert(attrs, bold);
    pango_layout_set_attributes(l.get(), attrs);
    pango_attr_list_unref(attrs);
    return l;
  }

private:
  GPtr<PangoContext> context_;
  std::array<FontPtr, kFonts.size()> fonts_;
};

// What a piece of the page draws, relative to the piece's top: filled or stroked rectangles
// first, then texts.
struct Shape {
  double x, y, w, h;
  Rgb colour;
  double line = 0; // 0: filled; else the outline's width
};

struct Text {
  GPtr<PangoLayout> layout;
  double x = 0;
  double y = 0;
  Rgb colour = kInk;
};

// A slice of the document that is never split across pages: a table row, a heading, a box.
struct Piece {
  double height = 0;
  std::vector<Shape> shapes;
  std::vector<Text> texts;

  // Adds a text at (x, y); returns y below it.
  double put(GPtr<PangoLayout> layout, double x, double y, Rgb colour = kInk) {
    const double h = height_of(layout.get());
    texts.push_back({std::move(layout), x, y, colour});
    return y + h;
  }
  void fill(double x, double y, double w, double h, Rgb colour) { shapes.push_back({x, y, w, h, colour}); }
  void rule(double y, double width, Rgb colour) { fill(kMargin, y, kContentWidth, width, colour); }
};

struct Placed {
  const Piece *piece;
  double y;
};
using Page = std::vector<Placed>;

double content_top(std::size_t page_number) {
  return kMargin + (page_number > 1 ? kRunningHeadHeight : 0);
}

// The document as a column of pieces, then cut into pages.
class Flow {
public:
  // Keeps a piece; the reference stays valid as long as the flow.
  const Piece &keep(Piece p) { return store_.emplace_back(std::move(p)); }

  // Appends a piece. keep_with_next: never the last piece on a page (headings, header rows).
  // repeat: the header row drawn first when this piece opens a page (a table's rows).
  void add(Piece p, double space_before = 0, bool keep_with_next = false, const Piece *repeat = nullptr) {
    entries_.push_back({&keep(std::move(p)), space_before, keep_with_next, repeat});
  }
  void add_kept(const Piece &p, double space_before, bool keep_with_next) {
    entries_.push_back({&p, space_before, keep_with_next, nullptr});
  }

  [[nodiscard]] std::vector<Page> paginate() const {
    std::vector<Page> pages(1);
    double y = content_top(1);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const Entry &e = entries_[i];
      double before = pages.back().empty() ? 0 : e.space_before;
      if (!pages.back().empty() && y + before + chain_height(i) > kBodyBottom) {
        pages.emplace_back();
        y = content_top(pages.size());
        before = 0;
        if (e.repeat != nullptr) {
          pages.back().push_back({e.repeat, y});
          y += e.repeat->height;
        }
      }
      y += before;
      pages.back().push_back({e.piece, y});
      y += e.piece->height;
    }
    return pages;
  }

private:
  struct Entry {
    const Piece *piece;
    double space_before;
    bool keep_with_next;
    const Piece *repeat;
  };

  // The height a piece needs on this page: its own and that of the pieces it keeps with.
  [[nodiscard]] double chain_height(std::size_t i) const {
    double h = entries_[i].piece->height;
    while (entries_[i].keep_with_next && i + 1 < entries_.size()) {
      ++i;
      h += entries_[i].space_before + entries_[i].piece->height;
    }
    return h;
  }

  std::deque<Piece> store_;
  std::vector<Entry> entries_;
};

// A table column; width 0 takes what the others leave.
struct Column {
  std::string_view title;
  double width = 0;
  Align align = Align::kLeft;
};

struct PdfCell {
  std::string text;
  int span = 1;
  bool alert = false;
};

enum class RowKind { kBody, kOpening, kTotal };

// Every table of the statement: a header row in the accent colour, repeated on each page the
// table continues on; body rows striped; an opening row muted; total rows bold over a rule.
class Table {
public:
  Table(const Typesetter &ts, Flow &flow, std::vector<Column> columns)
      : ts_(ts), flow_(flow), columns_(std::move(columns)) {
    double fixed = 0;
    std::size_t flexible = 0;
    for (const Column &c : columns_) {
      fixed += c.width;
      flexible += c.width == 0 ? 1 : 0;
    }
    for (Column &c : columns_) {
      if (c.width == 0) {
        c.width = (kContentWidth - fixed) / static_cast<double>(flexible);
      }
    }
    header_ = &flow_.keep(header_row());
    flow_.add_kept(*header_, 0, true);
  }

  void row(std::initializer_list<PdfCell> cells, RowKind kind = RowKind::kBody) {
    add_row(std::span<const PdfCell>(cells.begin(), cells.size()), kind);
  }
  void add_row(std::span<const PdfCell> cells, RowKind kind) { flow_.add(body_row(cells, kind), 0, false, header_); }

private:
  [[nodiscard]] Piece header_row() const {
    Piece p;
    double x = kMargin;
    double tallest = 0;
    for (const Column &c : columns_) {
      GPtr<PangoLayout> l = ts_.layout(c.title, Style::kCellBold, c.width - 2 * kCellPadX, c.align, 2);
      tallest = std::max(tallest, p.put(std::move(l), x + kCellPadX, kCellPadY, kWhite));
      x += c.width;
    }
    p.height = tallest + kCellPadY;
    p.shapes.insert(p.shapes.begin(), {kMargin, 0, kContentWidth, p.height, kAccent});
    return p;
  }

  [[nodiscard]] Piece body_row(std::span<const PdfCell> cells, RowKind kind) {
    Piece p;
    const Style style = kind == RowKind::kTotal ? Style::kCellBold : Style::kCell;
    double x = kMargin;
    std::size_t col = 0;
    double tallest = 0;
    for (const PdfCell &cell : cells) {
      double width = 0;
      for (int k = 0; k < cell.span && col < columns_.size(); ++k, ++col) {
        width += columns_[col].width;
      }
      if (cell.text.empty()) {
        x += width;
        continue;
      }
      const Column &first = columns_[col - static_cast<std::size_t>(cell.span)];
      // Amounts and references are never cut (cell()); descriptions wrap onto as many lines as
      // they need.
      GPtr<PangoLayout> l = ts_.cell(cell.text, style, width - 2 * kCellPadX, first.align);
      const Rgb colour = cell.alert ? kAlert : kind == RowKind::kOpening ? kMuted : kInk;
      tallest = std::max(tallest, p.put(std::move(l), x + kCellPadX, kCellPadY, colour));
      x += width;
    }
    p.height = tallest + kCellPadY;
    decorate(p, kind);
    return p;
  }

  void decorate(Piece &p, RowKind kind) {
    if (kind == RowKind::kTotal) {
      p.fill(kMargin, 0, kContentWidth, p.height, kTotalFill);
      p.rule(0, 1, kAccent);
      return;
    }
    if (kind == RowKind::kBody && body_rows_++ % 2 == 1) {
      p.fill(kMargin, 0, kContentWidth, p.height, kZebra);
    }
    p.rule(p.height - 0.5, 0.5, kHairline);
  }

  const Typesetter &ts_;
  Flow &flow_;
  std::vector<Column> columns_;
  const Piece *header_ = nullptr;
  int body_rows_ = 0;
};

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
    std::vector<PdfCell> cells;
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

void draw(cairo_t *cr, const Piece &p, double top) {
  for (const Shape &s : p.shapes) {
    cairo_set_source_rgb(cr, s.colour.r, s.colour.g, s.colour.b);
    cairo_rectangle(cr, s.x, top + s.y, s.w, s.h);
    if (s.line > 0) {
      cairo_set_line_width(cr, s.line);
      cairo_stroke(cr);
    } else {
      cairo_fill(cr);
    }
  }
  for (const Text &t : p.texts) {
    cairo_set_source_rgb(cr, t.colour.r, t.colour.g, t.colour.b);
    cairo_move_to(cr, t.x, top + t.y);
    pango_cairo_show_layout(cr, t.layout.get());
  }
}

// The frame of every page: on continuation pages whose statement it is, and at the foot the
// company and "Página N de M".
void draw_frame(cairo_t *cr, const Typesetter &ts, const Statement &s, std::size_t page, std::size_t pages) {
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
  draw(cr, p, 0);
}

cairo_status_t append_bytes(void *closure, const unsigned char *data, unsigned int length) {
  static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void set_metadata(cairo_surface_t *surface, const Statement &s) {
  // Colombia keeps UTC-5 all year; the document dates from the day the run issued it.
  const std::string date = sdk::format_iso_date(s.issued_on) + "T00:00:00-05:00";
  // Cairo fails the whole surface on metadata that is not UTF-8.
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, printable(document_title(s)).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, printable(s.issuer.name).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, printable(s.statement_id).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "cartera");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
}

void check(cairo_status_t status) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("statement PDF: ") + cairo_status_to_string(status));
  }
}

} // namespace

std::string render_pdf(const Statement &s) {
  std::string bytes;
  const std::unique_ptr<cairo_surface_t, SurfaceUnref> surface(
      cairo_pdf_surface_create_for_stream(append_bytes, &bytes, kPageWidth, kPageHeight));
  check(cairo_surface_status(surface.get()));
  set_metadata(surface.get(), s);
  {
    const std::unique_ptr<cairo_t, CairoUnref> cr(cairo_create(surface.get()));
    const Typesetter ts(cr.get());
    Flow flow;
    Composer(s, ts, flow).compose();
    const std::vector<Page> pages = flow.paginate();
    for (std::size_t n = 0; n < pages.size(); ++n) {
      for (const Placed &placed : pages[n]) {
        draw(cr.get(), *placed.piece, placed.y);
      }
      draw_frame(cr.get(), ts, s, n + 1, pages.size());
      cairo_show_page(cr.get());
    }
    check(cairo_status(cr.get()));
  }
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()));
  return bytes;
}

} // namespace cartera::statements
