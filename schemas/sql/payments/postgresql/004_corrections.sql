-- payments: a correction of an approved application (a reclassification, a cruce de cuentas)
-- is proposed by one lead and takes effect only when another approves it, as the application
-- it corrects did (four eyes). Until then the application stays approved and the amount's new
-- applications wait as proposals of the correction's batch, each carrying its correction_id;
-- the approval reverses the old application and approves the new ones in one run, the
-- rejection leaves everything as it was. Decided whole: never half a correction.
CREATE TABLE pay_correction (
  correction_id   TEXT PRIMARY KEY,
  batch_id        TEXT NOT NULL,
  application_id  TEXT NOT NULL REFERENCES pay_application (application_id),
  action          TEXT NOT NULL CHECK (action IN ('reclassify', 'offset')),
  reason          TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
  proposed_by     TEXT NOT NULL,
  proposed_at     TEXT NOT NULL,
  reviewed_by     TEXT NOT NULL DEFAULT '',
  reviewed_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pay_correction_batch ON pay_correction (batch_id, status);
-- One waiting correction per application at a time.
CREATE UNIQUE INDEX pay_correction_waiting ON pay_correction (application_id) WHERE status = 'proposed';
ALTER TABLE pay_application ADD COLUMN correction_id TEXT NOT NULL DEFAULT '';
