// The PDF's page and typesetting layer: A4 portrait geometry, the palette and fonts, text laid
// out with pango, the document as a column of unsplittable pieces cut into pages, tables whose
// header row repeats on every page they continue on, and the cairo surface the pages are drawn
// on. It knows nothing of statements: pdf_renderer.cpp composes a statement's sections with it.
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::statements::pdf {

// A4 portrait in PostScript points.
inline constexpr double kPageWidth = 595.28;
inline constexpr double kPageHeight = 841.89;
inline constexpr double kMargin = 40;
inline constexpr double kContentWidth = kPageWidth - 2 * kMargin;
inline constexpr double kRunningHeadHeight = 22; // continuation pages: whose document this is
inline constexpr double kBodyBottom = kPageHeight - 54;
inline constexpr double kFooterRule = kPageHeight - 46;
inline constexpr double kSectionGap = 14;
inline constexpr double kCellPadX = 3;
inline constexpr double kCellPadY = 2.5;

struct Rgb {
  double r, g, b;
};
inline constexpr Rgb kInk{0.10, 0.10, 0.10};
inline constexpr Rgb kMuted{0.33, 0.33, 0.33};
inline constexpr Rgb kAccent{0.122, 0.227, 0.373};
inline constexpr Rgb kWhite{1, 1, 1};
inline constexpr Rgb kZebra{0.957, 0.965, 0.976};
inline constexpr Rgb kHairline{0.867, 0.886, 0.910};
inline constexpr Rgb kBoxLine{0.773, 0.800, 0.839};
inline constexpr Rgb kSummaryFill{0.933, 0.953, 0.976};
inline constexpr Rgb kTotalFill{0.890, 0.914, 0.945};
inline constexpr Rgb kAlert{0.64, 0.08, 0.08};

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
inline constexpr std::array<const char *, 10> kFonts = {
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

// Lays text out in the document's fonts. Every text of a page is laid out once, here, and
// kept until drawn: measuring and drawing share the shaping work. Text is made printable
// (labels.hpp) first.
class Typesetter {
public:
  explicit Typesetter(cairo_t *cr);

  // `width` wide (0: as wide as the text), at most `max_lines` lines with the last one
  // ellipsized; max_lines 0 wraps without limit.
  [[nodiscard]] GPtr<PangoLayout> layout(std::string_view text, Style style, double width = 0,
                                         Align align = Align::kLeft, int max_lines = 1) const;

  // A table cell's text, never cut: on one line when it fits `width`, else in a smaller size
  // of its font (down to 70 %: a long amount stays one figure), else wrapped onto as many
  // lines as it needs. Nothing is ever ellipsized.
  [[nodiscard]] GPtr<PangoLayout> cell(std::string_view text, Style style, double width, Align align) const;

  // "Caption: value" with the value in bold.
  [[nodiscard]] GPtr<PangoLayout> labelled(std::string_view caption, std::string_view value, Style style, double width,
                                           Align align) const;

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
  double put(GPtr<PangoLayout> layout, double x, double y, Rgb colour = kInk);
  void fill(double x, double y, double w, double h, Rgb colour) { shapes.push_back({x, y, w, h, colour}); }
  void rule(double y, double width, Rgb colour) { fill(kMargin, y, kContentWidth, width, colour); }
};

struct Placed {
  const Piece *piece;
  double y;
};
using Page = std::vector<Placed>;

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

  [[nodiscard]] std::vector<Page> paginate() const;

private:
  struct Entry {
    const Piece *piece;
    double space_before;
    bool keep_with_next;
    const Piece *repeat;
  };

  // The height a piece needs on this page: its own and that of the pieces it keeps with.
  [[nodiscard]] double chain_height(std::size_t i) const;

  std::deque<Piece> store_;
  std::vector<Entry> entries_;
};

// A table column; width 0 takes what the others leave.
struct Column {
  std::string_view title;
  double width = 0;
  Align align = Align::kLeft;
};

struct Cell {
  std::string text;
  int span = 1;
  bool alert = false;
};

enum class RowKind { kBody, kOpening, kTotal };

// A table of the document: a header row in the accent colour, repeated on each page the table
// continues on; body rows striped; an opening row muted; total rows bold over a rule.
class Table {
public:
  Table(const Typesetter &ts, Flow &flow, std::vector<Column> columns);

  void row(std::initializer_list<Cell> cells, RowKind kind = RowKind::kBody) {
    add_row(std::span<const Cell>(cells.begin(), cells.size()), kind);
  }
  void add_row(std::span<const Cell> cells, RowKind kind) { flow_.add(body_row(cells, kind), 0, false, header_); }

private:
  [[nodiscard]] Piece header_row() const;
  [[nodiscard]] Piece body_row(std::span<const Cell> cells, RowKind kind);
  void decorate(Piece &p, RowKind kind);

  const Typesetter &ts_;
  Flow &flow_;
  std::vector<Column> columns_;
  const Piece *header_ = nullptr;
  int body_rows_ = 0;
};

// The document's information dictionary. Cairo fails the whole surface on text that is not
// UTF-8, so each is made printable before it is set; the creator is always "cartera".
struct Metadata {
  std::string title;
  std::string author;
  std::string subject;
  std::string date; // ISO 8601 with offset, "2026-11-22T00:00:00-05:00": creation and modification
};

// Fills the flow with the document's pieces.
using Compose = std::function<void(const Typesetter &, Flow &)>;
// What frames page `page` of `pages`: running head and foot, drawn after the page's pieces,
// from the page's top.
using Frame = std::function<Piece(const Typesetter &, std::size_t page, std::size_t pages)>;

// The PDF's bytes: compose's flow cut into A4 pages, each framed. Throws std::runtime_error
// when cairo fails. Safe to call from several threads at once: each call draws on a surface
// of its own and each thread shapes text with a font map of its own.
std::string write_pdf(const Metadata &metadata, const Compose &compose, const Frame &frame);

} // namespace cartera::statements::pdf
