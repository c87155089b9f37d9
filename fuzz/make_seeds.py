#!/usr/bin/env python3
"""Writes the checked-in seed corpus (corpus/<target>/seed-*), in each target's input framing.

Run from anywhere: `python3 fuzz/make_seeds.py`. The keys are made up; none is a real Unleashed key.
The `ffi` target's seeds are not written here: its input is a sequence of calls decoded by `arbitrary`, so its
seeds are the twelve largest inputs of a 60-second run of that target (see README.md).
"""

import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"
KEY86 = b"ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="
QUERY = b"orderStatus=Completed,Backordered&modifiedSince=2024-01-01T00:00:00"


def fields(*items: bytes) -> bytes:
    return b"".join(bytes([len(item)]) + item for item in items)


def sign_differential(key: bytes, message: bytes, split: int = 0, flip: int = 0) -> bytes:
    return bytes([len(key), split]) + struct.pack("<H", flip) + key + message


def query_builder(cap: int, *items: bytes) -> bytes:
    return struct.pack("<H", cap) + fields(*items)


SEEDS = {
    "sign_differential": [
        sign_differential(KEY86, b""),
        sign_differential(KEY86, QUERY, 13, 7),
        sign_differential(KEY86, b"x" * 55, 55, 300),
        sign_differential(KEY86, b"x" * 56, 1, 351),
        sign_differential(b"k" * 63, b"customerCode=ACME", 5),
        sign_differential(b"k" * 64, b"y" * 64, 64),
        sign_differential(b"k" * 65, b"y" * 119, 64),
        sign_differential(b"\x00\xff" * 100, b"\x00" * 200, 128),
    ],
    "query_builder": [
        query_builder(256, b"orderStatus", b"Completed,Backordered", b"modifiedSince", b"2024-01-01T00:00:00"),
        query_builder(11, b"a", b"1", b"bb", b"x y", b"b", b""),
        query_builder(7, b"k", b"a b"),
        query_builder(0, b"", b"x", b"name", b"value"),
        query_builder(100, b"customerName", "Acme & Sons + Caf\u00e9 100%".encode(), b"a=b", b"c&d#e?f"),
        query_builder(40, b"\x00\x7f\x80\xff", b"%41%zz+", b"email", b"a@b.example", b"pageSize", b"500"),
    ],
    "url_split": [
        b"https://api.unleashedsoftware.com/Customers?customerCode=ACME",
        b"/SalesOrders/3?pageSize=500#top",
        b"Customers",
        b"/a?b?c",
        b"/a#f?x=1",
        b"?customerName=Acme%20%26%20Sons",
        b"/x?bad=%4",
        b"",
    ],
    "percent_decode": [
        QUERY,
        b"customerName=Acme%20%26%20Sons",
        b"%41%6a+%2b",
        b"%",
        b"ab%4",
        b"x%G1",
        b"%41%zz",
        b"a%%41",
        b"caf%C3%A9%00%FF",
    ],
    "key_parse": [
        KEY86,
        KEY86 + b"\n",
        b" " + KEY86,
        b"ab\tc",
        b"abc\r",
        "abc\u00a0".encode(),
        b"ab\x07c",
        b"ab\xffc",
        b"",
        b"Zm9vYg==",
        b"Zm9vYh==",
        b"QUJD",
        b"A" * 260,
        b"====",
    ],
}


def main() -> None:
    for target, seeds in SEEDS.items():
        folder = ROOT / target
        folder.mkdir(parents=True, exist_ok=True)
        for index, seed in enumerate(seeds):
            (folder / f"seed-{index:02}").write_bytes(seed)


if __name__ == "__main__":
    main()
