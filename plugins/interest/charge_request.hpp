// The interest-charge request to accounting (schemas/xml/interest-charge-request.xsd): one
// invoice, the liquidation that supports it, and the amount this period adds.
#pragma once

#include "liquidation.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace cartera::interest {

// The key a charge's request is emitted under, interest-charge/<invoice>/<YYYY-MM-DD of its last
// day>: what makes a second emission a no-op, and how the module finds accounting's answer to
// it among the host's (document_answers). Built here alone.
std::string charge_document_key(std::string_view invoice_id, std::int64_t through);

// The document type of a charge's request.
inline constexpr const char *kChargeRequestType = "interest-charge-request";

struct ChargeRequest {
  std::string id; // the document's key: charge_document_key
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
