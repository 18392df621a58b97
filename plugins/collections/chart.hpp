// The aging as an SVG bar chart, for people (labels and amounts in es-CO).
#pragma once

#include "aging.hpp"

#include <string>

namespace cartera::collections {

// One bar per bucket of the portfolio's totals, with the amount and its share written on it.
std::string aging_svg(const Aging &aging, const std::string &title, const std::string &subtitle);

} // namespace cartera::collections
