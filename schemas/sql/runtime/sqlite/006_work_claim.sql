-- Work that one process at a time may do, claimed here before it is done: delivering a
-- recipient's documents (`deliver:<recipient>`, in its emission order) and filing the
-- customers' folders (`archive-file`). Any number of `exchange deliver`, `archive file` and
-- `serve` passes, on one machine or several sharing a PostgreSQL, then send each document
-- once. A claim is taken by one conditional INSERT or UPDATE (atomic on both dialects): free,
-- expired (lease_until passed: its holder stopped renewing), or held by a process of this
-- machine that is gone. The holder renews it while it works and deletes it when done.
CREATE TABLE cartera_work_claim (
  work         TEXT PRIMARY KEY,
  holder       TEXT NOT NULL, -- host:pid:start, unique per process
  host_name    TEXT NOT NULL,
  pid          BIGINT NOT NULL,
  run_id       TEXT NOT NULL,
  claimed_at   TEXT NOT NULL,
  lease_until  TEXT NOT NULL  -- UTC ISO instant; past it, anyone may take the work over
);
