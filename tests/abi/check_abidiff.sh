#!/bin/sh
# abidiff BASELINE against the freshly built anchor library. Exit bits (man abidiff): 1 error,
# 2 usage, 4 ABI change, 8 incompatible change. Any change fails: an intended one comes with
# a minor bump and a new baseline (plugin-api/README.md "Changing the ABI").
set -u
abidiff=$1 baseline=$2 lib=$3 headers=$4
"$abidiff" --headers-dir2 "$headers" "$baseline" "$lib"
rc=$?
if [ $rc -ne 0 ]; then
  echo "abidiff exit $rc: the ABI differs from $baseline" >&2
  [ $((rc & 8)) -ne 0 ] && echo "  incompatible change (bit 8)" >&2
  [ $((rc & 4)) -ne 0 ] && echo "  ABI change (bit 4): bump CARTERA_ABI_MINOR and record a new baseline" >&2
  exit 1
fi
echo "ABI matches $baseline"
