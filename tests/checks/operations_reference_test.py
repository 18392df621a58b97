#!/usr/bin/env python3
"""script/make-operations-reference lists every operation and contract, and refuses catalogs that disagree.

    operations_reference_test.py SOURCE_DIR

On the tree the page names every operation of the host's and the adapters' catalogs and every
published contract, with its columns; in a copy where one adapter declares a column of another
type than the other adapters do, the generator fails naming the operation and writes nothing.
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SOURCE = pathlib.Path(sys.argv[1]).resolve()
OPS = "{urn:cartera:operations:1}"
failures = []


def generate(root, output):
    r = subprocess.run([sys.executable, str(root / "script" / "make-operations-reference"), "--root", str(root),
                        str(output)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    code, output = generate(SOURCE, tmp / "operations.md")
    if code != 0:
        failures.append(f"the generator fails on the tree:\n{output}")
    else:
        page = (tmp / "operations.md").read_text(encoding="utf-8")
        catalogs = list(SOURCE.glob("host-adapters/*/operations.xml"))
        for path in catalogs:
            for op in ET.parse(path).getroot().iter(OPS + "operation"):
                if f"### {op.get('name')}\n" not in page and op.get("name") != "attach_check":
                    failures.append(f"the page has no section for {op.get('name')} ({path})")
        for path in SOURCE.glob("plugins/*/*.operations.xml"):
            for op in ET.parse(path).getroot().iter(OPS + "operation"):
                contract = op.get("publish") or op.get("gather")
                if contract and f"### {contract}\n" not in page:
                    failures.append(f"the page has no section for the contract {contract} ({path})")
        if "| 5 | `balance` | `centavos` (1/100 peso) |" not in page:
            failures.append("open_items' balance is not listed as its sixth column, in centavos")

    root = tmp / "copy"
    for folder in ("host-adapters", "plugins", "plugin-api/examples", "script"):
        shutil.copytree(SOURCE / folder, root / folder)
    gnucash = root / "host-adapters/gnucash/operations.xml"
    text = gnucash.read_text(encoding="utf-8")
    planted = re.sub(r'(<operation name="open_items".*?<column name="balance" type=)"centavos"', r'\1"integer"', text,
                     count=1, flags=re.S)
    assert planted != text
    gnucash.write_text(planted, encoding="utf-8")
    code, output = generate(root, tmp / "drifted.md")
    if code == 0 or "operation open_items" not in output or (tmp / "drifted.md").exists():
        failures.append(f"the generator accepts adapters that disagree on open_items (exit {code}):\n{output}")

for f in failures:
    print("FAIL:", f)
print("operations reference:", "failed" if failures else "complete on the tree, refused when catalogs disagree")
sys.exit(1 if failures else 0)
