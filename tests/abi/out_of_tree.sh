#!/bin/sh
# Installs cartera into a scratch prefix, builds the example module from its own folder as a
# third party would (find_package(cartera)), and checks that the installed host lists and runs it.
set -eu
cmake=$1 build=$2 example=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" >/dev/null
"$cmake" -S "$example" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCARTERA_MODULE_OUTPUT_DIRECTORY="$work/modules" >/dev/null
"$cmake" --build "$work/build" >/dev/null
mkdir -p "$work/run" && cd "$work/run"
cat > cartera.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<cartera xmlns="urn:cartera:config:1">
  <database url="sqlite3:run.db"/>
  <modules dir="$work/modules"/>
</cartera>
XML
"$work/prefix/bin/cartera" plugins | tee plugins.txt
grep -q "hello .*org.cartera.example.hello .* ok" plugins.txt
"$work/prefix/bin/cartera" modules enable hello --department cartera
"$work/prefix/bin/cartera" hello greet --name Tercero --format csv | tee out.csv
grep -q "Hola, Tercero" out.csv
echo "out-of-tree module built, listed and run"
