// The charges statements show and what to-date leaves out: the module's charged periods
// (int_charge) less those accounting rejected, as the host's exchange answered them
// (document_answers, matched by charge_document_key). The module reads no host table itself.
#pragma once

#include <cartera/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace cartera::interest {

// One charged period whose request accounting has not rejected.
struct ChargedPeriod {
  std::string customer_id, invoice_id;
  std::int64_t from = 0, through = 0, amount = 0;
  std::string number; // the number accounting issued for it; "" until it acknowledges
};

// The periods charged through `to` (all customers when customer is empty) that accounting has
// not rejected, by customer, last day and invoice.
std::vector<ChargedPeriod> charged_periods(Context &ctx, std::int64_t to, const std::string &customer);

// The statement-movements job: those periods as statements show them, what the module
// publishes as statement_movements (interest.operations.xml).
void statement_movements(Context &ctx);

} // namespace cartera::interest
