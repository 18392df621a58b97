-- payments: what matching proposed, and what the lead decided. A proposal changes no balance;
-- an approved application does (it waits for the host to record the receipt: issue 6).
-- Nothing is deleted: a rejected proposal stays, with who rejected it and why.
CREATE TABLE pay_application (
  application_id  TEXT PRIMARY KEY,
  batch_id        TEXT NOT NULL,
  entry_key       TEXT NOT NULL REFERENCES pay_bank_entry (entry_key),
  customer_id     TEXT NOT NULL,
  invoice_id      TEXT NOT NULL,
  amount          INTEGER NOT NULL CHECK (amount > 0),
  kind            TEXT NOT NULL,
  rule            TEXT NOT NULL,
  -- reversed: approved, then undone (a returned check, a reclassification); it stays, with why.
  status          TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'reversed')),
  proposed_by     TEXT NOT NULL,
  proposed_at     TEXT NOT NULL,
  reviewed_by     TEXT NOT NULL DEFAULT '',
  reviewed_at     TEXT NOT NULL DEFAULT '',
  review_reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pay_application_batch ON pay_application (batch_id, status);
CREATE INDEX pay_application_invoice ON pay_application (invoice_id, status);
CREATE INDEX pay_application_entry ON pay_application (entry_key);
