#!/bin/sh
# Installs cartera into a scratch prefix, builds the example module from the copy installed under
# share/doc/cartera/examples/hello-c as a third party would (find_package(cartera), without
# OpenSSL), and checks that the installed host lists and runs it.
set -eu
cmake=$1 build=$2 example=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" >/dev/null
# The example is installed with the headers, as the source tree has it.
installed="$work/prefix/share/doc/cartera/examples/hello-c"
diff -r "$example" "$installed"
# Built from that installed copy, with OpenSSL hidden from CMake: a module of the C header alone
# needs none of the SDK's dependencies (carteraConfig.cmake looks for OpenSSL, never requires it).
"$cmake" -S "$installed" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_DISABLE_FIND_PACKAGE_OpenSSL=TRUE -DCARTERA_MODULE_OUTPUT_DIRECTORY="$work/modules" >/dev/null
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
