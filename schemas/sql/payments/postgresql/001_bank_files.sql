-- payments: the bank files cartera received and the movements they reported, each stored once.
-- A movement's entry_key is its identity across files (plugins/payments/README.md): the same
-- file twice, or two statements that overlap, add nothing the second time. Amounts are
-- integer centavos, positive for money in; dates are ISO text (YYYY-MM-DD).
CREATE TABLE pay_bank_file (
  file_sha256   TEXT PRIMARY KEY,
  file_name     TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('camt053', 'asobancaria2001', 'csv')),
  statement_id  TEXT NOT NULL,
  account       TEXT NOT NULL,
  currency      TEXT NOT NULL,
  entries       BIGINT NOT NULL,
  new_entries   BIGINT NOT NULL,
  imported_at   TEXT NOT NULL,
  run_id        TEXT NOT NULL
);

CREATE TABLE pay_bank_entry (
  entry_key             TEXT PRIMARY KEY,
  file_sha256           TEXT NOT NULL REFERENCES pay_bank_file (file_sha256),
  line                  BIGINT NOT NULL,
  account               TEXT NOT NULL,
  booking_date          DATE NOT NULL,
  value_date            DATE NOT NULL,
  amount                BIGINT NOT NULL CHECK (amount <> 0),
  currency              TEXT NOT NULL,
  reversal              SMALLINT NOT NULL CHECK (reversal IN (0, 1)),
  bank_reference        TEXT NOT NULL,
  end_to_end_id         TEXT NOT NULL,
  remittance            TEXT NOT NULL,
  structured_reference  TEXT NOT NULL,
  payer_name            TEXT NOT NULL,
  payer_id              TEXT NOT NULL,
  channel               TEXT NOT NULL,
  -- new: not matched yet; the matching and review states come with `payments match`.
  status                TEXT NOT NULL DEFAULT 'new'
);
CREATE INDEX pay_bank_entry_status ON pay_bank_entry (status, booking_date);
CREATE INDEX pay_bank_entry_file ON pay_bank_entry (file_sha256);
