-- A document is kept in the database with the run that emitted it, so that it exists exactly
-- when the run commits; the outbox file is written from it after the commit, many at once with
-- one flush to disk (one fsync per file made approving 100,000 payments take minutes). written
-- is 0 until the file is on disk: the next run writes what a crash left unwritten.
ALTER TABLE cartera_document ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE cartera_document ADD COLUMN written INTEGER NOT NULL DEFAULT 1;
CREATE INDEX cartera_document_unwritten ON cartera_document (written);
