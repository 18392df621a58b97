#!/usr/bin/env python3
"""Writes host-adapters/gnucash/operations.xml: the GnuCash adapter's named operations.

One description per operation, so that the SQLite and PostgreSQL texts differ only where the
dialects do (how a UTC timestamp becomes a local date, how a sum is cast). The XML it writes
is what ships and what cartera reads; run `host-adapters/gnucash/make_operations.py
host-adapters/gnucash/operations.xml` after editing this file.
"""
# ld(x): the calendar date, in the configured zone, of GnuCash's UTC timestamp x, read one hour
# late. GnuCash keeps calendar dates as the day's start (00:00 local) or its 10:59 UTC "neutral"
# time, never as an instant near midnight, so the hour is harmless to them; it absorbs GnuCash
# 4.13's own zone error: in America/Bogota it writes day starts at 04:00 UTC from May to January
# (a daylight-saving offset Colombia dropped in 1993), which UTC-5 alone would put a day early.
# big(x): a sum as a 64-bit integer (PostgreSQL's SUM of bigint is numeric).
D = {
 'sqlite': dict(
   params_asof="WITH params AS (SELECT :as_of AS as_of, :utc_shift AS shift)",
   params_noasof="WITH params AS (SELECT :utc_shift AS shift)",
   ld=lambda x: f"date({x}, params.shift, '+60 minutes')",
   big=lambda x: x,
 ),
 'postgresql': dict(
   params_asof="WITH params AS (SELECT CAST(:as_of AS DATE) AS as_of, CAST(:utc_shift AS INTERVAL) AS shift)",
   params_noasof="WITH params AS (SELECT CAST(:utc_shift AS INTERVAL) AS shift)",
   ld=lambda x: f"CAST(CAST({x} AS TIMESTAMP) + params.shift + INTERVAL '60 minutes' AS DATE)",
   big=lambda x: f"CAST({x} AS BIGINT)",
 ),
}
def txt(d, x):
    # a date expression as ISO text
    return x if d == 'sqlite' else f"to_char({x}, 'YYYY-MM-DD')"

def owners(d):
    # Customer invoices: owned by a customer (owner_type 2) or by a job (3) of a customer.
    return """customer_invoice AS (
  SELECT i.guid, i.id AS invoice_id, i.post_txn, i.post_lot, i.post_acc, i.date_posted,
         COALESCE(c.id, jc.id) AS customer_id, COALESCE(j.id, '') AS contract_id
  FROM invoices i
  LEFT JOIN customers c ON i.owner_type = 2 AND c.guid = i.owner_guid
  LEFT JOIN jobs j ON i.owner_type = 3 AND j.guid = i.owner_guid
  LEFT JOIN customers jc ON j.owner_type = 2 AND jc.guid = j.owner_guid
  WHERE i.post_lot IS NOT NULL AND (c.guid IS NOT NULL OR jc.guid IS NOT NULL))"""

def lot_balance(d, asof=True):
    cond = f"\n  WHERE {D[d]['ld']('t.post_date')} <= params.as_of" if asof else ""
    return f"""lot_balance AS (
  SELECT s.lot_guid, {D[d]['big']('SUM(s.quantity_num * 100 / s.quantity_denom)')} AS balance,
         MIN(t.post_date) AS first_post
  FROM splits s
  JOIN transactions t ON t.guid = s.tx_guid
  CROSS JOIN params{cond}
  GROUP BY s.lot_guid)"""

def due_slot():
    return "JOIN slots due ON due.obj_guid = ci.post_txn AND due.name = 'trans-date-due'"

ops = []
def op(name, summary, params, columns, sql_for, kind='read'):
    ops.append((name, kind, summary, params, columns, sql_for))

def open_sql(d, cols, order):
    ld = D[d]['ld']
    return f"""{D[d]['params_asof']},
{owners(d)},
{lot_balance(d)}
SELECT {cols(ld)}
FROM customer_invoice ci
CROSS JOIN params
JOIN lot_balance b ON b.lot_guid = ci.post_lot
{due_slot()}
WHERE {ld('ci.date_posted')} <= params.as_of AND b.balance > 0{order}"""

op('open_items',
   "Customer invoices posted on or before as_of (in the configured zone) whose posted lot keeps a balance after the splits dated on or before as_of; by customer, oldest due first.",
   [('as_of','date')],
   [('customer_id','text'),('contract_id','text'),('invoice_id','text'),('issue_date','date'),('due_date','date'),('balance','centavos')],
   lambda d: open_sql(d, lambda ld: f"ci.customer_id, ci.contract_id, ci.invoice_id, {txt(d, ld('ci.date_posted'))},\n       {txt(d, ld('due.timespec_val'))}, b.balance",
                      "\nORDER BY 1, 5, 3"))
op('open_balances',
   "The same open balances as open_items, unordered: the fast path for aging by customer or contract.",
   [('as_of','date')],
   [('customer_id','text'),('contract_id','text'),('issue_date','date'),('due_date','date'),('balance','centavos'),('invoice_id','text')],
   lambda d: open_sql(d, lambda ld: f"ci.customer_id, ci.contract_id, {txt(d, ld('ci.date_posted'))}, {txt(d, ld('due.timespec_val'))}, b.balance,\n       ci.invoice_id", ""))
op('open_balances_by_party',
   "The same open balances as open_items, unordered, with the parties aging groups by. GnuCash keeps no agency, advisor or company: those are empty.",
   [('as_of','date')],
   [('customer_id','text'),('contract_id','text'),('agency_id','text'),('advisor_id','text'),('company_id','text'),('issue_date','date'),('due_date','date'),('balance','centavos'),('invoice_id','text')],
   lambda d: open_sql(d, lambda ld: f"ci.customer_id, ci.contract_id, '', '', '', {txt(d, ld('ci.date_posted'))},\n       {txt(d, ld('due.timespec_val'))}, b.balance, ci.invoice_id", ""))

def unapplied_sql(d):
    ld = D[d]['ld']
    return f"""{D[d]['params_asof']},
{lot_balance(d)},
lot_owner AS (
  SELECT frame.obj_guid AS lot_guid, owner.guid_val AS owner_guid, kind.int64_val AS owner_type
  FROM slots frame
  JOIN slots owner ON owner.obj_guid = frame.guid_val AND owner.name = 'gncOwner/owner-guid'
  JOIN slots kind ON kind.obj_guid = frame.guid_val AND kind.name = 'gncOwner/owner-type'
  WHERE frame.name = 'gncOwner')
SELECT COALESCE(c.id, jc.id), COALESCE(j.id, ''), '', '', '', {txt(d, ld('b.first_post'))}, -b.balance
FROM lot_balance b
CROSS JOIN params
JOIN lots l ON l.guid = b.lot_guid
JOIN accounts a ON a.guid = l.account_guid AND a.account_type = 'RECEIVABLE'
JOIN lot_owner o ON o.lot_guid = b.lot_guid
LEFT JOIN customers c ON o.owner_type = 2 AND c.guid = o.owner_guid
LEFT JOIN jobs j ON o.owner_type = 3 AND j.guid = o.owner_guid
LEFT JOIN customers jc ON j.owner_type = 2 AND jc.guid = j.owner_guid
WHERE b.balance < 0 AND (c.guid IS NOT NULL OR jc.guid IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.post_lot = b.lot_guid)"""
op('unapplied_payments',
   "Customer payments, or the parts of them, that no invoice took as of as_of (GnuCash's pre-payments): what the customer has in its favour, as a positive amount, dated by the payment.",
   [('as_of','date')],
   [('customer_id','text'),('contract_id','text'),('agency_id','text'),('advisor_id','text'),('company_id','text'),('paid_on','date'),('amount','centavos')],
   unapplied_sql)

op('customers',
   "Every customer with its identification, agency and advisor. GnuCash keeps no tax id, agency or advisor: id_type and the rest are empty; name is the customer's name.",
   [], [('customer_id','text'),('id_type','text'),('id_number','text'),('name','text'),('agency_id','text'),('advisor_id','text')],
   lambda d: "SELECT id, '', '', name, '', '' FROM customers ORDER BY id")
op('contracts',
   "Every contract: GnuCash's jobs of customers, with the job's name and whether it is active.",
   [], [('contract_id','text'),('customer_id','text'),('name','text'),('status','text')],
   lambda d: """SELECT j.id, c.id, j.name, CASE WHEN j.active = 1 THEN 'active' ELSE 'inactive' END
FROM jobs j
JOIN customers c ON j.owner_type = 2 AND c.guid = j.owner_guid
ORDER BY j.id""")

def invoices_sql(d):
    ld = D[d]['ld']
    return f"""{D[d]['params_noasof']},
{owners(d)}
SELECT ci.customer_id, ci.contract_id, ci.invoice_id, {txt(d, ld('ci.date_posted'))}, {txt(d, ld('due.timespec_val'))},
       {D[d]['big']('SUM(s.quantity_num * 100 / s.quantity_denom)')}
FROM customer_invoice ci
CROSS JOIN params
{due_slot()}
JOIN splits s ON s.tx_guid = ci.post_txn AND s.account_guid = ci.post_acc
GROUP BY ci.customer_id, ci.contract_id, ci.invoice_id, ci.date_posted, due.timespec_val, params.shift
ORDER BY 1, 5, 3"""
op('invoices',
   "Every posted customer invoice with its issue and due dates (in the configured zone) and the amount it posted to receivables.",
   [], [('customer_id','text'),('contract_id','text'),('invoice_id','text'),('issue_date','date'),('due_date','date'),('amount','centavos')],
   invoices_sql)

def payments_sql(d):
    ld = D[d]['ld']
    return f"""{D[d]['params_asof']},
{owners(d)},
payment AS (
  SELECT t.guid, t.num, t.post_date
  FROM transactions t
  JOIN slots k ON k.obj_guid = t.guid AND k.name = 'trans-txn-type' AND k.string_val = 'P'
  CROSS JOIN params
  WHERE {ld('t.post_date')} <= params.as_of),
lot_owner AS (
  SELECT frame.obj_guid AS lot_guid, owner.guid_val AS owner_guid, kind.int64_val AS owner_type
  FROM slots frame
  JOIN slots owner ON owner.obj_guid = frame.guid_val AND owner.name = 'gncOwner/owner-guid'
  JOIN slots kind ON kind.obj_guid = frame.guid_val AND kind.name = 'gncOwner/owner-type'
  WHERE frame.name = 'gncOwner'),
receivable_split AS (
  SELECT p.guid AS payment_guid, p.num, p.post_date,
         COALESCE(ci.customer_id, c.id, jc.id) AS customer_id,
         -(s.quantity_num * 100 / s.quantity_denom) AS amount,
         CASE WHEN ci.guid IS NULL THEN 0 ELSE -(s.quantity_num * 100 / s.quantity_denom) END AS applied
  FROM payment p
  JOIN splits s ON s.tx_guid = p.guid
  JOIN accounts a ON a.guid = s.account_guid AND a.account_type = 'RECEIVABLE'
  LEFT JOIN customer_invoice ci ON ci.post_lot = s.lot_guid
  LEFT JOIN lot_owner o ON ci.guid IS NULL AND o.lot_guid = s.lot_guid
  LEFT JOIN customers c ON o.owner_type = 2 AND c.guid = o.owner_guid
  LEFT JOIN jobs j ON o.owner_type = 3 AND j.guid = o.owner_guid
  LEFT JOIN customers jc ON j.owner_type = 2 AND jc.guid = j.owner_guid)
SELECT r.payment_guid, MIN(r.customer_id), {txt(d, ld('r.post_date'))}, {D[d]['big']('SUM(r.amount)')}, {D[d]['big']('SUM(r.applied)')}, r.num
FROM receivable_split r
CROSS JOIN params
WHERE r.customer_id IS NOT NULL
GROUP BY r.payment_guid, r.post_date, r.num, params.shift
ORDER BY 3, 1"""
op('payments',
   "Customer payments dated on or before as_of: GnuCash's payment transactions, their amount into receivables, how much of it went to invoices, and the number given (num).",
   [('as_of','date')],
   [('payment_id','text'),('customer_id','text'),('paid_on','date'),('amount','centavos'),('applied','centavos'),('reference','text')],
   payments_sql)

def attach_sql(d):
    return """SELECT 'it was written by GnuCash ' || CAST(table_version / 1000000 AS TEXT) || '.' || CAST(table_version % 1000000 AS TEXT) || ', and cartera reads GnuCash 4.x books'
FROM versions WHERE table_name = 'Gnucash' AND (table_version < 4000000 OR table_version >= 5000000)
UNION ALL
SELECT 'it is not a GnuCash book (its versions table has no Gnucash row)'
WHERE NOT EXISTS (SELECT 1 FROM versions WHERE table_name = 'Gnucash')
UNION ALL
SELECT 'GnuCash has it open for writing (lock held by process ' || CAST(pid AS TEXT) || ' on ' || hostname || '); close the book in GnuCash and run cartera again'
FROM gnclock"""
op('attach_check',
   "Why this database is not a GnuCash 4.x book cartera may read: another version, or GnuCash holding its lock. No rows: attach.",
   [], [('problem','text')], attach_sql)

out = ['<?xml version="1.0" encoding="UTF-8"?>',
'<!-- The GnuCash host adapter: named operations over a GnuCash 4.x book (SQLite or PostgreSQL),',
'     read-only. Generated by host-adapters/gnucash/make_operations.py; edit that, not this.',
'     Amounts are GnuCash rationals turned into centavos (num * 100 / denom: exact for COP,',
'     whose smallest unit is 1/100); dates are UTC timestamps read in the configured zone',
'     (utc_shift). Validated against schemas/xml/operation-catalog.xsd when cartera starts. -->',
'<catalog xmlns="urn:cartera:operations:1" adapter="gnucash" storage="host">']
for name, kind, summary, params, columns, sql_for in ops:
    out.append('')
    out.append(f'  <operation name="{name}" kind="{kind}">')
    out.append(f'    <summary>{summary}</summary>')
    for p, t in params:
        out.append(f'    <param name="{p}" type="{t}"/>')
    uses_shift = 'params.shift' in sql_for('sqlite')
    if uses_shift:
        out.append('    <param name="utc_shift" type="text" supplied-by="host"/>')
    for c, t in columns:
        out.append(f'    <column name="{c}" type="{t}"/>')
    for d in ('sqlite', 'postgresql'):
        out.append(f'    <sql dialect="{d}">')
        out.append(sql_for(d).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'))
        out.append('    </sql>')
    out.append('  </operation>')
out.append('</catalog>')
import sys
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
