-- The exchange (host-adapters/exchange): each document owed to each recipient cartera.xml
-- names for its type, and where its delivery stands. A row is added in the transaction of the
-- run that emits the document, so a document is owed exactly when it exists. seq orders a
-- recipient's documents as they were emitted: they are delivered in that order.
CREATE TABLE cartera_delivery (
  document_id      TEXT NOT NULL REFERENCES cartera_document (document_id),
  recipient        TEXT NOT NULL,
  seq              BIGINT NOT NULL,
  -- pending: not yet taken; delivered: the recipient took it; acknowledged / rejected: its
  -- answer came back; failed: every attempt failed (an alert was raised; `exchange retry`).
  state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'acknowledged', 'rejected', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  last_error       TEXT NOT NULL DEFAULT '',
  created_at       TEXT NOT NULL,
  delivered_at     TEXT NOT NULL DEFAULT '',
  answered_at      TEXT NOT NULL DEFAULT '',
  answer_number    TEXT NOT NULL DEFAULT '',
  answer_reason    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (document_id, recipient)
);
CREATE INDEX cartera_delivery_queue ON cartera_delivery (recipient, state, seq);
