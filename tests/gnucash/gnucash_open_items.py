#!/usr/bin/python3
"""List the open customer invoices of a GnuCash book as of a date, as GnuCash's engine sees them.

    gnucash_open_items.py URL --as-of YYYY-MM-DD [--out FILE]

URL is sqlite3:///abs/path/book.gnucash or postgres://user:pw@host:port/db.  The book
is opened read-only through GnuCash's Python bindings.  An invoice is listed when it
is a posted customer invoice with post date <= as_of and its balance as of as_of
(sum of the amounts of its posted lot's splits whose transaction post date is on or
before as_of) is > 0.  Dates are calendar dates in the process's local time zone as
GnuCash computes them (TZ is inherited).  CSV (stdout or --out):

    customer_id,contract_id,invoice_id,due_date,days_past_due,balance

customer_id is the end owner's id (the job's customer for job invoices), contract_id
the job's id or empty, days_past_due = max(0, as_of - due) in days, balance in plain
pesos with two decimals.  Sorted by customer_id, due_date, invoice_id.  Translog
files created next to a sqlite book are deleted.
"""
import argparse
import csv
import os
import shutil
import sys
import tempfile
from datetime import date
from decimal import Decimal
from fractions import Fraction

from gnc_files import sqlite_path, translogs


def die(msg):
    sys.stderr.write("gnucash_open_items: " + msg + "\n")
    sys.exit(1)






def fmt(frac):
    """Fraction of pesos -> '1234.50' (exact: amounts are in centavos)."""
    cents = frac * 100
    if cents.denominator != 1:
        die("amount %s is not a whole number of centavos" % frac)
    v = Decimal(cents.numerator).scaleb(-2)
    return "%.2f" % v


def open_items(url, as_of):
    from gnucash import Session, SessionOpenMode, Query, Split
    from gnucash.gnucash_business import Customer, Invoice, Job
    from gnucash.gnucash_core_c import ACCT_TYPE_RECEIVABLE

    try:
        s = Session(url, SessionOpenMode.SESSION_READ_ONLY)
    except Exception as e:
        die("cannot open %s: %s" % (url, e))
    rows = []
    try:
        if not any(a.GetType() == ACCT_TYPE_RECEIVABLE
                   for a in s.book.get_root_account().get_descendants()):
            die("%s has no Accounts Receivable account (empty or not a GnuCash book?)" % url)
        q = Query()
        q.search_for("gncInvoice")
        q.set_book(s.book)
        for r in q.run():
            inv = Invoice(instance=r)
            if inv.GetTypeString() != "Invoice" or not inv.IsPosted():
                continue             # bills, vouchers, credit notes, drafts
            owner = inv.GetOwner()
            if owner is None:
                continue
            job = owner if isinstance(owner, Job) else None
            cust = owner.GetOwner() if job else owner
            if not isinstance(cust, Customer):
                continue
            # Dates come back as naive datetimes in GnuCash's local time.
            posted = inv.GetDatePosted().date()
            if posted > as_of:
                continue
            lot = inv.GetPostedLot()
            if lot is None:
                continue
            bal = Fraction(0)
            for sp in lot.get_split_list():
                sp = Split(instance=sp)
                if sp.GetParent().GetDate().date() <= as_of:
                    a = sp.GetAmount()
                    bal += Fraction(a.num(), a.denom())
            if bal <= 0:
                continue
            due = inv.GetDateDue().date()
            rows.append((cust.GetID(), job.GetID() if job else "", inv.GetID(),
                         due.isoformat(), max(0, (as_of - due).days), fmt(bal)))
        q.destroy()
    finally:
        s.end()
        s.destroy()
    rows.sort(key=lambda r: (r[0], r[3], r[2]))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("url")
    ap.add_argument("--as-of", required=True, type=date.fromisoformat)
    ap.add_argument("--out")
    args = ap.parse_args()

    path = sqlite_path(args.url)
    if path is not None and not os.path.isfile(path):
        die("no such book: " + path)
    before = translogs(path)
    # GnuCash may write state and translogs under its data home: keep them private.
    tmp = tempfile.mkdtemp(prefix="gnc-open-items-")
    os.environ["GNC_DATA_HOME"] = tmp
    try:
        rows = open_items(args.url, args.as_of)
    finally:
        for f in translogs(path) - before:
            try:
                os.remove(f)
            except OSError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)

    out = open(args.out, "w", newline="") if args.out else sys.stdout
    try:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["customer_id", "contract_id", "invoice_id", "due_date",
                    "days_past_due", "balance"])
        w.writerows(rows)
    finally:
        if args.out:
            out.close()


if __name__ == "__main__":
    main()
