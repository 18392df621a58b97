-- The host's own tables: module enablement per department, the audit trail, the run
-- journal and the documents each run emitted.
CREATE TABLE cartera_module_enablement (
  module_id   TEXT NOT NULL,
  department  TEXT NOT NULL,
  enabled_by  TEXT NOT NULL,
  enabled_at  TEXT NOT NULL,
  PRIMARY KEY (module_id, department)
);

CREATE TABLE cartera_audit (
  audit_seq   BIGSERIAL PRIMARY KEY,
  at          TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  department  TEXT NOT NULL,
  action      TEXT NOT NULL,
  object      TEXT NOT NULL,
  detail      TEXT NOT NULL
);

CREATE TABLE cartera_run (
  run_id          TEXT PRIMARY KEY,
  module_id       TEXT NOT NULL,
  module_version  TEXT NOT NULL,
  job             TEXT NOT NULL,
  parameters      TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  department      TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  finished_at     TEXT,
  status          TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
  message         TEXT NOT NULL DEFAULT '',
  -- Who runs it, so that a run whose process died can be told from one still going.
  host_name       TEXT NOT NULL DEFAULT '',
  pid             INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE cartera_document (
  document_id  TEXT PRIMARY KEY,
  run_id       TEXT NOT NULL REFERENCES cartera_run (run_id),
  module_id    TEXT NOT NULL,
  doc_type     TEXT NOT NULL,
  doc_key      TEXT NOT NULL,
  file_name    TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  size_bytes   BIGINT NOT NULL,
  created_at   TEXT NOT NULL
);

CREATE INDEX cartera_document_run ON cartera_document (run_id);
