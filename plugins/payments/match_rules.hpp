// The matching rules (schemas/xml/payment-rules.xsd): what each rule tries and which
// differences it accepts, read from a rule file or the defaults. matcher.hpp applies them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

// A difference between what was paid and what was owed that a rule accepts, and as what.
struct Tolerance {
  std::string kind;                   // bank-fee | retefuente | reteica | reteiva | gmf | rounding
  std::int64_t max_amount = -1;       // centavos; -1 = no fixed cap
  std::int64_t max_basis_points = -1; // of the invoices' balance, 1/100 of a percent; -1 = none
};

struct Rule {
  std::string name; // recorded on every application it makes
  enum class Kind {
    kReference,   // an open invoice's id appears in the movement's texts
    kPayerExact,  // the payer's id names a customer; the amount equals one open invoice, or its oldest ones together
    kPayerOldest, // the payer's id names a customer; the amount goes to its invoices oldest due first
  } kind = Kind::kReference;
  std::vector<Tolerance> tolerances; // tried in order when the amount falls short
  bool credit_overpayment = true;    // what is left after the invoices becomes the customer's credit
};

struct RuleSet {
  std::vector<Rule> rules;
};

// Reads a rule file valid against schemas/xml/payment-rules.xsd. Throws std::invalid_argument
// for what the XSD cannot say (e.g. a tolerance with neither cap).
RuleSet parse_rules(std::string_view xml);
// The rules a company starts with (documented in README.md): reference, payer exact, payer
// oldest first, with small tolerances for GMF (4 x 1000) and bank fees.
RuleSet default_rules();

} // namespace cartera::payments
