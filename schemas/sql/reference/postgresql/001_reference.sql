-- The reference host: receivables as an ERP keeps them, loaded from its export files
-- (cartera host import). Amounts are integer centavos; dates are ISO text (YYYY-MM-DD).
-- Dates are DATE here and ISO text in SQLite. "extra" keeps the export's additional columns as name=value lines, untouched.
CREATE TABLE ref_company (
  company_id  TEXT PRIMARY KEY,
  name        TEXT NOT NULL
);

CREATE TABLE ref_agency (
  agency_id   TEXT PRIMARY KEY,
  name        TEXT NOT NULL
);

CREATE TABLE ref_advisor (
  advisor_id  TEXT PRIMARY KEY,
  name        TEXT NOT NULL
);

CREATE TABLE ref_customer (
  customer_id  TEXT PRIMARY KEY,
  id_type      TEXT NOT NULL CHECK (id_type IN ('NIT', 'CC', 'CE', 'PA', 'TI')),
  id_number    TEXT NOT NULL,
  name         TEXT NOT NULL,
  address      TEXT NOT NULL,
  city         TEXT NOT NULL,
  agency_id    TEXT REFERENCES ref_agency (agency_id),
  advisor_id   TEXT REFERENCES ref_advisor (advisor_id),
  extra        TEXT NOT NULL
);

CREATE TABLE ref_contact (
  customer_id  TEXT NOT NULL REFERENCES ref_customer (customer_id),
  channel      TEXT NOT NULL CHECK (channel IN ('email', 'phone')),
  address      TEXT NOT NULL,
  purpose      TEXT NOT NULL,
  PRIMARY KEY (customer_id, channel, address)
);

CREATE TABLE ref_contract (
  contract_id  TEXT PRIMARY KEY,
  customer_id  TEXT NOT NULL REFERENCES ref_customer (customer_id),
  kind         TEXT NOT NULL CHECK (kind IN ('familiar', 'colectivo', 'individual')),
  plan         TEXT NOT NULL,
  members      INTEGER NOT NULL CHECK (members >= 1),
  start_date   DATE NOT NULL,
  status       TEXT NOT NULL,
  company_id   TEXT NOT NULL REFERENCES ref_company (company_id),
  extra        TEXT NOT NULL
);
CREATE INDEX ref_contract_customer ON ref_contract (customer_id);

CREATE TABLE ref_invoice (
  invoice_id   TEXT PRIMARY KEY,
  customer_id  TEXT NOT NULL REFERENCES ref_customer (customer_id),
  contract_id  TEXT REFERENCES ref_contract (contract_id),
  issue_date   DATE NOT NULL,
  due_date     DATE NOT NULL,
  amount       BIGINT NOT NULL CHECK (amount >= 0),
  extra        TEXT NOT NULL
);
CREATE INDEX ref_invoice_customer ON ref_invoice (customer_id);

CREATE TABLE ref_payment (
  payment_id   TEXT PRIMARY KEY,
  customer_id  TEXT NOT NULL REFERENCES ref_customer (customer_id),
  paid_on      DATE NOT NULL,
  amount       BIGINT NOT NULL CHECK (amount > 0),
  method       TEXT NOT NULL,
  reference    TEXT NOT NULL,
  extra        TEXT NOT NULL
);
CREATE INDEX ref_payment_customer ON ref_payment (customer_id);

-- What a payment settled: the export names one invoice per payment line.
CREATE TABLE ref_application (
  payment_id   TEXT NOT NULL REFERENCES ref_payment (payment_id),
  invoice_id   TEXT NOT NULL REFERENCES ref_invoice (invoice_id),
  amount       BIGINT NOT NULL CHECK (amount > 0),
  applied_on   DATE NOT NULL,
  PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX ref_application_invoice ON ref_application (invoice_id);
