-- The customer's digital folder and the contact channels (ABI 1.2).
--
-- cartera_archive: every file kept for a customer under archive/<customer>/<yyyy>/<mm>/, once.
-- path is relative to the archive root and never reused: a new version of a document is a new
-- file (its name carries the start of its SHA-256). Rows are added in the transaction of the
-- run that made the file, after the file is on disk, so a row always has its file; a file
-- without a row is what a run that died before its commit left (archive verify reports it).
CREATE TABLE cartera_archive (
  path         TEXT PRIMARY KEY,
  customer_id  TEXT NOT NULL,
  doc_type     TEXT NOT NULL,
  period       TEXT NOT NULL, -- YYYY-MM
  media_type   TEXT NOT NULL,
  document_id  TEXT NOT NULL, -- the XML document the file is, or renders
  sha256       TEXT NOT NULL,
  size_bytes   BIGINT NOT NULL,
  run_id       TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL
);
CREATE INDEX cartera_archive_customer ON cartera_archive (customer_id, period);
CREATE INDEX cartera_archive_document ON cartera_archive (document_id);

-- Messages owed to customers (statements by e-mail, SMS files later). Sent after the run's
-- commit and only inside the contact windows of Ley 2300 de 2023: a message outside one waits
-- (state queued, not_before the next window) and is sent by a later run.
CREATE TABLE cartera_message (
  message_id     TEXT PRIMARY KEY, -- sha256 of (module, channel, address, key)
  module_id      TEXT NOT NULL,
  customer_id    TEXT NOT NULL,
  channel        TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  address        TEXT NOT NULL,
  msg_key        TEXT NOT NULL,
  subject        TEXT NOT NULL,
  body           TEXT NOT NULL,
  attachment     TEXT NOT NULL, -- an archive path, or ''
  -- queued: to send; sent: the server took it; failed: refused for good (a 5xx, no address).
  state          TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  not_before     TEXT NOT NULL, -- UTC instant; '' = at once
  last_result    TEXT NOT NULL DEFAULT '',
  run_id         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  sent_at        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cartera_message_queue ON cartera_message (state, not_before);

-- The contact log (planilla de control): every attempt to reach a customer, by any channel,
-- whoever made it: e-mails sent by cartera, calls recorded by the analyst.
CREATE TABLE cartera_contact (
  seq          INTEGER PRIMARY KEY,
  customer_id  TEXT NOT NULL,
  channel      TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'phone')),
  address      TEXT NOT NULL,
  at           TEXT NOT NULL, -- UTC instant
  local_at     TEXT NOT NULL, -- the same in Bogotá, as people read it
  reached      INTEGER NOT NULL CHECK (reached IN (0, 1)),
  result       TEXT NOT NULL,
  message_id   TEXT NOT NULL DEFAULT '',
  user_id      TEXT NOT NULL,
  note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cartera_contact_customer ON cartera_contact (customer_id, at);
