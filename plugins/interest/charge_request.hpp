// The interest-charge request to accounting (schemas/xml/interest-charge-request.xsd): one
// invoice, the liquidation that supports it, and the amount this period adds.
#pragma once

#include "liquidation.hpp"

#include <cstdint>
#include <string>

namespace cartera::interest {

struct ChargeRequest {
  std::string id; // the document's id: interest-charge/<invoice>/<through>
  std::string to; // the officer it goes to
  std::string invoice_id, customer_id, contract_id;
  Invoice invoice;
  Rules rules;
  Liquidation liquidation;
  std::int64_t from = 0; // first day charged by this request
  std::int64_t charged_before = 0;
  std::int64_t amount = 0;
  std::string charged_as; // debit-note | next-bill
  std::string requested_by;
};

// The one rounding rule, in words, as documents and README state it.
extern const char *const kRoundingRule;

std::string charge_request_xml(const ChargeRequest &r);

} // namespace cartera::interest
