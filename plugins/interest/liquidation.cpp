#include "liquidation.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <algorithm>
#include <unordered_map>

namespace cartera::interest {

namespace {

std::int64_t last_day_of_month(std::int64_t day) {
  const sdk::CivilDate c = sdk::civil_from_days(day);
  return sdk::days_from_civil({c.year, c.month, sdk::days_in_month(c.year, c.month)});
}

// A handful of distinct rates recur over a million invoices: compute each root once.
std::int64_t cached_daily_rate(std::int32_t rate, std::int32_t year_base) {
  thread_local std::unordered_map<std::int64_t, std::int64_t> cache;
  const std::int64_t key = static_cast<std::int64_t>(rate) * 1000 + year_base;
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache.emplace(key, daily_rate_e10(rate, year_base)).first;
  }
  return it->second;
}

} // namespace

MissingRate::MissingRate(std::int64_t day)
    : std::runtime_error("no certified rate for " + month_of(day) + " (" + sdk::format_iso_date(day) +
                         " is a day of mora): add the SFC certification with `cartera interest rates import FILE`"),
      day_(day) {}

std::int32_t Liquidation::days() const noexcept {
  std::int32_t n = 0;
  for (const SubPeriod &p : periods) {
    n += static_cast<std::int32_t>(p.to - p.from + 1);
  }
  return n;
}

std::int64_t interest_for(std::int64_t capital, std::int64_t daily_rate_e10, std::int32_t days) {
  constexpr __int128 kScale = 10'000'000'000;
  const __int128 exact = static_cast<__int128>(capital) * daily_rate_e10 * days;
  return static_cast<std::int64_t>((exact + kScale / 2) / kScale);
}

std::int32_t days_360(std::int64_t from, std::int64_t to) {
  const sdk::CivilDate f = sdk::civil_from_days(from);
  const sdk::CivilDate t = sdk::civil_from_days(to);
  const std::uint32_t first = std::min<std::uint32_t>(f.day, 30);
  const std::uint32_t last = to == last_day_of_month(to) ? 30 : std::min<std::uint32_t>(t.day, 30);
  return last >= first ? static_cast<std::int32_t>(last - first + 1) : 0;
}

Liquidation liquidate(const Invoice &invoice, std::int64_t as_of, const RateTable &rates, const Rules &rules) {
  Liquidation out;
  out.mora_from = invoice.payable_by + 1 + rules.grace_days;
  std::vector<Payment> payments = invoice.payments;
  std::stable_sort(payments.begin(), payments.end(), [](const Payment &a, const Payment &b) { return a.day < b.day; });

  std::int64_t capital = invoice.amount;
  std::int64_t interest_unpaid = 0;
  auto impute = [&](const Payment &p) {
    Imputation i{p.day, p.amount, 0, 0, 0};
    // Before mora, or once capital is gone, there is only one thing a payment can go to.
    const bool interest_first = rules.interest_first || capital == 0;
    i.to_interest = interest_first ? std::min(p.amount, interest_unpaid) : 0;
    i.to_capital = std::min(p.amount - i.to_interest, capital);
    if (!interest_first && i.to_capital < p.amount) {
      i.to_interest = std::min(p.amount - i.to_capital, interest_unpaid);
    }
    i.unapplied = p.amount - i.to_interest - i.to_capital;
    interest_unpaid -= i.to_interest;
    sdk::accumulate_centavos(out.interest_paid, i.to_interest);
    capital -= i.to_capital;
    out.imputations.push_back(i);
  };

  std::size_t next = 0;
  while (next < payments.size() && payments[next].day < out.mora_from && payments[next].day <= as_of) {
    impute(payments[next++]);
  }
  std::int64_t day = out.mora_from;
  out.through = std::min(as_of, out.mora_from - 1);
  while (day <= as_of && capital > 0) {
    const RatePeriod *period = rates.find(day);
    if (period == nullptr) {
      throw MissingRate(day);
    }
    std::int64_t end = std::min({period->to, last_day_of_month(day), as_of});
    if (next < payments.size() && payments[next].day <= end) {
      end = payments[next].day;
    }
    SubPeriod s;
    s.from = day;
    s.to = end;
    s.usury_rate = period->usury_rate;
    s.rate = period->usury_rate;
    if (rules.agreed_rate) {
      s.capped = *rules.agreed_rate > period->usury_rate;
      s.rate = std::min(*rules.agreed_rate, period->usury_rate);
    }
    s.days = rules.year_base == 360 ? days_360(day, end) : static_cast<std::int32_t>(end - day + 1);
    s.daily_rate = cached_daily_rate(s.rate, rules.year_base);
    s.capital = capital;
    s.interest = interest_for(capital, s.daily_rate, s.days);
    sdk::accumulate_centavos(out.interest, s.interest);
    sdk::accumulate_centavos(interest_unpaid, s.interest);
    out.periods.push_back(s);
    while (next < payments.size() && payments[next].day == end) {
      impute(payments[next++]);
    }
    out.through = end;
    day = end + 1;
  }
  // Payments after capital reached zero still pay the interest owed.
  while (next < payments.size() && payments[next].day <= as_of) {
    impute(payments[next++]);
  }
  out.capital_left = capital;
  return out;
}

} // namespace cartera::interest
