#include "aging.hpp"

#include <cartera/sdk/money.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace cartera::collections {

std::size_t BucketSet::index(std::int64_t n) const noexcept {
  if (buckets.empty() || n < buckets.front().from) {
    return 0;
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (n <= buckets[i].to) {
      return i + 1;
    }
  }
  return buckets.size();
}

BucketSet parse_buckets(std::string_view spec) {
  constexpr std::int64_t kOpen = std::numeric_limits<std::int64_t>::max();
  BucketSet set;
  if (spec == "gnucash") {
    set.buckets = {{"days_0_30", "0-30 días", 0, 29},
                   {"days_31_60", "31-60 días", 30, 59},
                   {"days_61_90", "61-90 días", 60, 89},
                   {"days_91_plus", "91+ días", 90, kOpen}};
    return set;
  }
  std::vector<std::int64_t> edges;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    const std::size_t comma = spec.find(',', pos);
    const std::string_view item =
        spec.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::int64_t v = 0;
    bool ok = !item.empty() && item.size() <= 6;
    for (char c : item) {
      ok = ok && c >= '0' && c <= '9';
      v = v * 10 + (c - '0');
    }
    if (!ok || v < 1) {
      throw std::invalid_argument("bucket edge '" + std::string(item) + "' is not a whole number of days above 0");
    }
    if (!edges.empty() && v <= edges.back()) {
      throw std::invalid_argument("bucket edges must ascend: " + std::to_string(v) + " after " +
                                  std::to_string(edges.back()));
    }
    edges.push_back(v);
    if (comma == std::string_view::npos) {
      break;
    }
    pos = comma + 1;
  }
  if (edges.empty() || edges.size() > 12) {
    throw std::invalid_argument("give 1 to 12 bucket edges, e.g. 30,60,90");
  }
  std::int64_t from = 1;
  for (std::int64_t e : edges) {
    const std::string a = std::to_string(from);
    const std::string b = std::to_string(e);
    set.buckets.push_back({"days_" + a + "_" + b, a + "-" + b + " días", from, e});
    from = e + 1;
  }
  const std::string last = std::to_string(edges.back());
  set.buckets.push_back({"days_over_" + last, "Más de " + last + " días", from, kOpen});
  return set;
}

std::int64_t *Aging::row_of(std::string_view group) {
  if (last_ == UINT32_MAX || names_[last_] != group) {
    auto it = index_.find(group);
    if (it == index_.end()) {
      names_.emplace_back(group);
      it = index_.emplace(std::string_view(names_.back()), static_cast<std::uint32_t>(names_.size() - 1)).first;
      amounts_.resize(amounts_.size() + width(), 0);
    }
    last_ = it->second;
  }
  return amounts_.data() + static_cast<std::size_t>(last_) * width();
}

void Aging::add(std::string_view group, std::int64_t days, std::int64_t balance) {
  std::int64_t &cell = row_of(group)[kCurrentColumn + buckets_.index(days)];
  sdk::accumulate_centavos(cell, balance);
  sdk::accumulate_centavos(sum_, balance);
  ++items_;
}

void Aging::add_prepayment(std::string_view group, std::int64_t amount) {
  std::int64_t &cell = row_of(group)[kPrepaymentColumn];
  sdk::accumulate_centavos(cell, -amount);
  sdk::accumulate_centavos(sum_, -amount);
}

std::vector<std::uint32_t> Aging::sorted_groups() const {
  std::vector<std::uint32_t> order(names_.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) { return names_[a] < names_[b]; });
  return order;
}

std::vector<AgingRow> Aging::rows() const {
  std::vector<AgingRow> out;
  visit_sorted([&](std::string_view group, const std::int64_t *a, std::int64_t total) {
    out.push_back(AgingRow{std::string(group), std::vector<std::int64_t>(a, a + width()), total});
  });
  return out;
}

AgingRow Aging::totals() const {
  AgingRow t{"(total)", std::vector<std::int64_t>(width(), 0), 0};
  for (std::size_t i = 0; i < amounts_.size(); ++i) {
    sdk::accumulate_centavos(t.amounts[i % width()], amounts_[i]);
    sdk::accumulate_centavos(t.total, amounts_[i]);
  }
  return t;
}

} // namespace cartera::collections
