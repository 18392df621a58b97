-- interest: SFC certifications imported after the shipped table (schemas/data), and the
-- moratory interest charged per invoice and period. Nothing is deleted.
CREATE TABLE int_rate (
  from_day     DATE PRIMARY KEY,
  to_day       DATE NOT NULL,
  bank_rate    INTEGER NOT NULL CHECK (bank_rate > 0),
  usury_rate   INTEGER NOT NULL CHECK (usury_rate >= bank_rate),
  resolution   TEXT NOT NULL,
  source       TEXT NOT NULL CHECK (source <> ''),
  file_name    TEXT NOT NULL,
  imported_by  TEXT NOT NULL,
  imported_at  TEXT NOT NULL,
  CHECK (to_day >= from_day)
);

CREATE TABLE int_charge (
  invoice_id   TEXT NOT NULL,
  customer_id  TEXT NOT NULL,
  from_day     DATE NOT NULL,
  through      DATE NOT NULL,
  amount       BIGINT NOT NULL CHECK (amount > 0),
  charged_as   TEXT NOT NULL CHECK (charged_as IN ('debit-note', 'next-bill')),
  charged_by   TEXT NOT NULL,
  charged_at   TEXT NOT NULL,
  PRIMARY KEY (invoice_id, through)
);
