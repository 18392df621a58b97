-- Documents whose type files them in the customer's folder after the run (the manifest's
-- archive="deferred": cash-receipt requests, by the tens of thousands in one approval). The
-- run that records the document adds its row here in its own transaction; `cartera archive
-- file` (run first by `cartera exchange deliver` and the serve loop) places the file, then in
-- one transaction adds its cartera_archive row and removes this one. A pass killed in between
-- leaves a placed file whose row is still here: the next pass finds the same bytes there and
-- indexes them, so nothing is filed twice or lost.
CREATE TABLE cartera_archive_pending (
  document_id   TEXT PRIMARY KEY REFERENCES cartera_document (document_id),
  customer_path TEXT NOT NULL, -- the manifest's customer and period paths when the run made it
  period_path   TEXT NOT NULL,
  queued_at     TEXT NOT NULL
);
