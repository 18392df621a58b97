#!/usr/bin/python3
"""Run GnuCash's own "Receivable Aging" report headless for a fixed date; print CSV.

    gnucash_aging.py URL --as-of YYYY-MM-DD [--out FILE]

URL is sqlite3:///abs/path/book.gnucash or postgres://user:pw@host:port/db.
The report date ("General / To") is fixed to noon of the as_of day in the process's
local time zone (TZ is inherited; GnuCash buckets in that zone) by a saved-report
configuration in a private, temporary GNC_DATA_HOME; gnucash-cli runs with
LC_ALL=C.UTF-8.  The HTML table is parsed and written as CSV (stdout or --out):

    customer_id,prepayment,current,days_0_30,days_31_60,days_61_90,days_91_plus,total

one row per customer row of the report, keyed by the customer's GnuCash id (the
GUID in the row's `customer=<GUID>` link is looked up in the book's customers
table: sqlite3 module read-only, or the psql client), sorted by customer_id: data
rows only, as cartera's own CSV.  The report's Total row is checked against the sum
of the customer rows, column by column (exit 1 if they differ), and not written.
Amounts: plain pesos, two decimals.
Exits non-zero with a message if gnucash-cli fails or the table is missing.
Translog files `<book>.<timestamp>.log` created next to a sqlite book are deleted.
"""
import argparse
import csv
import html.parser
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import date
from decimal import Decimal

from gnc_files import sqlite_path, translogs

AGING_GUID = "9cf76bed17f14401b8e3e22d0079cb98"      # GnuCash's "Receivable Aging" (new-aging.scm)
CI_GUID = "0c1a9e5e6b2f4b7a9d3c2e1f0a9b8c7d"
CI_NAME = "cartera CI Receivable Aging"
HEADER = ["Company", "Pre-Payment", "Current", "0-30 days", "31-60 days",
          "61-90 days", "91+ days", "Total"]
CSV_HEADER = ["customer_id", "prepayment", "current", "days_0_30", "days_31_60",
              "days_61_90", "days_91_plus", "total"]

SAVED_REPORT = """(let ()
  (define (options-gen)
    (let ((options (gnc:report-template-new-options/report-guid "%(parent)s" "Receivable Aging")))
      (let ((option (gnc:lookup-option options "General" "To")))
        ((lambda (o) (if o ((gnc:option-setter o) '(absolute . %(epoch)d)))) option))
      options))
  (gnc:define-report 'version 1 'name "%(name)s"
    'report-guid "%(guid)s" 'parent-type "%(parent)s"
    'options-generator options-gen 'menu-path (list gnc:menuname-custom)
    'renderer (gnc:report-template-renderer/report-guid "%(parent)s" "Receivable Aging")))
"""


def die(msg):
    sys.stderr.write("gnucash_aging: " + msg + "\n")
    sys.exit(1)






class TableParser(html.parser.HTMLParser):
    """Collects every <table> as a list of rows; a row is a list of cells
    (tag, text, [hrefs])."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self.stack = []      # open tables (lists of rows)
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.stack.append([])
        elif tag == "tr" and self.stack:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = [tag, "", []]
        elif tag == "a" and self.cell is not None:
            href = dict(attrs).get("href")
            if href:
                self.cell[2].append(href)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.cell[1] = " ".join(self.cell[1].split())
            self.row.append(tuple(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.stack:
                self.stack[-1].append(self.row)
            self.row = None
        elif tag == "table" and self.stack:
            self.tables.append(self.stack.pop())

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


AMOUNT = re.compile(r"^(-?)\s*\$?\s*(-?)([0-9][0-9,]*)(?:\.([0-9]+))?$")


def amount(text):
    """'$1,462,800.00' -> '1462800.00', '-$250,000.00' -> '-250000.00'."""
    t = text.replace("\u00a0", " ").strip()
    neg = False
    if t.startswith("(") and t.endswith(")"):
        neg, t = True, t[1:-1].strip()
    m = AMOUNT.match(t)
    if not m:
        die("cannot parse amount %r in the report" % text)
    neg = neg or bool(m.group(1) or m.group(2))
    value = Decimal(m.group(3).replace(",", "") + "." + (m.group(4) or "0"))
    if neg:
        value = -value
    value = value.quantize(Decimal("0.01"))
    if value == 0:
        value = abs(value)
    return "%.2f" % value


def parse_report(html_text):
    p = TableParser()
    p.feed(html_text)
    p.close()
    for table in p.tables:
        for i, row in enumerate(table):
            heads = [c[1] for c in row if c[0] == "th"]
            lead = 0
            if heads[:1] == [""]:          # several A/R accounts: a leading empty column
                heads, lead = heads[1:], 1
            if heads == HEADER:
                return table[i + 1:], lead
    die("the report has no table with header " + " | ".join(HEADER))


def customer_ids(url):
    """GUID -> customer id, read from the book without GnuCash."""
    path = sqlite_path(url)
    if path is not None:
        uri = "file:" + urllib.parse.quote(path) + "?mode=ro"
        con = sqlite3.connect(uri, uri=True)
        try:
            return dict(con.execute("SELECT guid, id FROM customers").fetchall())
        finally:
            con.close()
    if url.startswith(("postgres://", "postgresql://")):
        u = urllib.parse.urlsplit(url)
        env = dict(os.environ)
        if u.password is not None:
            env["PGPASSWORD"] = urllib.parse.unquote(u.password)
        cmd = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
               "-h", u.hostname or "localhost", "-p", str(u.port or 5432),
               "-d", urllib.parse.unquote(u.path.lstrip("/"))]
        if u.username:
            cmd += ["-U", urllib.parse.unquote(u.username)]
        cmd += ["-c", "SELECT guid, id FROM customers"]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            die("psql failed (%d): %s" % (r.returncode, r.stderr.strip()))
        out = {}
        for line in r.stdout.splitlines():
            if line:
                guid, cid = line.split("\t", 1)
                out[guid] = cid
        return out
    die("unsupported URL (sqlite3:// or postgres://): " + url)


def run_report(url, as_of):
    """Returns (html text, seconds)."""
    # Noon of the as_of day in the local zone: GnuCash takes the end of that day.
    noon = int(time.mktime((as_of.year, as_of.month, as_of.day, 12, 0, 0, 0, 0, -1)))
    tmp = tempfile.mkdtemp(prefix="gnc-aging-")
    path = sqlite_path(url)
    before = translogs(path)
    try:
        datahome = os.path.join(tmp, "data")
        os.makedirs(datahome)
        os.makedirs(os.path.join(tmp, "config"))
        with open(os.path.join(datahome, "saved-reports-2.8"), "w") as f:
            f.write(SAVED_REPORT % {"parent": AGING_GUID, "guid": CI_GUID,
                                    "name": CI_NAME, "epoch": noon})
        env = dict(os.environ)
        env.update(GNC_DATA_HOME=datahome, GNC_CONFIG_HOME=os.path.join(tmp, "config"),
                   LC_ALL="C.UTF-8", LANG="C.UTF-8")
        env.pop("LANGUAGE", None)
        out_html = os.path.join(tmp, "aging.html")
        cmd = ["gnucash-cli", "--report", "run", "--name", CI_NAME,
               "--output-file", out_html, url]
        t0 = time.monotonic()
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        secs = time.monotonic() - t0
        if r.returncode != 0:
            die("gnucash-cli failed (exit %d):\n%s%s" % (r.returncode, r.stdout, r.stderr))
        if not os.path.exists(out_html) or os.path.getsize(out_html) == 0:
            die("gnucash-cli wrote no report:\n%s%s" % (r.stdout, r.stderr))
        with open(out_html, encoding="utf-8") as f:
            return f.read(), secs
    finally:
        for f in translogs(path) - before:
            try:
                os.remove(f)
            except OSError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("url")
    ap.add_argument("--as-of", required=True, type=date.fromisoformat)
    ap.add_argument("--out")
    ap.add_argument("--keep-html", metavar="FILE", help="also save the report's HTML here")
    args = ap.parse_args()

    path = sqlite_path(args.url)
    if path is not None and not os.path.isfile(path):
        die("no such book: " + path)
    text, secs = run_report(args.url, args.as_of)
    if args.keep_html:
        with open(args.keep_html, "w", encoding="utf-8") as f:
            f.write(text)
    rows, lead = parse_report(text)
    ids = customer_ids(args.url)

    customers, total = [], None
    for row in rows:
        cells = row[lead:]
        if len(cells) != 8:
            continue
        label, hrefs = cells[0][1], cells[0][2]
        m = next((re.search(r"customer=([0-9a-f]{32})", h) for h in hrefs
                  if re.search(r"customer=([0-9a-f]{32})", h)), None)
        values = [amount(c[1]) for c in cells[1:]]
        if m:
            guid = m.group(1)
            if guid not in ids:
                die("customer GUID %s (%s) is not in the book's customers table" % (guid, label))
            customers.append([ids[guid]] + values)
        elif label == "Total":
            if total is not None:
                die("more than one Total row (several A/R accounts?) is not supported")
            total = ["(total)"] + values
    if total is None:
        die("the report's table has no Total row")
    seen = [r[0] for r in customers]
    if len(seen) != len(set(seen)):
        die("a customer appears in more than one row (several A/R accounts?)")
    customers.sort(key=lambda r: r[0])
    for col, want in enumerate(total[1:], start=1):
        got = sum((Decimal(r[col]) for r in customers), Decimal("0.00"))
        if got != Decimal(want):
            die("the report's Total %s in column %s is not the sum of its customer rows (%s)"
                % (want, CSV_HEADER[col], got))

    out = open(args.out, "w", newline="") if args.out else sys.stdout
    try:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(CSV_HEADER)
        w.writerows(customers)
    finally:
        if args.out:
            out.close()
    sys.stderr.write("gnucash_aging: %d customer rows, gnucash-cli %.1f s\n"
                     % (len(customers), secs))


if __name__ == "__main__":
    main()
