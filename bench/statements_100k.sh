#!/usr/bin/env bash
# Whole-run benchmark of issue 8: about 100,000 statements of account (every customer's, and
# every family and collective contract's) built, validated, rendered as HTML and archived with
# their XML, in one `statements generate --all --format html` run on SQLite (target: 60 s), then
# again with the interest module enabled (interest to date liquidated for every invoice); then
# PDF throughput on a smaller company (measured, no target). Peak memory from /usr/bin/time.
# Usage: bench/statements_100k.sh [WORKDIR] (CUSTOMERS=N to change the size; default 58,000
# customers give about 100,000 statements).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cartera="$root/build/bin/cartera"
work=${1:-/tmp/cartera-bench-statements}
customers=${CUSTOMERS:-58000}
rm -rf "$work" && mkdir -p "$work" && cd "$work"

config() {
  cat >cartera.xml <<'XML'
<cartera xmlns="urn:cartera:config:1">
  <database url="sqlite3:cartera.db"/>
  <module-settings module="org.cartera.statements">
    <setting key="company-name" value="Prepagada Andina S.A."/>
    <setting key="company-nit" value="900123456-7"/>
    <setting key="company-phone" value="601 555 0100"/>
    <setting key="company-email" value="cartera@prepagada-andina.com.co"/>
  </module-settings>
</cartera>
XML
}
step() {
  local label=$1
  shift
  local out
  out=$({ /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1)
  printf '%-58s %7.2f s  %5d MB peak\n' "$label" "${out% *}" $((${out#* } / 1024))
}

echo "== generate and import (not timed): $customers customers with members, November and October billed"
config
"$cartera" --quiet host generate --customers "$customers" --months 2 --members --seed 11 --as-of 2026-11-30 --out erp
"$cartera" --quiet host import erp
"$cartera" --quiet modules enable statements --department cartera >/dev/null
step "statements generate --all --format html (XML + HTML)" \
  "$cartera" --quiet --now 2026-12-01T06:00:00 statements generate --as-of 2026-11-30 --all --format html
statements=$("$cartera" --quiet archive list --format csv | grep -c ',application/xml,')
echo "statements: $statements; files in the archive: $(find archive -type f | wc -l); $(du -sh archive | cut -f1)"
"$cartera" --quiet modules enable interest --department cartera >/dev/null
# No certification ships after July 2026; so that interest to date reaches 30 November (October's
# invoices are overdue then), the bench imports July's rates again for August to November.
# Bench data only: these are not SFC certifications.
cat >bench-rates.csv <<'CSV'
# Bench only: July 2026's rates repeated for August-November 2026. NOT SFC certifications.
from,to,bank_rate_ea,usury_rate_ea,resolution,source
2026-08-01,2026-08-31,19.19,28.79,,bench/statements_100k.sh (July repeated)
2026-09-01,2026-09-30,19.19,28.79,,bench/statements_100k.sh (July repeated)
2026-10-01,2026-10-31,19.19,28.79,,bench/statements_100k.sh (July repeated)
2026-11-01,2026-11-30,19.19,28.79,,bench/statements_100k.sh (July repeated)
CSV
"$cartera" --quiet interest rates import bench-rates.csv >/dev/null
step "the same with interest to date (interest enabled)" \
  "$cartera" --quiet --now 2026-12-01T06:00:00 statements generate --as-of 2026-11-30 --all --format html

echo "== PDF throughput: 2,000 customers (not timed: generate and import)"
mkdir -p pdf && cd pdf && config
"$cartera" --quiet host generate --customers 2000 --months 2 --members --seed 11 --as-of 2026-11-30 --out erp
"$cartera" --quiet host import erp
"$cartera" --quiet modules enable statements --department cartera >/dev/null
step "statements generate --all --format pdf (XML + PDF)" \
  "$cartera" --quiet --now 2026-12-01T06:00:00 statements generate --as-of 2026-11-30 --all --format pdf
pdfs=$(find archive -name '*.pdf' | wc -l)
pages=$(find archive -name '*.pdf' -print0 | xargs -0 -n 200 sh -c 'for f; do pdfinfo "$f" | sed -n "s/^Pages: *//p"; done' sh |
  awk '{s += $1} END {print s}')
echo "PDF statements: $pdfs, pages: $pages"
