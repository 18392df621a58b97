#!/usr/bin/python3
"""Writes the Asobancaria 2001 fixtures in this folder, so that every field sits at its exact
position (layout: shared/domain/colombia.md section 6.1) and every control total adds up.

    /usr/bin/python3 tests/data/asobancaria/make_fixtures.py

Rewrites the .txt files next to this script; running it twice gives the same bytes. The data
are synthetic: the company NIT 900123456-8 and account 12345678901 are made up. What each file
must produce is in README.md and tests/unit/payments_asobancaria_test.cpp.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORD = 162

NIT = "9001234568"  # 900123456 and its DIAN check digit 8, as banks write it (10 digits)
FECHA = "20261120"
ACCOUNT = "12345678901".rjust(17, "0")


def pad(body, fill=" ", trim=False):
    """A record: its fields, then reserved filler to 162 characters unless trimmed."""
    assert len(body) <= RECORD, body
    return body if trim else body + fill * (RECORD - len(body))


def r01(modifier, generated, time):
    # 01, NIT, fecha de recaudo, banco (007 Bancolombia), cuenta, fecha/hora de generación,
    # modificador, tipo de cuenta.
    return pad("01" + NIT + FECHA + "007" + ACCOUNT + generated + time + modifier + "01")


def r05(service, lot, fill=" "):
    assert len(service) == 13 and len(lot) == 4
    return pad("05" + service + lot, fill)


def r06(d, trim=False):
    body = ("06" + d["ref"].rjust(48, "0") + str(d["cents"]).rjust(14, "0") + d["proc"] + d["medio"] +
            d["op"] + d["aut"] + d["bank"] + d["branch"] + str(d["seq"]).rjust(7, "0") + d.get("causal", "000"))
    assert len(body) == 97, body
    return pad(body, trim=trim)


def r08(details, lot, count=None, total=None):
    count = len(details) if count is None else count
    total = sum(d["cents"] for d in details) if total is None else total
    return pad("08" + str(count).rjust(9, "0") + str(total).rjust(18, "0") + lot)


def r09(details, count=None, total=None, trim=False):
    count = len(details) if count is None else count
    total = sum(d["cents"] for d in details) if total is None else total
    return pad("09" + str(count).rjust(9, "0") + str(total).rjust(18, "0"), trim=trim)


def detail(seq, ref, cents, proc, medio, op, aut, bank, branch, causal="000"):
    return dict(seq=seq, ref=ref, cents=cents, proc=proc, medio=medio, op=op, aut=aut, bank=bank,
                branch=branch, causal=causal)


# Lot 0001: invoices (service code: an EAN-13); lot 0002: contracts (service code: the NIT).
SERVICE_INVOICES = "7709998012349"
SERVICE_CONTRACTS = "0009001234568"
LOT1 = [
    detail(1, "F000123", 125000000, "01", "01", "104511", "730012", "007", "0102"),
    detail(2, "F000124", 84530050, "01", "02", "104512", "730013", "007", "0102"),
    detail(3, "F000131", 238000000, "02", "15", "104530", "730101", "051", "0000"),
    detail(4, "F000140", 9650000, "01", "01", "104544", "730150", "007", "0215"),
    detail(5, "F000142", 51200000, "01", "02", "104561", "730170", "007", "0215", causal="001"),
]
LOT2 = [
    detail(6, "45001234", 38050050, "03", "11", "205001", "880001", "007", "0300"),
    detail(7, "45001235", 110000000, "02", "14", "205002", "880002", "013", "0000"),
    detail(8, "45009876", 7525000, "01", "01", "205003", "880003", "007", "0300"),
]
# The bank's second file of the day (modifier B) repeats three details and adds two.
LOT1_B = [LOT1[3], LOT1[4]]
LOT2_B = [
    LOT2[2],
    detail(9, "45001236", 64000000, "02", "15", "205010", "880010", "007", "0000"),
    detail(10, "45009901", 150000000, "01", "02", "205011", "880011", "007", "0300"),
]


def good_a():
    return [
        r01("A", "20261121", "0630"),
        r05(SERVICE_INVOICES, "0001"),
        *[r06(d, trim=(d["seq"] == 2)) for d in LOT1],  # seq 2: filler trimmed after the causal
        r08(LOT1, "0001"),
        r05(SERVICE_CONTRACTS, "0002", fill="0"),  # zeros as filler: accepted like spaces
        *[r06(d) for d in LOT2],
        r08(LOT2, "0002"),
        r09(LOT1 + LOT2, trim=True),  # 29 characters, as seen in real files
    ]


def good_b():
    return [
        r01("B", "20261121", "1015"),
        r05(SERVICE_INVOICES, "0001"),
        *[r06(d) for d in LOT1_B],
        r08(LOT1_B, "0001"),
        r05(SERVICE_CONTRACTS, "0002"),
        *[r06(d) for d in LOT2_B],
        r08(LOT2_B, "0002"),
        r09(LOT1_B + LOT2_B),
    ]


def write(name, records, trailing_crlf=True):
    text = "\r\n".join(records) + ("\r\n" if trailing_crlf else "")
    (HERE / name).write_bytes(text.encode("latin-1"))


def main():
    a = good_a()
    write("recaudo-2026-11-20.txt", a)
    write("recaudo-2026-11-20-B.txt", good_b())

    # Line numbers below: 1 = 01, 2 = 05, 3-7 = lot 1's 06, 8 = 08, 9 = 05, 10-12 = lot 2's 06,
    # 13 = 08, 14 = 09.
    bad = list(a)
    bad[7] = r08(LOT1, "0001", total=sum(d["cents"] for d in LOT1) + 10000)  # 100 pesos more
    write("bad-lot-total.txt", bad)

    bad = list(a)
    bad[13] = r09(LOT1 + LOT2, count=9, trim=True)
    write("bad-file-count.txt", bad)

    bad = list(a)
    bad[4] = bad[4][:80]  # detail seq 3 cut inside its código de sucursal
    write("bad-record-length.txt", bad)

    bad = list(a)
    bad[1], bad[2] = bad[2], bad[1]  # a detail before its lot header
    write("bad-order.txt", bad)

    bad = list(a)
    bad[0] = bad[0][:12] + "20260230" + bad[0][20:]  # fecha de recaudo: February 30th
    write("bad-date.txt", bad)

    bad = list(a)
    bad[3] = bad[3][:50] + "000000845A0050" + bad[3][64:]  # valor recaudado of seq 2
    write("bad-amount.txt", bad)

    bad = list(a)
    bad[8] = pad(("05" + SERVICE_CONTRACTS + "0002" + "CONTRATOS MEDELL\xcdN"))  # Latin-1 in the filler
    write("bad-latin1.txt", bad)

    write("bad-truncated.txt", a[:-1])  # ends after the last 08: no 09


if __name__ == "__main__":
    main()
