#!/usr/bin/env bash
# Issue 4: GnuCash's own "Receivable Aging" report vs cartera's aging on the same GnuCash book.
# Builds a SQLite book through GnuCash's Python bindings (tests/gnucash/make_book.py,
# TZ=America/Bogota, --as-of 2026-11-22 --seed 7), runs GnuCash's report once, headless, with the
# date fixed (tests/gnucash/gnucash_aging.py: gnucash-cli plus parsing its HTML into CSV), then
# cartera's `collections aging --buckets gnucash` and `collections open-items` on the same book,
# best of 5 wall-clock runs each, checks that the two aging CSVs are equal (after "prepayments" ->
# "prepayment" in cartera's header) and prints the times, the ratio GnuCash / cartera and whether
# cartera's aging is under the 0.5 s target. The first GnuCash session on a fresh book writes the
# book's `features` slot (2 rows, see tests/gnucash/README.md); that write is a few milliseconds
# against a report that spends its time loading the book, so a single report run is GnuCash's
# number. Needs gnucash, python3-gnucash and a built build/bin/cartera.
# Usage: bench/gnucash_aging.sh [INVOICES (default 10000)] [WORKDIR (default: a temporary folder,
# removed at exit; a given WORKDIR is kept, with the book, the CSVs and cartera.db in it)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cartera="$root/build/bin/cartera"
scripts="$root/tests/gnucash"
invoices=${1:-10000}
as_of=2026-11-22
runs=5
if [[ $# -ge 2 ]]; then
  work=$(mkdir -p "$2" && cd "$2" && pwd)
else
  work=$(mktemp -d /tmp/cartera-bench-gnucash.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
[[ -x "$cartera" ]] || { echo "no $cartera: cmake --build build -j2" >&2; exit 1; }
cd "$work"
# Only what this script writes is removed, so that a run starts from a fresh book and cartera.db.
rm -f book.gnucash book.gnucash.*.log cartera.db cartera.db-* \
  gnucash-aging.csv cartera-aging.csv cartera-open-items.csv make_book.log gnucash_aging.log
export TZ=America/Bogota # the zone the book is built in; GnuCash and cartera must read it in the same one
book="$work/book.gnucash"
gnc_url="sqlite3://$book"
db="sqlite3:$book"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# best_of FILE CMD...: runs CMD $runs times with stdout to FILE, prints the fastest wall-clock time.
best_of() {
  local out=$1 best="" t0 t i
  shift
  for ((i = 0; i < runs; i++)); do
    t0=$(now)
    "$@" >"$out"
    t=$(secs "$t0" "$(now)")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  echo "$best"
}

echo "== make_book: $invoices invoices, as of $as_of, seed 7, TZ=$TZ"
t0=$(now)
/usr/bin/python3 "$scripts/make_book.py" "$gnc_url" --invoices "$invoices" --as-of "$as_of" --seed 7 >make_book.log 2>&1 ||
  { cat make_book.log >&2; exit 1; }
t_build=$(secs "$t0" "$(now)")
echo "$t_build s"

echo "== GnuCash Receivable Aging (gnucash_aging.py, one run)"
t0=$(now)
/usr/bin/python3 "$scripts/gnucash_aging.py" "$gnc_url" --as-of "$as_of" --out gnucash-aging.csv 2>gnucash_aging.log ||
  { cat gnucash_aging.log >&2; exit 1; }
t_gnucash=$(secs "$t0" "$(now)")
cli=$(sed -n 's/.*gnucash-cli \([0-9.]*\) s.*/\1/p' gnucash_aging.log)
echo "$t_gnucash s (gnucash-cli alone ${cli:-?} s)"

echo "== cartera: modules enable collections (untimed)"
"$cartera" --host gnucash --db "$db" --quiet modules enable collections --department cartera >/dev/null
echo "== cartera collections aging --buckets gnucash (best of $runs)"
t_aging=$(best_of cartera-aging.csv "$cartera" --host gnucash --db "$db" --quiet \
  collections aging --as-of "$as_of" --buckets gnucash --format csv)
echo "$t_aging s"
echo "== cartera collections open-items (best of $runs)"
t_items=$(best_of cartera-open-items.csv "$cartera" --host gnucash --db "$db" --quiet \
  collections open-items --as-of "$as_of" --format csv)
echo "$t_items s"
rm -f "$work"/book.gnucash.*.log # GnuCash's translogs (its scripts delete theirs; this is a backstop)

echo "== check: cartera's aging CSV = GnuCash's"
if ! diff <(sed '1s/^customer_id,prepayments,/customer_id,prepayment,/' cartera-aging.csv) gnucash-aging.csv >aging.diff; then
  echo "DIFFERENT (cartera '<', GnuCash '>'), first lines of the diff:" >&2
  head -20 aging.diff >&2
  exit 1
fi
rm -f aging.diff
echo "equal: $(($(wc -l <gnucash-aging.csv) - 2)) customer rows + (total); open items: $(($(wc -l <cartera-open-items.csv) - 1)) rows"

ratio=$(awk -v g="$t_gnucash" -v c="$t_aging" 'BEGIN { printf "%.0f", g / c }')
target=$(awk -v c="$t_aging" 'BEGIN { print (c < 0.5) ? "met" : "NOT met" }')
echo
printf '| %-42s | %10s |\n' "$invoices invoices, TZ=$TZ, 2 cores" "seconds"
printf '|%s|%s|\n' "--------------------------------------------" "------------"
printf '| %-42s | %10s |\n' "make_book (not part of the ratio)" "$t_build" \
  "GnuCash Receivable Aging (1 run)" "$t_gnucash" \
  "  of which gnucash-cli" "${cli:-?}" \
  "cartera aging (best of $runs)" "$t_aging" \
  "cartera open-items (best of $runs)" "$t_items"
echo
echo "ratio GnuCash / cartera aging: ${ratio} x"
echo "target cartera aging < 0.5 s: $target ($t_aging s)"
