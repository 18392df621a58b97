#!/usr/bin/env python3
"""script/check-includes on the real tree (no cycle) and on copies of it with a violation planted.

    check_includes_test.py SOURCE_DIR CASE

CASE is one of: real, adapter-cycle, room-cycle, unresolved. Exits 0 when the script did what
the case expects (passed on the real tree, failed naming the planted cycle or include), else 1
with what it printed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SCANNED = ("host-adapters", "plugins", "plugin-api")


def run_check(script, root):
    p = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def copy_tree(source, into):
    ignore = shutil.ignore_patterns("build*", ".git", "__pycache__")
    for top in SCANNED:
        shutil.copytree(os.path.join(source, top), os.path.join(into, top), ignore=ignore)


def plant(root, relative, line):
    path = os.path.join(root, relative)
    if not os.path.isfile(path):
        raise SystemExit(f"fixture: {relative} is not in the tree; the case needs another file to plant in")
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n" + line + "\n")


def expect(ok, what, output):
    if ok:
        print(f"ok: {what}")
        return 0
    print(f"FAILED: {what}\n--- script/check-includes said ---\n{output}")
    return 1


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    script = os.path.join(source, "script", "check-includes")
    if case == "real":
        rc, out = run_check(script, source)
        return expect(rc == 0 and "no include cycle" in out, "the real tree has no include cycle", out)

    with tempfile.TemporaryDirectory(prefix="check-includes-") as root:
        copy_tree(source, root)
        rc, out = run_check(script, root)
        if rc != 0:
            return expect(False, "the unchanged copy passes before anything is planted", out)
        if case == "adapter-cycle":
            # sql/ is below runtime/: one include the other way closes a cycle between the two.
            plant(root, "host-adapters/sql/catalog.cpp", '#include "runtime/host/host.hpp"')
            rc, out = run_check(script, root)
            return expect(
                rc == 1 and "include cycle between the folders of host-adapters/: runtime -> sql -> runtime" in out
                and "host-adapters/sql/catalog.cpp" in out,
                "sql/ including runtime/ fails, naming the cycle and the include", out)
        if case == "room-cycle":
            # The store is below the run: a store file that includes the run's header closes a
            # cycle between the rooms of runtime/, though runtime/ as a whole has none with sql/.
            plant(root, "host-adapters/runtime/store/store.cpp", '#include "runtime/run/job.hpp"')
            rc, out = run_check(script, root)
            return expect(
                rc == 1 and "include cycle between the folders of host-adapters/runtime/:" in out
                and "store -> run: host-adapters/runtime/store/store.cpp" in out,
                "a room of runtime/ including a room above it fails, naming the rooms and the include", out)
        if case == "unresolved":
            plant(root, "host-adapters/runtime/store/store.cpp", '#include "runtime/nowhere.hpp"')
            rc, out = run_check(script, root)
            return expect(
                rc == 1 and 'host-adapters/runtime/store/store.cpp' in out and '"runtime/nowhere.hpp" is found in none' in out,
                "an include the check cannot resolve fails rather than passing unseen", out)
    print(f"unknown case {case}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
