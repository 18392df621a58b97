-- payments: a movement's identity is what makes it the same money, not its bank reference alone
-- (banks reuse references: NONREF every day). entry_identity = entry_key, booking date, signed
-- amount and ':R' for a reversal (plugins/payments/bank_file.cpp finish_bank_file), unique; the
-- entry_key stays the movement's name in applications, documents and the host's books. A second
-- movement under a key already taken is stored with its identity as its entry_key. Rows stored
-- before this migration get the identity the reader gives them now, so an overlapping file
-- still finds them.
ALTER TABLE pay_bank_entry ADD COLUMN entry_identity TEXT NOT NULL DEFAULT '';
UPDATE pay_bank_entry
SET entry_identity = entry_key || ':' || to_char(booking_date, 'YYYY-MM-DD') || ':' || CAST(amount AS TEXT)
                     || CASE WHEN reversal = 1 THEN ':R' ELSE '' END;
CREATE UNIQUE INDEX pay_bank_entry_identity ON pay_bank_entry (entry_identity);
