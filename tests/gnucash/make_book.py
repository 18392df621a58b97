#!/usr/bin/python3
"""Build a deterministic GnuCash 4.13 receivables book for cartera's tests.

    make_book.py URL --invoices N --as-of YYYY-MM-DD [--seed S]

URL is sqlite3:///abs/path/book.gnucash or postgres://user[:pw]@host:port/db (the
PostgreSQL database must exist; its contents are overwritten).  The book is written
with GnuCash's own Python bindings (SESSION_NEW_OVERWRITE), so it is a real GnuCash
book: currency COP, accounts Assets:Accounts Receivable, Assets:Bank, Income:Sales;
customers C0001.. (about one per 8 invoices, at least 3), a third of them with one
job K00001..; N invoices F000001.. posted in [as_of-180, as_of] with due = post +
0/15/30/45/60 days, some paid in full, some in part, some payments after as_of;
2 invoices posted after as_of; an unapplied prepayment of 250,000.00 for C0002
before as_of and one for C0003 after as_of; and customer ZZ9999 with one invoice
on each aging bucket edge.  Dates are calendar dates in the process's local time
zone (TZ).  The same seed always gives the same book.  Prints a one-line summary.
"""
import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta

from gnc_files import sqlite_path, translogs


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("url")
    p.add_argument("--invoices", type=int, required=True)
    p.add_argument("--as-of", required=True, type=date.fromisoformat)
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()






def main():
    args = parse_args()
    if args.invoices < 1:
        sys.exit("make_book: --invoices must be >= 1")
    t0 = time.monotonic()
    # GnuCash writes translogs for non-file books (and state) under its data home:
    # keep them in a private temporary folder.
    tmp = tempfile.mkdtemp(prefix="gnc-make-book-")
    os.environ["GNC_DATA_HOME"] = tmp
    try:
        build(args, t0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build(args, t0):
    # Import late: gnucash's import initialises the engine (and reads TZ).
    from gnucash import Session, SessionOpenMode, Account, GncNumeric
    from gnucash.gnucash_business import Customer, Job, Invoice, Entry
    import gnucash.gnucash_core_c as gc

    url = args.url
    path = sqlite_path(url)
    if path is not None and not os.path.isabs(path):
        sys.exit("make_book: the sqlite3 URL needs an absolute path: sqlite3:///abs/path")
    logs_before = translogs(path)

    rng = random.Random(args.seed)
    as_of = args.as_of
    n = args.invoices

    s = Session()
    try:
        s.begin(url, SessionOpenMode.SESSION_NEW_OVERWRITE)
    except Exception as e:  # GnuCashBackendException
        sys.exit("make_book: cannot open %s: %s" % (url, e))
    try:
        book = s.book
        cop = book.get_table().lookup("CURRENCY", "COP")
        if cop is None:
            sys.exit("make_book: GnuCash does not know currency COP")
        root = book.get_root_account()

        def acct(name, typ, parent):
            a = Account(book)
            a.BeginEdit()
            a.SetName(name)
            a.SetType(typ)
            a.SetCommodity(cop)
            a.CommitEdit()
            parent.append_child(a)
            return a

        assets = acct("Assets", gc.ACCT_TYPE_ASSET, root)
        ar = acct("Accounts Receivable", gc.ACCT_TYPE_RECEIVABLE, assets)
        bank = acct("Bank", gc.ACCT_TYPE_BANK, assets)
        income = acct("Income", gc.ACCT_TYPE_INCOME, root)
        sales = acct("Sales", gc.ACCT_TYPE_INCOME, income)

        # Bulk edit: without this every posting/payment re-sorts and re-balances the
        # whole split list of these accounts (O(n^2); 10k invoices took ~15 min).
        for a in (ar, bank, sales):
            a.BeginEdit()

        counts = {"payments": 0, "payments_after_as_of": 0, "jobs": 0,
                  "job_invoices": 0, "paid_full": 0, "paid_part": 0}

        # Customers and jobs.
        n_cust = max(3, round(n / 8))
        customers = []
        jobs = {}  # customer index -> Job
        for i in range(n_cust):
            cid = "C%04d" % (i + 1)
            customers.append(Customer(book, cid, cop, "Cliente %04d S.A.S." % (i + 1)))
        for i in range(n_cust):
            if rng.random() < 1 / 3:
                counts["jobs"] += 1
                jid = "K%05d" % counts["jobs"]
                jobs[i] = Job(book, jid, customers[i], "Contrato " + jid)

        inv_seq = [0]

        def new_invoice(owner, amount_cents, post, due):
            inv_seq[0] += 1
            inv = Invoice(book, "F%06d" % inv_seq[0], cop, owner, post)
            e = Entry(book, inv, post)
            e.SetDescription("Venta")
            e.SetQuantity(GncNumeric(1))
            e.SetInvAccount(sales)
            e.SetInvPrice(GncNumeric(amount_cents, 100))
            inv.PostToAccount(ar, post, due, "", True, False)
            return inv

        def pay(inv, amount_cents, when):
            counts["payments"] += 1
            if when > as_of:
                counts["payments_after_as_of"] += 1
            inv.ApplyPayment(None, bank, GncNumeric(amount_cents, 100), GncNumeric(1),
                             when, "Pago", "R%06d" % counts["payments"])

        def random_amount_cents():
            pesos = rng.randint(50_000, 5_000_000)
            if rng.random() < 0.2:
                return pesos * 100 + rng.randint(1, 99)
            return pesos * 100

        def random_date(lo, hi):
            return lo + timedelta(days=rng.randint(0, (hi - lo).days))

        # Regular invoices.
        for _ in range(n):
            ci = rng.randrange(n_cust)
            owner = customers[ci]
            if ci in jobs and rng.random() < 0.5:
                owner = jobs[ci]
                counts["job_invoices"] += 1
            post = as_of - timedelta(days=rng.randint(0, 180))
            due = post + timedelta(days=rng.choice((0, 15, 30, 45, 60)))
            cents = random_amount_cents()
            inv = new_invoice(owner, cents, post, due)
            r = rng.random()
            last_pay = as_of + timedelta(days=20)
            if r < 0.35:
                counts["paid_full"] += 1
                pay(inv, cents, random_date(post, last_pay))
            elif r < 0.65:
                counts["paid_part"] += 1
                paid = rng.randint(cents // 10, cents * 9 // 10) // 100 * 100  # whole pesos
                if rng.random() < 0.5:
                    first = paid // 200 * 100
                    d1 = random_date(post, last_pay)
                    pay(inv, first, d1)
                    pay(inv, paid - first, random_date(d1, last_pay))
                else:
                    pay(inv, paid, random_date(post, last_pay))

        # Two invoices posted after as_of: an aging as of as_of must ignore them.
        for k in (3, 12):
            post = as_of + timedelta(days=k)
            new_invoice(customers[rng.randrange(n_cust)], random_amount_cents(),
                        post, post + timedelta(days=30))

        # ZZ9999: one invoice on each bucket edge, n = as_of - due in days.
        zz = Customer(book, "ZZ9999", cop, "ZZ Frontera Ltda.")
        for i, overdue in enumerate((-1, 0, 29, 30, 59, 60, 89, 90)):
            due = as_of - timedelta(days=overdue)
            new_invoice(zz, 1000 * 2 ** i * 100, min(due, as_of) - timedelta(days=10), due)
        due = as_of - timedelta(days=10)
        inv = new_invoice(zz, 300_000 * 100, due - timedelta(days=30), due)
        pay(inv, 300_000 * 100, as_of + timedelta(days=1))

        # Unapplied prepayments (auto-pay off): C0002 before as_of, C0003 after it.
        prepay = [(customers[1], 250_000 * 100, as_of - timedelta(days=7), "Anticipo"),
                  (customers[2], 180_000 * 100, as_of + timedelta(days=5), "Anticipo posterior")]
        for cust, cents, when, memo in prepay:
            cust.ApplyPayment(None, None, ar, bank, GncNumeric(cents, 100), GncNumeric(1),
                              when, memo, "PRE-" + cust.GetID(), False)

        for a in (ar, bank, sales):
            a.CommitEdit()
        s.save()
    finally:
        s.end()
        s.destroy()
    for f in translogs(path) - logs_before:
        os.remove(f)

    print("make_book: %s customers=%d jobs=%d invoices=%d (+2 after as_of, +9 ZZ9999) "
          "job_invoices=%d paid_full=%d paid_part=%d payments=%d (after as_of %d) "
          "prepayments=2 as_of=%s seed=%d TZ=%s seconds=%.1f"
          % (url, n_cust + 1, counts["jobs"], n, counts["job_invoices"], counts["paid_full"],
             counts["paid_part"], counts["payments"], counts["payments_after_as_of"],
             as_of, args.seed, os.environ.get("TZ", ""), time.monotonic() - t0))


if __name__ == "__main__":
    main()
