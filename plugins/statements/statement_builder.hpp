// From a customer's rows in the host's books to the Statement every rendering shows. Pure:
// no I/O, no host; statements.cpp reads the rows (merged customer by customer) and calls it.
//
// The arithmetic, for a period [start, end] and the month before it:
//   opening  = what was billed before start - what was paid before start (for a contract: the
//              part of the payments applied to its invoices)
//   closing  = opening + debits of the period - credits of the period
//   amount due = max(0, closing + interest to date); the previous amount due = max(0, opening)
// and the causes split amount_due - previous_amount_due exactly (statement.hpp promises it):
//   (billed now - billed before)  member added / removed, age band, tariff, adjustments,
//                                 interest billed, other billing (what the lines do not explain)
//   (billed before - credited now) payments pending (> 0) or payments ahead (< 0)
//   interest to date              interest (what the interest rows of the scope's invoices owe)
//   the two max(0, ...)           payments ahead: a credit balance absorbed
// Cartera's own movements (CarteraRow) count where the host's would: its credits with the
// payments, its debits (returned checks, reversals, interest charged) as causes of their own.
// On the open items, interest charged is an item of its own; another row with an invoice moves
// that invoice's balance; without one, a debit is an item of its own and a credit is unapplied
// money.
#pragma once

#include "statement.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cartera::statements {

struct ContractRow {
  std::string contract_id;
  std::string kind;
  std::string plan;
  std::string status;
};

struct InvoiceRow {
  std::string contract_id;
  std::string invoice_id;
  std::int64_t issue_date = 0;
  std::int64_t due_date = 0;
  std::int64_t amount = 0;
};

struct PaymentRow {
  std::string payment_id;
  std::int64_t paid_on = 0;
  std::int64_t amount = 0;
  std::string method;
  std::string reference;
};

struct ApplicationRow {
  std::string payment_id;
  std::string invoice_id;
  std::int64_t amount = 0;
};

struct LineRow {
  std::string contract_id;
  std::string invoice_id;
  std::int64_t issue_date = 0;
  std::int64_t line_no = 0;
  std::string member_id;
  std::string member_name;
  std::string line_concept; // fee | adjustment | interest | other
  std::string plan;
  std::string age_band;
  std::string description;
  std::int64_t amount = 0;
};

// A movement cartera itself recorded, published by the module that made it
// (statements.operations.xml, statement_movements): a payment the lead approved and the host
// has not recorded yet, its reversal (a returned check, a reclassification), a returned
// check's sanction. amount > 0 raises what the customer owes.
struct CarteraRow {
  std::int64_t date = 0;
  std::string kind; // a Movement kind: payment | adjustment | reclassification | returned-check |
                    // credit-note | interest
  std::string document;
  std::string reference;
  std::string invoice_id; // empty: the customer's, not one invoice's
  std::int64_t amount = 0;
  std::string description;
  std::string until_host_reference; // not shown once a host payment's reference or invoice's number is this
};

// Moratory interest an invoice owes at the statement's end and has not been charged yet,
// published by the module that liquidates it (statements.operations.xml, interest_to_date).
struct InterestRow {
  std::string invoice_id;
  std::int64_t through = 0; // the day it is liquidated through: the end, or the last certified day
  std::int64_t owed = 0;
};

// Everything the host's books say about one customer, up to the statement's end.
struct CustomerBooks {
  Holder holder;
  std::vector<ContractRow> contracts;
  std::vector<InvoiceRow> invoices;         // issued on or before the end
  std::vector<PaymentRow> payments;         // paid on or before the end
  std::vector<ApplicationRow> applications; // of those payments
  std::vector<LineRow> lines;               // of invoices issued in the previous period and this one
  std::vector<CarteraRow> cartera;          // on or before the end
  std::vector<InterestRow> interest;        // at the end, per invoice
};

struct Period {
  std::int64_t start = 0; // first day
  std::int64_t end = 0;   // last day (the as-of date)
  std::int64_t previous_start = 0;
  std::int64_t previous_end = 0; // = start - 1
};

// The calendar month of as_of up to as_of, and the whole month before it.
Period month_period(std::int64_t as_of);

struct BuildOptions {
  Issuer issuer;
  std::int64_t issued_on = 0;
};

// The customer's statement (contract_id empty) or one contract's. Throws std::invalid_argument
// when contract_id names no contract of the customer.
Statement build_statement(const CustomerBooks &books, const Period &period, const BuildOptions &options,
                          const std::string &contract_id);

} // namespace cartera::statements
