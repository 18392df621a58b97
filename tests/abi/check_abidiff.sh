#!/bin/sh
# abidiff BASELINE against the freshly built anchor library. Exit bits (man abidiff): 1 error,
# 2 usage, 4 ABI change, 8 incompatible change.
#   mode "exact" (default): any change fails: an intended one comes with a minor bump and a new
#     baseline (plugin-api/README.md "Changing the ABI").
#   mode "additive": against an older minor's baseline, appended fields (bit 4) are expected;
#     anything incompatible (bit 8) or an error still fails. Modules built for it keep loading.
set -u
abidiff=$1 baseline=$2 lib=$3 headers=$4 mode=${5:-exact}
"$abidiff" --headers-dir2 "$headers" "$baseline" "$lib"
rc=$?
if [ "$mode" = additive ] && [ $rc -eq 4 ]; then
  echo "ABI extends $baseline compatibly (fields appended only)"
  exit 0
fi
if [ $rc -ne 0 ]; then
  echo "abidiff exit $rc: the ABI differs from $baseline" >&2
  [ $((rc & 8)) -ne 0 ] && echo "  incompatible change (bit 8)" >&2
  [ $((rc & 4)) -ne 0 ] && echo "  ABI change (bit 4): bump CARTERA_ABI_MINOR and record a new baseline" >&2
  exit 1
fi
echo "ABI matches $baseline"
