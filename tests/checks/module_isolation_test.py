#!/usr/bin/env python3
"""script/check-module-isolation passes on the tree and fails on a violation planted in a copy.

    module_isolation_test.py SOURCE_DIR

A copy of what the check reads (schemas/sql, host-adapters, plugins) gets one more operation in
receipts' catalog per case; the check must fail naming the catalog's file, the operation and the
table with its owner, or pass where the name is only a string, a parameter or a column.
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

SOURCE = pathlib.Path(sys.argv[1]).resolve()
CHECK = SOURCE / "script" / "check-module-isolation"
CATALOG = pathlib.Path("plugins/receipts/receipts.operations.xml")
failures = []


def run(root):
    r = subprocess.run([sys.executable, str(CHECK), "--root", str(root)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def expect(condition, what, output):
    if not condition:
        failures.append(f"{what}\n--- output ---\n{output}")


def planted(root, name, sql):
    """The copy's receipts catalog with one more read operation, name, whose SQL is sql."""
    path = root / CATALOG
    text = (SOURCE / CATALOG).read_text(encoding="utf-8")
    op = (f'  <operation name="{name}" kind="read">\n    <summary>Planted by the test.</summary>\n'
          f'    <column name="n" type="integer"/>\n'
          f'    <sql dialect="sqlite">{sql}</sql>\n    <sql dialect="postgresql">{sql}</sql>\n  </operation>\n')
    path.write_text(text.replace("</catalog>", op + "</catalog>"), encoding="utf-8")


code, output = run(SOURCE)
expect(code == 0, "the check fails on the source tree", output)

with tempfile.TemporaryDirectory() as tmp:
    root = pathlib.Path(tmp)
    for folder in ("schemas/sql", "host-adapters", "plugins"):
        shutil.copytree(SOURCE / folder, root / folder)
    shutil.copytree(SOURCE / "script", root / "script")

    cases = [
        ("rcp_planted_module", "SELECT COUNT(*) FROM rcp_credit_note n JOIN pay_application a ON a.invoice_id = n.invoice_id",
         "pay_application", "module payments"),
        ("rcp_planted_host", "SELECT COUNT(*) FROM rcp_credit_note n, cartera_delivery d WHERE d.document_id = n.source_key",
         "cartera_delivery", "the host (runtime)"),
        ("rcp_planted_adapter", "SELECT COUNT(*) FROM ref_invoice", "ref_invoice", "host adapter reference"),
        ("rcp_planted_book", "WITH x AS (SELECT 1 AS n) SELECT COUNT(*) FROM x JOIN splits s ON 1 = 1", "splits",
         "host adapter gnucash"),
        ("rcp_planted_schema_version", "SELECT version FROM cartera_schema_version", "cartera_schema_version",
         "the host (runtime)"),
    ]
    for name, sql, table, owner in cases:
        planted(root, name, sql)
        code, output = run(root)
        expect(code == 1, f"{name}: the check does not fail on a read of {table}", output)
        line = next((l for l in output.splitlines() if l.startswith(str(CATALOG) + f": operation {name} ")), "")
        expect(table in line and owner in line,
               f"{name}: no line names {CATALOG}, operation {name}, table {table} and {owner}", output)

    # Names that are only text, parameters, qualified columns or the module's own WITH names.
    planted(root, "rcp_planted_innocent",
            "WITH splits AS (SELECT 1 AS n) SELECT COUNT(*) FROM rcp_credit_note n, splits "
            "WHERE n.note &lt;&gt; 'cartera_document' AND n.source_key = :pay_application "
            "AND n.invoice_id &lt;&gt; n.ref_invoice -- FROM cartera_run\n")
    code, output = run(root)
    expect(code == 0, "the check fails on names that are no table reads", output)

for f in failures:
    print("FAIL:", f)
print("module isolation check:", "failed" if failures else "passes on the tree and fails on planted reads")
sys.exit(1 if failures else 0)
