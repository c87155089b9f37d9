#!/usr/bin/env python3
"""Writes testdata/e2e_cases.txt: the queries every runtime's end-to-end test sends to testing/mock_unleashed.py.

Each case is a list of (name, value) parameters with the kinds of value that make the wire and the decoded forms
differ, or tempt a client to re-encode them: spaces, `&`, `+`, `%`, `#`, non-ASCII text, date-times and comma lists.
The file holds hex so that every runtime reads it with the same few lines of code as testdata/vectors.txt.

Usage: python3 scripts/gen_e2e_cases.py [--check]   (--check: exit 1 if the file differs from a fresh run)
"""

import pathlib
import sys

# Made up, in the shape of real credentials: an 86-character key (84 base64-alphabet characters and `==`).
KEY = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="
OTHER_KEY = "OtHeRkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY00=="
API_ID = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
CLIENT_TYPE = "acme/orderautomation"

CASES = [
    [("customerCode", "ACME")],
    [("customerName", "Acme Sons & Daughters")],
    [("modifiedSince", "2024-01-01T00:00:00"), ("startDate", "2024-01-01"), ("endDate", "2024-12-31")],
    [("orderStatus", "Completed,Backordered,Parked"), ("pageSize", "500")],
    [("productCode", "A+B"), ("note", "1 + 1 = 2 & more")],
    [("customerName", "Caf\u00e9 Zo\u00eb \u2013 \u014csaka \u6771\u4eac")],
    [("q", "100% sure? #1 / a@b.c ~x [y] {z} \"q\" 'a'")],
    [("email", "orders@acme.example"), ("warehouseCode", "W1")],
]


def render() -> str:
    lines = [
        "# End-to-end cases for every runtime, written by scripts/gen_e2e_cases.py. Do not edit: change the script.",
        "#",
        "# Lines 'key', 'other-key', 'api-id' and 'client-type' give the made-up credentials the mock server is",
        "# started with (other-key is a wrong key: the mock must answer 403). Each 'case' line is one query:",
        "# namehex:valuehex,namehex:valuehex,... of the parameters' UTF-8 bytes, in order, as a user gives them.",
        f"key {KEY}",
        f"other-key {OTHER_KEY}",
        f"api-id {API_ID}",
        f"client-type {CLIENT_TYPE}",
    ]
    for case in CASES:
        pairs = ",".join(f"{n.encode().hex()}:{v.encode().hex()}" for n, v in case)
        lines.append(f"case {pairs}")
    return "\n".join(lines) + "\n"


def main() -> int:
    path = pathlib.Path(__file__).resolve().parent.parent / "testdata" / "e2e_cases.txt"
    fresh = render()
    if sys.argv[1:] == ["--check"]:
        if path.read_text(encoding="utf-8") != fresh:
            print(f"{path} differs from a fresh run of {__file__}", file=sys.stderr)
            return 1
        return 0
    path.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
