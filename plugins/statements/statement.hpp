// A statement of account, computed: what the XML, HTML, PDF and CSV renderings all show. Built
// by statement_builder from the host's books; renderers only format it (es-CO), they compute
// nothing. Amounts are integer centavos, dates days since 1970-01-01 (cartera/sdk/date.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cartera::statements {

// The company that issues the statement (cartera.xml <module-settings module="statements">).
struct Issuer {
  std::string name;    // "Salud Total Prepagada S.A."
  std::string nit;     // "900123456-7"
  std::string address; // one line
  std::string city;
  std::string phone;
  std::string email; // where customers write back
};

// Who the statement is for: the holder of the account or contract.
struct Holder {
  std::string customer_id;
  std::string id_type; // NIT, CC, CE, PA, TI
  std::string id_number;
  std::string name;
  std::string address;
  std::string city;
};

// The contract a contract statement covers; empty id for a customer statement.
struct Member {
  std::string member_id;
  std::string name;
  std::string age_band; // "0-17", "18-44", ... as the host's tariff names them
  std::string plan;
  std::int64_t monthly_fee = 0; // this period's fee for the member
};

struct Contract {
  std::string contract_id; // empty: a customer statement (every contract of the holder)
  std::string kind;        // familiar | colectivo | individual
  std::string plan;
  std::vector<Member> members; // as billed in the period, in the host's order
};

// One line of the period's account, in date order (then document order). debit raises what
// the holder owes, credit lowers it; balance is the running balance after the movement.
struct Movement {
  std::int64_t date = 0;
  std::string kind;        // invoice | payment | credit-note | interest | adjustment |
                           // reclassification | returned-check
  std::string document;    // the ERP's or cartera's document number
  std::string reference;   // the bank's reference, the invoice a payment settled, ...
  std::string description; // es-CO, for the customer ("Pago PSE", "Cuota noviembre 2026")
  std::string contract_id; // empty when not tied to one contract
  std::int64_t debit = 0;
  std::int64_t credit = 0;
  std::int64_t balance = 0;
};

// An invoice still open at the statement's date, with its age.
struct OpenItem {
  std::string invoice_id;
  std::string contract_id;
  std::int64_t issue_date = 0;
  std::int64_t due_date = 0;
  std::int64_t amount = 0;       // as billed
  std::int64_t open_amount = 0;  // what remains
  std::int64_t days_overdue = 0; // 0 when not yet due
};

// The open balance by age, in the order the renderers show it.
struct AgingBucket {
  std::string label; // "Corriente", "1-30", "31-60", "61-90", "91-180", "Más de 180"
  std::int64_t amount = 0;
};

// One reason why this period's amount to pay differs from the last one. The causes of a
// statement always add up to Statement::difference (statement_builder guarantees it; tests
// check it on every statement they build).
struct Cause {
  std::string kind;        // member-added | member-removed | tariff-change | age-band-change |
                           // billing-other | adjustment | interest | payments-pending |
                           // payments-ahead | returned-check | reclassification
  std::string member_id;   // for the member causes
  std::string description; // es-CO, for the customer
  std::int64_t amount = 0; // signed: positive raises the amount to pay
};

struct Statement {
  std::string statement_id; // deterministic: "customer/C-0001/2026-11" or "contract/K-1/2026-11"
  Issuer issuer;
  Holder holder;
  Contract contract;
  std::int64_t period_start = 0; // first day of the period
  std::int64_t period_end = 0;   // last day (= as_of)
  std::int64_t issued_on = 0;    // the run's date
  std::int64_t opening_balance = 0;
  std::vector<Movement> movements;
  std::int64_t total_debits = 0;
  std::int64_t total_credits = 0;
  std::int64_t closing_balance = 0; // opening + debits - credits; negative: a credit balance
  std::vector<OpenItem> open_items;
  std::vector<AgingBucket> aging;
  std::int64_t interest_to_date = 0; // moratory interest accrued and not yet charged
  // The day interest to date is liquidated through when it is before the period's end (no
  // certified rate yet for the days after it); 0 when it reaches the end.
  std::int64_t interest_through = 0;
  std::int64_t amount_due = 0; // closing balance + interest to date, never below 0
  std::int64_t due_date = 0;   // when the amount due must be paid (0: nothing due)
  std::int64_t previous_amount_due = 0;
  std::int64_t difference = 0; // amount_due - previous_amount_due
  std::vector<Cause> causes;
};

} // namespace cartera::statements
