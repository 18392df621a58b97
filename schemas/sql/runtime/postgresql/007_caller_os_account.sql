-- Who really called: the operating-system account the command ran under, beside the cartera
-- user it acted as (the same person, or an account cartera.xml lets act for others: see
-- README.md, "Who is calling"). '' in rows written before this was kept.
ALTER TABLE cartera_audit ADD COLUMN os_account TEXT NOT NULL DEFAULT '';
ALTER TABLE cartera_run ADD COLUMN os_account TEXT NOT NULL DEFAULT '';
