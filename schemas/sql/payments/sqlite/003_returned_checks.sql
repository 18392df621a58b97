-- payments: checks the bank returned (a camt reversal, or recorded by hand), each with the 20 %
-- sanction of Código de Comercio art. 731 computed for the follow-up: a claim, not interest
-- (domain/colombia.md §7). The applications the check had paid are reversed, not deleted.
CREATE TABLE pay_returned_check (
  entry_key           TEXT PRIMARY KEY REFERENCES pay_bank_entry (entry_key),
  reversal_entry_key  TEXT NOT NULL,
  customer_id         TEXT NOT NULL,
  amount              INTEGER NOT NULL CHECK (amount > 0),
  sanction            INTEGER NOT NULL CHECK (sanction >= 0),
  returned_on         TEXT NOT NULL,
  reason              TEXT NOT NULL,
  recorded_by         TEXT NOT NULL,
  recorded_at         TEXT NOT NULL,
  status              TEXT NOT NULL DEFAULT 'open'
);
