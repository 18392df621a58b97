#include "charge_request.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

namespace cartera::interest {

const char *const kRoundingRule =
    "daily rate (1+EA)^(1/base)-1 rounded half-up to 10 decimals; interest of each sub-period (capital x daily rate x "
    "days) rounded half-up to centavos; a sub-period ends at a month's end or a payment day";

namespace {

using sdk::attr;
using sdk::pesos;

std::string day(std::int64_t d) {
  return sdk::format_iso_date(d);
}

} // namespace

std::string charge_document_key(std::string_view invoice_id, std::int64_t through) {
  std::string key = "interest-charge/";
  key += invoice_id;
  key += '/';
  key += sdk::format_iso_date(through);
  return key;
}

std::string charge_request_xml(const ChargeRequest &r) {
  const Liquidation &l = r.liquidation;
  std::string x = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                  "\n<interest-charge-request xmlns=\"urn:cartera:interest-charge-request:1\"";
  // No wall-clock time inside: a charge killed and run again is the same bytes, so the rerun
  // adopts the copy the killed run archived instead of leaving a second one. When it was
  // requested is the host's document record and its delivery log.
  x += attr("id", r.id) + attr("requested-by", r.requested_by) + ">\n";
  x += "  <to>" + sdk::xml_escape(r.to) + "</to>\n";
  x += "  <invoice" + attr("id", r.invoice_id) + attr("customer", r.customer_id) + attr("contract", r.contract_id) +
       attr("due-date", day(r.invoice.due)) + attr("payable-by", day(l.mora_from - 1)) +
       attr("amount", pesos(r.invoice.amount)) + "/>\n";
  x += "  <method" + attr("basis", r.rules.agreed_rate ? "agreed" : "usury");
  if (r.rules.agreed_rate) {
    x += attr("agreed-rate", format_rate(*r.rules.agreed_rate));
  }
  x += attr("year-base", std::to_string(r.rules.year_base)) +
       attr("imputation", r.rules.interest_first ? "interest-first" : "capital-first") +
       attr("rounding", kRoundingRule) + "/>\n";
  for (const SubPeriod &p : l.periods) {
    x += "  <period" + attr("from", day(p.from)) + attr("to", day(p.to)) + attr("days", std::to_string(p.days)) +
         attr("rate", format_rate(p.rate)) + attr("usury-rate", format_rate(p.usury_rate)) +
         attr("daily-rate", format_daily_rate(p.daily_rate)) + attr("capital", pesos(p.capital)) +
         attr("interest", pesos(p.interest)) + "/>\n";
  }
  for (const Imputation &i : l.imputations) {
    x += "  <payment" + attr("date", day(i.day)) + attr("amount", pesos(i.amount)) +
         attr("to-interest", pesos(i.to_interest)) + attr("to-capital", pesos(i.to_capital)) + "/>\n";
  }
  x += "  <charge" + attr("from", day(r.from)) + attr("to", day(l.through)) +
       attr("interest-accrued", pesos(l.interest)) + attr("paid-by-imputation", pesos(l.interest_paid)) +
       attr("charged-before", pesos(r.charged_before)) + attr("amount", pesos(r.amount)) +
       attr("capital-open", pesos(l.capital_left)) + attr("as", r.charged_as) + "/>\n";
  x += "</interest-charge-request>\n";
  return x;
}

} // namespace cartera::interest
