#include "matcher.hpp"

#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartera::payments {

namespace {

// by_invoice_ holds this for a normalised id that two open invoices share ("FE-1" and "FE1"): a
// text naming it cannot say which one was paid, so it names neither.
constexpr std::size_t kAmbiguousInvoice = ReferenceIndex::kAmbiguous;

constexpr std::int64_t kBasisPointsPerUnit = 10000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_alnum(char c) {
  return is_digit(c) || is_letter(c);
}

// Digits only, without leading zeros: banks pad ids to a fixed width ("000900123456") and write
// them with dots ("900.123.456"); the host may not.
std::string id_digits(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (is_digit(c) && !(out.empty() && c == '0')) {
      out += c;
    }
  }
  return out;
}

// "900123456-7" (or "9001234567" when the rest is a known NIT) → "900123456"; nullopt when the
// last digit is not DIAN's check digit of the rest.
std::optional<std::string> without_check_digit(const std::string &digits) {
  if (digits.size() < 2) {
    return std::nullopt;
  }
  const std::string body = digits.substr(0, digits.size() - 1);
  const std::optional<int> expected = sdk::nit_check_digit(body);
  if (!expected || *expected != digits.back() - '0') {
    return std::nullopt;
  }
  return body;
}

// A payer id whose last separator is a '-' before one digit is written as NIT-DV.
bool written_with_check_digit(std::string_view text) {
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  return text.size() >= 3 && is_digit(text.back()) && text[text.size() - 2] == '-' && is_digit(text[text.size() - 3]);
}

const Tolerance *accepting_tolerance(const Rule &rule, std::int64_t short_by, std::int64_t owed) {
  for (const Tolerance &t : rule.tolerances) {
    // parse_rules refuses a tolerance without caps; one built by hand must not accept everything.
    if (t.max_amount < 0 && t.max_basis_points < 0) {
      continue;
    }
    if (t.max_amount >= 0 && short_by > t.max_amount) {
      continue;
    }
    // short_by / owed <= bp / 10000, cross-multiplied so that no rounding is involved; 128 bits
    // because a balance of 10^15 centavos times 10^4 no longer fits in 64.
    if (t.max_basis_points >= 0 &&
        static_cast<__int128>(short_by) * kBasisPointsPerUnit > static_cast<__int128>(t.max_basis_points) * owed) {
      continue;
    }
    return &t;
  }
  return nullptr;
}

// What one rule would do with one movement, computed before anything is taken so that a rule
// that does not place the movement leaves every balance as it was.
struct Plan {
  std::string customer_id;
  std::vector<std::pair<std::size_t, std::int64_t>> payments; // invoice index, money; due order
  const Tolerance *tolerance = nullptr;                       // closes the last paid invoice
  std::int64_t short_by = 0;
  std::int64_t credit = 0;
};

// Pays `amount` to `invoices` (open, due order), oldest first. The invoice where the money runs
// out is closed by a tolerance when the rule accepts what is missing from the invoices the money
// reached; invoices it did not reach are no part of the difference (a customer paying two of
// three referenced invoices less GMF closes two, and does not leave a few pesos open on the
// second). Otherwise that invoice is paid in part. What is left after all of them is a credit,
// or, when the rule keeps no credit, the rule does not place the movement.
std::optional<Plan> settle(const std::vector<OpenInvoice> &open, const std::string &customer,
                           const std::vector<std::size_t> &invoices, std::int64_t amount, const Rule &rule) {
  Plan plan;
  plan.customer_id = customer;
  std::int64_t left = amount;
  for (const std::size_t i : invoices) {
    if (left == 0) {
      return plan;
    }
    const std::int64_t balance = open[i].balance;
    if (left >= balance) {
      plan.payments.emplace_back(i, balance);
      left -= balance;
      continue;
    }
    plan.payments.emplace_back(i, left);
    const std::int64_t short_by = balance - left;
    plan.tolerance = accepting_tolerance(rule, short_by, amount + short_by);
    plan.short_by = plan.tolerance != nullptr ? short_by : 0;
    return plan;
  }
  if (left > 0) {
    if (!rule.credit_overpayment) {
      return std::nullopt;
    }
    plan.credit = left;
  }
  return plan;
}

} // namespace

std::string normalise_reference(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Where the digit run being written starts in out. Separators are dropped without ending the
  // run, so "F-0-012" and "F0012" normalise alike, as the comparison needs.
  std::size_t run_start = std::string::npos;
  for (const char c : text) {
    if (is_digit(c)) {
      if (run_start == std::string::npos) {
        run_start = out.size();
      } else if (out.size() == run_start + 1 && out[run_start] == '0') {
        out.pop_back();
      }
      out += c;
    } else if (is_letter(c)) {
      run_start = std::string::npos;
      out += static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
    }
  }
  return out;
}

Matcher::Matcher(RuleSet rules, std::vector<CustomerId> customers, std::vector<OpenInvoice> open)
    : rules_(std::move(rules)), open_(std::move(open)), by_invoice_(open_.size()) {
  by_customer_.reserve(customers.size());
  std::vector<std::size_t> *invoices = nullptr;
  const std::string *customer = nullptr;
  for (std::size_t i = 0; i < open_.size(); ++i) {
    by_invoice_.insert(normalise_reference(open_[i].invoice_id), i);
    if (open_[i].balance > 0) {
      // Hosts give open items customer by customer: one lookup per customer, not per invoice.
      if (customer == nullptr || *customer != open_[i].customer_id) {
        customer = &open_[i].customer_id;
        invoices = &by_customer_[*customer];
      }
      invoices->push_back(i);
    }
  }
  const auto older = [this](std::size_t a, std::size_t b) {
    return open_[a].due_date != open_[b].due_date ? open_[a].due_date < open_[b].due_date
                                                  : open_[a].invoice_id < open_[b].invoice_id;
  };
  for (auto &[id, list] : by_customer_) {
    if (!std::is_sorted(list.begin(), list.end(), older)) {
      std::sort(list.begin(), list.end(), older);
    }
  }
  customer_by_id_number_.reserve(customers.size());
  for (CustomerId &c : customers) {
    std::string key = id_digits(c.id_number);
    // A host that keeps the NIT with its check digit ("900123456-7") is read as the NIT alone.
    if (written_with_check_digit(c.id_number)) {
      if (std::optional<std::string> body = without_check_digit(key)) {
        key = std::move(*body);
      }
    }
    if (key.empty() || c.customer_id.empty()) {
      continue;
    }
    // Two customers with one id (branches registered apart) leave the payer's id unable to say
    // which one paid: an empty customer id marks it, and the payer rules pass such movements on.
    const auto it = customer_by_id_number_.find(key);
    if (it == customer_by_id_number_.end()) {
      customer_by_id_number_.emplace(std::move(key), std::move(c.customer_id));
    } else if (it->second != c.customer_id) {
      it->second.clear();
    }
  }
}

// The movement loop and the three rules. Helpers reach the private indexes through this local
// class so that the header's private section stays as declared.
namespace {

struct Indexes {
  std::vector<OpenInvoice> &open;
  const ReferenceIndex &by_invoice;
  std::unordered_map<std::string, std::vector<std::size_t>> &by_customer;
  const std::unordered_map<std::string, std::string> &customer_by_id_number;

  // The customer's invoices still open, oldest due first. Closed ones are dropped here, lazily:
  // a customer paid by many movements is not rescanned from its first invoice each time.
  const std::vector<std::size_t> &open_invoices(const std::string &customer) {
    static const std::vector<std::size_t> kNone;
    const auto it = by_customer.find(customer);
    if (it == by_customer.end()) {
      return kNone;
    }
    std::erase_if(it->second, [this](std::size_t i) { return open[i].balance <= 0; });
    return it->second;
  }

  // The customer a payer id names: the id as written, or without a trailing NIT check digit;
  // "900123456-7" tries the second first, since the dash says what the last digit is.
  std::optional<std::string> payer(std::string_view payer_id) const {
    const std::string digits = id_digits(payer_id);
    const std::optional<std::string> body = without_check_digit(digits);
    const std::optional<std::string> as_written = digits.empty() ? std::nullopt : std::optional<std::string>{digits};
    const bool dash = written_with_check_digit(payer_id);
    for (const std::optional<std::string> *key : {dash ? &body : &as_written, dash ? &as_written : &body}) {
      if (!*key) {
        continue;
      }
      const auto it = customer_by_id_number.find(**key);
      if (it != customer_by_id_number.end()) {
        // An id shared by two customers is known and still names no one.
        return it->second.empty() ? std::nullopt : std::optional<std::string>{it->second};
      }
    }
    return std::nullopt;
  }

  // Adds the open invoices a text names, in text order. A pair of adjacent tokens is tried before
  // either alone, because "FE-000123" is invoice FE123 and not a bare 123 of another series;
  // a pair that names a known invoice, open or not, consumes both tokens.
  void references_in(std::string_view text, std::vector<std::size_t> &found) const {
    std::vector<std::string_view> tokens;
    for (std::size_t i = 0; i < text.size();) {
      if (!is_alnum(text[i])) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < text.size() && is_alnum(text[j])) {
        ++j;
      }
      tokens.push_back(text.substr(i, j - i));
      i = j;
    }
    std::string joined;
    for (std::size_t t = 0; t < tokens.size();) {
      if (t + 1 < tokens.size()) {
        joined.assign(tokens[t]);
        joined.append(tokens[t + 1]);
        if (take(normalise_reference(joined), found)) {
          t += 2;
          continue;
        }
      }
      take(normalise_reference(tokens[t]), found);
      ++t;
    }
  }

  // True when key names a known invoice (so its tokens are spoken for); adds it when it is open
  // and not yet found.
  bool take(const std::string &key, std::vector<std::size_t> &found) const {
    if (key.empty()) {
      return false;
    }
    const std::size_t i = by_invoice.find(key);
    if (i == ReferenceIndex::kAbsent) {
      return false;
    }
    // A linear search: a movement names a handful of invoices at most.
    if (i != kAmbiguousInvoice && open[i].balance > 0 && std::find(found.begin(), found.end(), i) == found.end()) {
      found.push_back(i);
    }
    return true;
  }

  std::optional<Plan> by_reference(const Movement &m, const Rule &rule) {
    // The structured reference is the field a payer fills with the creditor's own reference
    // (camt CdtrRefInf, the collection agreement's reference), so it speaks first; the bank's
    // references are the least likely to quote an invoice and come last.
    std::vector<std::size_t> found;
    take(normalise_reference(m.structured_reference), found);
    for (const std::string *text : {&m.structured_reference, &m.remittance, &m.end_to_end_id, &m.bank_reference}) {
      references_in(*text, found);
    }
    if (found.empty()) {
      return std::nullopt;
    }
    // One movement pays one customer. Invoice numbers of other customers in the same text are far
    // more often coincidences (amounts, dates, the payer's own document numbers) than a payment
    // on behalf of someone else, and applying money across customers is the lead's decision, not
    // a rule's. The first candidate names the customer, unless the payer's id names one of the
    // candidates' customers: then the text's number that points elsewhere is the coincidence.
    std::string customer = open[found.front()].customer_id;
    if (const std::optional<std::string> p = payer(m.payer_id)) {
      if (std::any_of(found.begin(), found.end(), [&](std::size_t i) { return open[i].customer_id == *p; })) {
        customer = *p;
      }
    }
    std::erase_if(found, [&](std::size_t i) { return open[i].customer_id != customer; });
    std::sort(found.begin(), found.end(), [this](std::size_t a, std::size_t b) {
      return open[a].due_date != open[b].due_date ? open[a].due_date < open[b].due_date
                                                  : open[a].invoice_id < open[b].invoice_id;
    });
    return settle(open, customer, found, m.amount, rule);
  }

  std::optional<Plan> by_payer_exact(const Movement &m, const Rule &rule) {
    const std::optional<std::string> customer = payer(m.payer_id);
    if (!customer) {
      return std::nullopt;
    }
    const std::vector<std::size_t> &invoices = open_invoices(*customer);
    const auto pay = [&](std::size_t count, const Tolerance *tolerance, std::int64_t short_by) {
      Plan plan;
      plan.customer_id = *customer;
      for (std::size_t k = 0; k < count; ++k) {
        plan.payments.emplace_back(invoices[k], open[invoices[k]].balance);
      }
      plan.payments.back().second -= short_by;
      plan.tolerance = tolerance;
      plan.short_by = short_by;
      return plan;
    };
    const auto pay_one = [&](std::size_t i, const Tolerance *tolerance, std::int64_t short_by) {
      Plan plan;
      plan.customer_id = *customer;
      plan.payments.emplace_back(i, open[i].balance - short_by);
      plan.tolerance = tolerance;
      plan.short_by = short_by;
      return plan;
    };
    // Exact amounts first, anywhere, before any tolerance: a payment equal to the second invoice
    // is that invoice, not the first one less a fee.
    for (const std::size_t i : invoices) {
      if (open[i].balance == m.amount) {
        return pay_one(i, nullptr, 0);
      }
    }
    std::int64_t prefix = 0;
    std::size_t reach = 0; // oldest invoices the amount reaches: prefix of reach >= amount
    for (std::size_t k = 0; k < invoices.size(); ++k) {
      cartera::sdk::accumulate_centavos(prefix, open[invoices[k]].balance);
      if (prefix == m.amount) {
        return pay(k + 1, nullptr, 0);
      }
      if (prefix > m.amount) {
        reach = k + 1;
        break;
      }
    }
    for (const std::size_t i : invoices) {
      if (open[i].balance > m.amount) {
        if (const Tolerance *t = accepting_tolerance(rule, open[i].balance - m.amount, open[i].balance)) {
          return pay_one(i, t, open[i].balance - m.amount);
        }
      }
    }
    // Fewer invoices leave a smaller shortfall on a smaller base, and more a larger one on a
    // larger base; with caps under 100 % only the invoices the amount just reaches can qualify.
    if (reach > 1) {
      const std::int64_t short_by = prefix - m.amount;
      if (const Tolerance *t = accepting_tolerance(rule, short_by, prefix)) {
        return pay(reach, t, short_by);
      }
    }
    return std::nullopt;
  }

  std::optional<Plan> by_payer_oldest(const Movement &m, const Rule &rule) {
    const std::optional<std::string> customer = payer(m.payer_id);
    if (!customer) {
      return std::nullopt;
    }
    return settle(open, *customer, open_invoices(*customer), m.amount, rule);
  }
};

} // namespace

MatchResult Matcher::match(const std::vector<Movement> &movements) {
  Indexes idx{open_, by_invoice_, by_customer_, customer_by_id_number_};
  MatchResult result;
  for (const Movement &m : movements) {
    // Only credits are passed in (header); anything else is not money to apply, and rather than
    // vanish it goes where the lead looks: every entry key comes out placed or unidentified.
    std::optional<Plan> plan;
    const Rule *placed_by = nullptr;
    if (m.amount > 0) {
      for (const Rule &rule : rules_.rules) {
        switch (rule.kind) {
        case Rule::Kind::kReference:
          plan = idx.by_reference(m, rule);
          break;
        case Rule::Kind::kPayerExact:
          plan = idx.by_payer_exact(m, rule);
          break;
        case Rule::Kind::kPayerOldest:
          plan = idx.by_payer_oldest(m, rule);
          break;
        }
        if (plan) {
          placed_by = &rule;
          break;
        }
      }
    }
    if (!plan) {
      result.unidentified.push_back(m.entry_key);
      continue;
    }
    const auto add = [&](const std::string &invoice_id, std::int64_t amount, std::string kind) {
      result.applications.push_back(
          Application{m.entry_key, plan->customer_id, invoice_id, amount, std::move(kind), placed_by->name});
    };
    for (const auto &[i, money] : plan->payments) {
      open_[i].balance -= money;
      add(open_[i].invoice_id, money, "invoice");
    }
    if (plan->tolerance != nullptr) {
      // settle and the payer-exact rule only name a tolerance after paying the invoice it closes.
      OpenInvoice &last = open_[plan->payments.back().first];
      last.balance -= plan->short_by;
      add(last.invoice_id, plan->short_by, plan->tolerance->kind);
    }
    if (plan->credit > 0) {
      add("", plan->credit, "credit");
    }
  }
  return result;
}

} // namespace cartera::payments
