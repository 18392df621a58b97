#!/usr/bin/env bash
# Whole-run benchmark of issue 7: moratory interest of 1,000,000 overdue invoices in SQLite.
# The generated company's invoices (200,000 customers x 5 months issued through 2026-06-30, none
# paid) are all overdue on 2026-07-31, the last day with a shipped certification; `interest
# liquidate` reads them, liquidates each day by day across the months' rates, and writes one CSV
# row each. A second company with payments (some late, partial) measures the imputation path.
# Peak memory from /usr/bin/time. Usage: bench/interest_1m.sh [WORKDIR] [--keep]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cartera="$root/build/bin/cartera"
work=${1:-/tmp/cartera-bench-interest}
measure() { /usr/bin/time -f "%e s, %M KB peak" "$@"; }

if [ ! -f "$work/cartera.db" ]; then
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  echo "== generate: 200,000 customers x 5 months, no payments, issued through 2026-06-30"
  measure "$cartera" --quiet host generate --customers 200000 --months 5 --no-payments --seed 7 --as-of 2026-06-30 --out export
  echo "== import"
  measure "$cartera" --quiet host import export
  "$cartera" --quiet modules enable interest --department cartera >/dev/null
fi
cd "$work"
echo "== interest liquidate --as-of 2026-07-31 (2026-08 would be refused: no certification shipped)"
for i in 1 2 3; do
  measure "$cartera" --quiet interest liquidate --as-of 2026-07-31 --format csv --output interest.csv
done
echo "== rows"
sqlite3 cartera.db "SELECT COUNT(*) FROM ref_invoice WHERE due_date < '2026-07-31'; SELECT COUNT(*) FROM ref_application;"
wc -l interest.csv
