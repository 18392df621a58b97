#!/usr/bin/env bash
# Whole-run benchmark of issue 5: 100,000 bank movements (a camt.053 of about 70,000 entries and
# an Asobancaria 2001 file of about 30,000) against 1,000,000 open invoices in SQLite. Times
# `payments import` of both files, `payments match` and `payments approve --all`, each as its
# own run, with peak memory from /usr/bin/time; the target is the four together in 10 s, each
# under 1 GB. Usage: bench/payments_100k.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cartera="$root/build/bin/cartera"
work=${1:-/tmp/cartera-bench-payments}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
day=2026-11-23

echo "== generate: 42,000 customers x 24 months, no payments (1,008,000 open invoices), bank files of $day"
"$cartera" --quiet host generate --customers 42000 --no-payments --seed 7 --as-of 2026-11-22 --out erp \
  --bank-files --bank-entries 100000
# Treasury takes the cash receipts in its folder, as IT would set it up: the approval records
# them, queues their delivery and their filing in the payers' folders; archive file and the
# exchange write them (timed apart, not in the target).
cat >cartera.xml <<'XML'
<cartera xmlns="urn:cartera:config:1">
  <database url="sqlite3:cartera.db"/>
  <exchange>
    <recipient id="tesoreria" documents="cash-receipt-request"><folder dir="tesoreria"/></recipient>
  </exchange>
</cartera>
XML
echo "== host import (not timed: the ERP's data, loaded once)"
"$cartera" --quiet host import erp
"$cartera" --quiet modules enable payments --department cartera >/dev/null

total=0
step() {
  local label=$1
  shift
  local out
  # Each step starts from a quiet disk: what the previous one left for the kernel to write back
  # (hundreds of MB of database, 90,000 receipt files) is not charged to the next.
  sync
  out=$({ /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1)
  local secs=${out% *} kb=${out#* }
  total=$(echo "$total + $secs" | bc)
  printf '%-32s %6.2f s  %5d MB peak\n' "$label" "$secs" $((kb / 1024))
}
step "payments import (camt.053)" "$cartera" --quiet payments import "erp/bank/camt053-$day.xml"
step "payments import (Asobancaria)" "$cartera" --quiet payments import "erp/bank/asobancaria-$day.txt"
step "payments match" "$cartera" --quiet --user ana payments match --as-of "$day"
step "payments approve --all" "$cartera" --quiet --user beto payments approve --all
printf '%-32s %6.2f s  (target: 10 s)\n' "total" "$total"
total=0
# After the day, not in the target: the approval's receipts filed in the payers' folders
# (archive="deferred"; exchange deliver would do it first), then delivered to treasury.
step "archive file (payers' folders)" "$cartera" --quiet archive file
step "exchange deliver (to treasury)" "$cartera" --quiet exchange deliver
echo "== what was placed"
"$cartera" --quiet payments report --date "$day"
