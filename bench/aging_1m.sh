#!/usr/bin/env bash
# Whole-run benchmark of issue 3: 200,000 customers and 1,000,000 open invoices in SQLite.
# Times the import, `collections aging`, and the scan floor: one GROUP BY over the same rows in
# the sqlite3 shell. Peak memory from /usr/bin/time. Usage: bench/aging_1m.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cartera="$root/build/bin/cartera"
work=${1:-/tmp/cartera-bench-aging}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
measure() { /usr/bin/time -f "%e s, %M KB peak" "$@"; }

echo "== generate: 200,000 customers x 5 months, no payments (1,000,000 open invoices)"
measure "$cartera" --quiet host generate --customers 200000 --months 5 --no-payments --seed 1 --as-of 2026-11-22 --out export
echo "== import"
measure "$cartera" --quiet host import export
"$cartera" --quiet modules enable collections --department cartera >/dev/null
echo "== collections aging (by customer)"
for i in 1 2 3; do measure "$cartera" --quiet collections aging --as-of 2026-11-22 --format csv --output aging.csv; done
echo "== scan floor: sqlite3 shell, one GROUP BY customer over the invoices"
for i in 1 2 3; do
  measure sqlite3 cartera.db "SELECT customer_id, SUM(amount) FROM ref_invoice WHERE issue_date <= '2026-11-22' GROUP BY customer_id" >/dev/null
done
echo "== rows"
sqlite3 cartera.db "SELECT COUNT(*) FROM ref_invoice; SELECT COUNT(*) FROM ref_customer;"
wc -l aging.csv
