// Matching bank movements to open invoices: rules tried in order (match_rules.hpp), each
// application recording the rule that made it. Pure: what is open and who the customers are
// come in, proposals go out; matching.cpp stores them for the lead's review.
#pragma once

#include "match_rules.hpp"
#include "reference_index.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cartera::payments {

// An invoice as matching sees it: its balance is what is still free to apply (the host's open
// balance less what cartera has proposed or approved and the host has not recorded yet).
struct OpenInvoice {
  std::string invoice_id;
  std::string customer_id;
  std::string contract_id;
  std::int64_t due_date = 0; // days since 1970-01-01
  std::int64_t balance = 0;  // centavos, > 0
};

struct CustomerId {
  std::string customer_id;
  std::string id_number; // NIT (without check digit) or CC as the host keeps it; may be empty
};

// A credit on the account (amount > 0), not a reversal.
struct Movement {
  std::string entry_key;
  std::int64_t amount = 0;
  std::int64_t booking_date = 0;
  std::string payer_id;
  std::string payer_name;
  std::string remittance;
  std::string structured_reference;
  std::string end_to_end_id;
  std::string bank_reference;
};

struct Application {
  std::string entry_key;
  std::string customer_id;
  std::string invoice_id;  // empty for a credit balance (saldo a favor)
  std::int64_t amount = 0; // centavos > 0: paid to the invoice, or credited, or the accepted difference
  std::string kind;        // invoice | credit | <tolerance kind>
  std::string rule;
};

struct MatchResult {
  std::vector<Application> applications; // in movement order
  std::vector<std::string> unidentified; // entry keys no rule could place
};

class Matcher {
public:
  Matcher(RuleSet rules, std::vector<CustomerId> customers, std::vector<OpenInvoice> open);
  // Balances taken by one movement are gone for the next: two movements never pay the same
  // centavo. Every movement's amount is accounted for exactly: the sum of its applications
  // (invoice + credit) equals its amount, and tolerance differences are extra rows that
  // close an invoice without money.
  MatchResult match(const std::vector<Movement> &movements);

private:
  RuleSet rules_;
  std::vector<OpenInvoice> open_;
  ReferenceIndex by_invoice_;                                             // normalised id → index in open_
  std::unordered_map<std::string, std::vector<std::size_t>> by_customer_; // oldest due first
  std::unordered_map<std::string, std::string> customer_by_id_number_;
};

// How ids are compared: upper case, letters and digits only, leading zeros of a numeric run
// dropped ("f-000123" and "F123" are the same reference).
std::string normalise_reference(std::string_view text);

} // namespace cartera::payments
