#include "pdf_page.hpp"

#include "labels.hpp"

#include <cairo-pdf.h>

#include <algorithm>
#include <stdexcept>

namespace cartera::statements::pdf {

namespace {

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

double content_top(std::size_t page_number) {
  return kMargin + (page_number > 1 ? kRunningHeadHeight : 0);
}

struct SurfaceUnref {
  void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};
struct CairoUnref {
  void operator()(cairo_t *c) const { cairo_destroy(c); }
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

cairo_status_t append_bytes(void *closure, const unsigned char *data, unsigned int length) {
  static_cast<std::string *>(closure)->append(reinterpret_cast<const char *>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("statement PDF: ") + cairo_status_to_string(status));
  }
}

void set_metadata(cairo_surface_t *surface, const Metadata &m) {
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, printable(m.title).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, printable(m.author).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, printable(m.subject).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "cartera");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, m.date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, m.date.c_str());
}

} // namespace

Typesetter::Typesetter(cairo_t *cr) : context_(pango_font_map_create_context(thread_font_map())) {
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

GPtr<PangoLayout> Typesetter::layout(std::string_view text, Style style, double width, Align align,
                                     int max_lines) const {
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

GPtr<PangoLayout> Typesetter::cell(std::string_view text, Style style, double width, Align align) const {
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

GPtr<PangoLayout> Typesetter::labelled(std::string_view caption, std::string_view value, Style style, double width,
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

double Piece::put(GPtr<PangoLayout> layout, double x, double y, Rgb colour) {
  const double h = height_of(layout.get());
  texts.push_back({std::move(layout), x, y, colour});
  return y + h;
}

std::vector<Page> Flow::paginate() const {
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

double Flow::chain_height(std::size_t i) const {
  double h = entries_[i].piece->height;
  while (entries_[i].keep_with_next && i + 1 < entries_.size()) {
    ++i;
    h += entries_[i].space_before + entries_[i].piece->height;
  }
  return h;
}

Table::Table(const Typesetter &ts, Flow &flow, std::vector<Column> columns)
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

Piece Table::header_row() const {
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

Piece Table::body_row(std::span<const Cell> cells, RowKind kind) {
  Piece p;
  const Style style = kind == RowKind::kTotal ? Style::kCellBold : Style::kCell;
  double x = kMargin;
  std::size_t col = 0;
  double tallest = 0;
  for (const Cell &cell : cells) {
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

void Table::decorate(Piece &p, RowKind kind) {
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

std::string write_pdf(const Metadata &metadata, const Compose &compose, const Frame &frame) {
  std::string bytes;
  const std::unique_ptr<cairo_surface_t, SurfaceUnref> surface(
      cairo_pdf_surface_create_for_stream(append_bytes, &bytes, kPageWidth, kPageHeight));
  check(cairo_surface_status(surface.get()));
  set_metadata(surface.get(), metadata);
  {
    const std::unique_ptr<cairo_t, CairoUnref> cr(cairo_create(surface.get()));
    const Typesetter ts(cr.get());
    Flow flow;
    compose(ts, flow);
    const std::vector<Page> pages = flow.paginate();
    for (std::size_t n = 0; n < pages.size(); ++n) {
      for (const Placed &placed : pages[n]) {
        draw(cr.get(), *placed.piece, placed.y);
      }
      draw(cr.get(), frame(ts, n + 1, pages.size()), 0);
      cairo_show_page(cr.get());
    }
    check(cairo_status(cr.get()));
  }
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()));
  return bytes;
}

} // namespace cartera::statements::pdf
