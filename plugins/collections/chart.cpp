#include "chart.hpp"

#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <cstdio>

namespace cartera::collections {

namespace {
// Whole pesos for the chart: "$ 1.234.568".
std::string whole_pesos(std::int64_t centavos) {
  const std::string full = sdk::format_pesos_co((centavos + (centavos >= 0 ? 50 : -50)) / 100 * 100);
  return full.substr(0, full.size() - 3);
}
} // namespace

std::string aging_svg(const Aging &aging, const std::string &title, const std::string &subtitle) {
  const AgingRow t = aging.totals();
  std::vector<std::string> labels = {"Corriente"};
  for (const auto &b : aging.buckets().buckets) {
    labels.push_back(b.label);
  }
  const int bar_w = 96;
  const int gap = 28;
  const int left = 40;
  const int top = 90;
  const int plot_h = 300;
  const int width = left * 2 + static_cast<int>(labels.size()) * (bar_w + gap);
  const int height = top + plot_h + 110;
  const std::int64_t max =
      std::max<std::int64_t>(1, *std::max_element(t.amounts.begin() + kCurrentColumn, t.amounts.end()));
  const std::int64_t owed = t.total - t.amounts[kPrepaymentColumn]; // the bars, before prepayments
  // Current in green, then warmer as balances age.
  static constexpr const char *kColours[] = {"#2e7d32", "#9ccc65", "#fdd835", "#ffb300", "#fb8c00",
                                             "#f4511e", "#d84315", "#bf360c", "#8d2a0b", "#6d1f08",
                                             "#4e1606", "#3e1205", "#2e0d04", "#1e0803"};
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "font-family=\"DejaVu Sans, Arial, sans-serif\">\n",
                width, height, width, height);
  svg += buf;
  svg += "  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  svg += "  <text x=\"" + std::to_string(left) + "\" y=\"36\" font-size=\"22\" font-weight=\"bold\">" +
         sdk::xml_escape(title) + "</text>\n";
  svg += "  <text x=\"" + std::to_string(left) + "\" y=\"62\" font-size=\"14\" fill=\"#444\">" +
         sdk::xml_escape(subtitle) + "</text>\n";
  svg += "  <line x1=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(top + plot_h) + "\" x2=\"" +
         std::to_string(width - left) + "\" y2=\"" + std::to_string(top + plot_h) + "\" stroke=\"#888\"/>\n";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::int64_t a = t.amounts[kCurrentColumn + i];
    const int h = a <= 0 ? 0 : static_cast<int>(static_cast<double>(a) / static_cast<double>(max) * plot_h);
    const int x = left + static_cast<int>(i) * (bar_w + gap) + gap / 2;
    const int y = top + plot_h - h;
    const double share = owed != 0 ? 100.0 * static_cast<double>(a) / static_cast<double>(owed) : 0.0;
    std::snprintf(buf, sizeof buf, "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", x, y, bar_w,
                  h, kColours[std::min<std::size_t>(i, 13)]);
    svg += buf;
    std::snprintf(buf, sizeof buf, "  <text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%.1f %%</text>\n",
                  x + bar_w / 2, y - 6, share);
    svg += buf;
    svg += "  <text x=\"" + std::to_string(x + bar_w / 2) + "\" y=\"" + std::to_string(top + plot_h + 22) +
           "\" font-size=\"13\" text-anchor=\"middle\">" + sdk::xml_escape(labels[i]) + "</text>\n";
    svg += "  <text x=\"" + std::to_string(x + bar_w / 2) + "\" y=\"" + std::to_string(top + plot_h + 42) +
           "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">" + sdk::xml_escape(whole_pesos(a)) + "</text>\n";
  }
  std::string footer = "Total cartera: " + sdk::format_pesos_co(owed);
  if (t.amounts[kPrepaymentColumn] != 0) {
    footer += " · anticipos sin aplicar: " + sdk::format_pesos_co(-t.amounts[kPrepaymentColumn]) +
              " · neto: " + sdk::format_pesos_co(t.total);
  }
  svg += "  <text x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(height - 24) +
         "\" font-size=\"15\" font-weight=\"bold\">" + sdk::xml_escape(footer) + "</text>\n";
  svg += "</svg>\n";
  return svg;
}

} // namespace cartera::collections
