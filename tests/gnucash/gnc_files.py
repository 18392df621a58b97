"""What the GnuCash test scripts share about a book's files (imported by the three scripts).

sqlite_path(url): the file of a sqlite3:// (or file://) book, None for a PostgreSQL one.
translogs(path): the transaction logs GnuCash writes next to a file book on every session,
<book>.<YYYYMMDDHHMMSS>.log, so that a script deletes the ones its own session left.
"""
import glob


def sqlite_path(url):
    for prefix in ("sqlite3://", "file://"):
        if url.startswith(prefix):
            return url[len(prefix):]
    return None


def translogs(path):
    if not path:
        return set()
    return set(glob.glob(glob.escape(path) + ".[0-9]*.log"))
