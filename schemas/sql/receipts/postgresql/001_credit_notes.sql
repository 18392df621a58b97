-- receipts: every credit-note request raised, once per source (a write-off's application, a
-- request by hand), with the draft's number. Nothing is deleted.
CREATE TABLE rcp_credit_note (
  request_no    BIGSERIAL PRIMARY KEY,
  -- what raised it and which fact: 'write-off' + the application id, 'manual' + the run id.
  source        TEXT NOT NULL,
  source_key    TEXT NOT NULL,
  invoice_id    TEXT NOT NULL,
  customer_id   TEXT NOT NULL,
  reason_code   TEXT NOT NULL,
  anexo         TEXT NOT NULL,
  base          BIGINT NOT NULL CHECK (base > 0),
  vat           BIGINT NOT NULL CHECK (vat >= 0),
  total         BIGINT NOT NULL CHECK (total = base + vat),
  note          TEXT NOT NULL,
  requested_by  TEXT NOT NULL,
  requested_at  TEXT NOT NULL,
  UNIQUE (source, source_key)
);
CREATE INDEX rcp_credit_note_invoice ON rcp_credit_note (invoice_id);
