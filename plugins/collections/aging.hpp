// Aging: open balances into age buckets, per group. Pure functions, tested on their own
// (tests/unit/collections_aging_test.cpp); collections.cpp feeds them rows.
#pragma once

#include <cartera/sdk/money.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cartera::collections {

// Days n = as_of - reference date (the due date, or the issue date). A balance is "current"
// when n < buckets.front().from; otherwise it lands in the bucket whose [from, to] holds n;
// the last bucket is open-ended.
struct Bucket {
  std::string column; // days_31_60
  std::string label;  // "31-60 días", for people
  std::int64_t from = 0;
  std::int64_t to = 0; // inclusive; INT64_MAX for the last
};

struct BucketSet {
  std::vector<Bucket> buckets;
  // Column index for n: 0 is current, 1.. the buckets.
  [[nodiscard]] std::size_t index(std::int64_t n) const noexcept;
};

// "30,60,90,180,360" → current (n ≤ 0), 1-30, 31-60, 61-90, 91-180, 181-360, over 360.
// "gnucash" → current (n < 0), 0-30 (n 0–29), 31-60 (30–59), 61-90 (60–89), 91+ (≥ 90): the
// edges of GnuCash's Receivable Aging report, labels and all.
// Throws std::invalid_argument naming the bad edge.
BucketSet parse_buckets(std::string_view spec);

struct AgingRow {
  std::string group;
  std::vector<std::int64_t> amounts; // prepayments (≤ 0), current, then one per bucket
  std::int64_t total = 0;            // what the group owes, net of its prepayments
};

// Where each amount sits in AgingRow::amounts.
inline constexpr std::size_t kPrepaymentColumn = 0;
inline constexpr std::size_t kCurrentColumn = 1;

class Aging {
public:
  explicit Aging(BucketSet buckets) : buckets_(std::move(buckets)) {}
  void add(std::string_view group, std::int64_t days, std::int64_t balance);
  // A payment, or its part, that no invoice took (GnuCash's "Pre-Payment"): amount > 0 is
  // what the customer has in its favour; it lands, negative, in the prepayments column.
  void add_prepayment(std::string_view group, std::int64_t amount);
  [[nodiscard]] std::vector<AgingRow> rows() const; // by group
  // The same, without building rows: f(group, amounts (prepayments, current, buckets...),
  // total), by group.
  template <class F> void visit_sorted(F &&f) const {
    const std::size_t width = this->width();
    for (std::uint32_t g : sorted_groups()) {
      const std::int64_t *a = amounts_.data() + static_cast<std::size_t>(g) * width;
      std::int64_t total = 0;
      for (std::size_t i = 0; i < width; ++i) {
        sdk::accumulate_centavos(total, a[i]);
      }
      f(std::string_view(names_[g]), a, total);
    }
  }
  [[nodiscard]] AgingRow totals() const; // group "(total)"
  // Sum of every balance added less every prepayment, kept apart from the buckets so the
  // report can prove they agree.
  [[nodiscard]] std::int64_t sum_of_balances() const noexcept { return sum_; }
  [[nodiscard]] std::uint64_t items() const noexcept { return items_; }
  [[nodiscard]] const BucketSet &buckets() const noexcept { return buckets_; }

  [[nodiscard]] std::size_t width() const noexcept { return buckets_.buckets.size() + 2; }

private:
  BucketSet buckets_;
  [[nodiscard]] std::vector<std::uint32_t> sorted_groups() const;
  std::int64_t *row_of(std::string_view group);

  // Groups are numbered as they appear: names_ holds their names (a deque, so the views the
  // index keys on stay valid), amounts_ their sums, width by width. One allocation per new
  // group name, none per row.
  std::deque<std::string> names_;
  std::unordered_map<std::string_view, std::uint32_t> index_;
  std::vector<std::int64_t> amounts_;
  // Rows of one group tend to arrive together (an ERP stores a customer's invoices together):
  // the last group is tried first.
  std::uint32_t last_ = UINT32_MAX;
  std::int64_t sum_ = 0;
  std::uint64_t items_ = 0;
};

} // namespace cartera::collections
