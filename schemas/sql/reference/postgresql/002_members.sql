-- Members (beneficiarios) of family and collective contracts, and invoice lines per member,
-- from the export's optional members.csv and invoice_lines.csv: what a statement of account
-- needs to explain why this month's amount differs from last month's (members added or
-- removed, the yearly increase, birthdays that move a member to another age band,
-- adjustments). Dates are DATE, amounts BIGINT centavos, as in 001.
CREATE TABLE ref_member (
  member_id    TEXT PRIMARY KEY,
  contract_id  TEXT NOT NULL REFERENCES ref_contract (contract_id),
  name         TEXT NOT NULL,
  birth_date   DATE NOT NULL,
  joined_on    DATE NOT NULL,
  left_on      DATE,
  extra        TEXT NOT NULL
);
CREATE INDEX ref_member_contract ON ref_member (contract_id);

-- amount is signed: an adjustment may give back part of a month. An invoice's lines add up
-- to its amount (the import refuses them otherwise).
CREATE TABLE ref_invoice_line (
  invoice_id   TEXT NOT NULL REFERENCES ref_invoice (invoice_id),
  line_no      INTEGER NOT NULL CHECK (line_no >= 1),
  member_id    TEXT REFERENCES ref_member (member_id),
  concept      TEXT NOT NULL CHECK (concept IN ('fee', 'adjustment', 'interest', 'other')),
  plan         TEXT NOT NULL,
  age_band     TEXT NOT NULL,
  description  TEXT NOT NULL,
  amount       BIGINT NOT NULL,
  PRIMARY KEY (invoice_id, line_no)
);

-- The statement operations (operations.xml, statement_*) filter by customer and read in
-- customer order, then by date: these let them walk an index instead of sorting the table
-- (an operation that orders by something else after the customer sorts one customer's rows
-- at a time). Two take the place of the customer-only indexes of 001, which they cover.
CREATE INDEX ref_invoice_customer_issue ON ref_invoice (customer_id, issue_date, invoice_id);
DROP INDEX ref_invoice_customer;
-- statement_lines reads invoices by customer and contract: twenty million lines were sorted
-- one invoice at a time without it (SQLite: 12 of 21 s).
CREATE INDEX ref_invoice_customer_contract ON ref_invoice (customer_id, contract_id, issue_date, invoice_id);
CREATE INDEX ref_payment_customer_paid ON ref_payment (customer_id, paid_on, payment_id);
DROP INDEX ref_payment_customer;
