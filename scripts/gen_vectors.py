#!/usr/bin/env python3
"""Writes testdata/vectors.txt and testdata/rfc4231.txt: signing cases from an implementation independent of the
Rust core (Python's standard library only), each HMAC cross-checked with the `openssl` command-line tool.

The format of vectors.txt is described in its header. Output is deterministic: every made-up key and message is
derived from fixed labels, so running this again must reproduce the checked-in files byte for byte
(core/tests/vectors.rs checks that). Fails loudly if Python and openssl ever disagree.

Usage: scripts/gen_vectors.py [--outdir DIR]   (default: testdata/ next to this script's parent)
"""

import argparse
import base64
import hashlib
import hmac
import pathlib
import subprocess
import sys
import urllib.parse

# Bytes left as they are in a built query; everything else is %XX with uppercase hex.
UNENCODED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:,/@")
QUOTE_SAFE = "-._~:,/@"  # urllib.parse.quote always keeps A-Za-z0-9_.-~; the rest must be named


def fail(message):
    sys.exit(f"gen_vectors.py: {message}")


def encode(data: bytes) -> bytes:
    """Minimal percent-encoding, written out by hand and checked against urllib.parse.quote."""
    out = b"".join(bytes([b]) if b in UNENCODED else b"%%%02X" % b for b in data)
    if out != urllib.parse.quote(data, safe=QUOTE_SAFE).encode("ascii"):
        fail(f"own encoder and urllib.parse.quote disagree on {data!r}")
    return out


def decode(query: bytes) -> bytes:
    """Decodes %XX escapes only (`+` stays `+`); a malformed escape is an error, as in the core."""
    out, i = bytearray(), 0
    while i < len(query):
        if query[i] == ord("%"):
            digits = query[i + 1 : i + 3]
            if len(digits) != 2 or not all(chr(d) in "0123456789abcdefABCDEF" for d in digits):
                fail(f"malformed escape in {query!r}: a decoded-form case needs well-formed escapes")
            out.append(int(digits, 16))
            i += 3
        else:
            out.append(query[i])
            i += 1
    if bytes(out) != urllib.parse.unquote_to_bytes(query):
        fail(f"own decoder and urllib.parse.unquote_to_bytes disagree on {query!r}")
    return bytes(out)


def url_query(url: bytes) -> bytes:
    """The query of a URL: after the first `?` that comes before any `#`, up to the `#`; empty if no `?`."""
    before_fragment = url.split(b"#", 1)[0]
    return before_fragment.split(b"?", 1)[1] if b"?" in before_fragment else b""


def openssl_command():
    """Whichever HMAC command this machine's openssl supports: `openssl mac` (3.x) or `openssl dgst -mac`."""
    key, data = b"Jefe", b"what do ya want for nothing?"
    expected = hmac.new(key, data, hashlib.sha256).hexdigest()
    for make in (
        lambda hexkey: ["openssl", "mac", "-digest", "SHA256", "-macopt", f"hexkey:{hexkey}", "HMAC"],
        lambda hexkey: ["openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", f"hexkey:{hexkey}"],
    ):
        try:
            out = subprocess.run(make(key.hex()), input=data, capture_output=True, check=False).stdout
        except FileNotFoundError:
            fail("openssl not found: install it (Debian: apt-get install openssl) to cross-check the vectors")
        if out.decode().lower().split()[-1:] == [expected]:
            return make
    fail("neither `openssl mac` nor `openssl dgst -mac HMAC` computes HMAC-SHA256 correctly here")


OPENSSL = None


def mac(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 from Python's hmac, which must equal openssl's."""
    ours = hmac.new(key, message, hashlib.sha256).digest()
    result = subprocess.run(OPENSSL(key.hex()), input=message, capture_output=True, check=True)
    theirs = bytes.fromhex(result.stdout.decode().split()[-1])
    if theirs != ours:
        fail(f"Python and openssl disagree: key {key.hex()} message {message.hex()}: {ours.hex()} vs {theirs.hex()}")
    return ours


def made_up_key(label: str) -> bytes:
    """An 86-character key of the real shape: 84 characters of the base64 alphabet, then `==`."""
    seed = hashlib.sha256(label.encode()).digest() + hashlib.sha256(label.encode() + b"/2").digest()
    return base64.b64encode(seed[:63]) + b"=="


def filler(label: str, length: int) -> bytes:
    """`length` printable bytes of query text, deterministic from `label`."""
    text = b"".join(hashlib.sha256(f"{label}/{i}".encode()).hexdigest().encode() for i in range(length // 64 + 1))
    return text[:length]


def hex_or_dash(data: bytes) -> str:
    return data.hex() or "-"


# Keys: (format, key field bytes, HMAC key bytes). Text keys never hold whitespace or control characters.
MAIN = made_up_key("main")
TEXT_KEYS = [MAIN, made_up_key("second"), made_up_key("third"), MAIN[:63], MAIN[:64], MAIN[:65], b"k",
             "clé-日本-🔑".encode()]
RAW_KEYS = [bytes(range(20)), bytes([0xFF]) * 64, bytes(range(256))[::-1][:131], b"\n\x00 trailing-newline\n"]
BASE64_SECRETS = [hashlib.sha256(b"b64/32").digest(), hashlib.sha512(b"b64/64").digest(), filler("b64/190", 190)]
KEYS = ([("text", k, k) for k in TEXT_KEYS] + [("raw", k, k) for k in RAW_KEYS]
        + [("base64", base64.b64encode(s), s) for s in BASE64_SECRETS])

SIGN_MESSAGES = [
    b"", b"customerCode=ACME", b"pageSize=500", filler("m55", 55), filler("m56", 56), filler("m63", 63),
    filler("m64", 64), filler("m65", 65), filler("m119", 119), filler("m120", 120), filler("m128", 128),
    filler("m1100", 1100), bytes(range(256)), "name=Café 日本 😀".encode(), b"a b&c+d%e=f:g,h/i@j#k?l",
]

URLS = [
    b"https://api.unleashedsoftware.com/Customers?customerCode=ACME",
    b"/SalesOrders/3?pageSize=500",
    b"Customers",
    b"https://api.unleashedsoftware.com/Products",
    b"/Customers?",
    b"?x=1",
    b"x=1",
    b"/a?b?c",
    b"/a#f?x=1",
    b"https://api.unleashedsoftware.com/Products?productCode=A%20B#frag",
    b"/SalesOrders?orderStatus=Completed,Backordered&modifiedSince=2024-01-01T00:00:00",
    b"/SalesOrders?modifiedSince=2024-01-01T00%3A00%3A00&orderStatus=Completed%2CBackordered",
    b"/Customers?customerName=Acme%20%26%20Sons&note=a%2Bb%3Dc%25d",
    b"/Customers?customerName=Acme+Sons&city=caf%c3%a9",
    b"/Products?productDescription=%E6%97%A5%E6%9C%AC%20%F0%9F%98%80",
    "/Products?productDescription=日本 é".encode(),
    b"/Customers?email=sales@example.com&path=/a/b#section?x",
    b"/Products?" + b"&".join(b"productCode=P%02d" % i for i in range(8)),
    b"/Products?q=" + filler("url1100", 1100) + b"%20end",
]
WIRE_ONLY_URLS = [b"/Products?discount=50%", b"/Products?q=%zz%4"]  # malformed escapes: only the wire form signs

QUERIES = [
    [(b"customerCode", b"ACME")],
    [(b"orderStatus", b"Completed,Backordered"), (b"modifiedSince", b"2024-01-01T00:00:00")],
    [(b"startDate", b"2024-01-01"), (b"endDate", b"2024-12-31"), (b"warehouseCode", b"W1")],
    [(b"customerName", b"Acme & Sons")],
    [(b"note", b"a+b=c%d")],
    [(b"email", b"sales@example.com"), (b"path", b"/a/b")],
    [(b"q", b"#frag?x=1")],
    [("name".encode(), "Café".encode()), (b"city", "日本".encode()), (b"emoji", "😀".encode())],
    [(b"empty", b""), (b"a b", b"c d")],
    [(b"bytes", bytes(range(256)))],
    [(b"p%d" % i, b"value %d" % i) for i in range(6)],
    [(b"q", filler("q1100", 1100)), (b"tail", b"x y")],
]


def key_for(i):
    """The main 86-character key for most cases; every third case one of the others, in turn."""
    return KEYS[(i // 3 * 4 + 1) % len(KEYS)] if i % 3 == 1 else KEYS[0]


def cases():
    lines = []

    def add(kind, fmt, key_field, key, form, input_field, wire, message):
        signature = base64.b64encode(mac(key, message)).decode()
        wire_field = "-" if wire is None else hex_or_dash(wire)
        lines.append(" ".join([kind, fmt, key_field.hex(), form, input_field, wire_field, signature]))

    lines.append("# every key, two messages")
    for fmt, field, key in KEYS:
        for message in (b"", b"customerCode=ACME"):
            add("sign", fmt, field, key, "-", hex_or_dash(message), None, message)
    lines.append("# messages around SHA-256's padding edges (55/56/64 bytes), long, binary and non-ASCII")
    for i, message in enumerate(SIGN_MESSAGES):
        fmt, field, key = key_for(i)
        add("sign", fmt, field, key, "-", hex_or_dash(message), None, message)
    lines.append("# URLs and paths-and-queries, both signed forms")
    for i, url in enumerate(URLS):
        fmt, field, key = key_for(i)
        wire = url_query(url)
        add("url", fmt, field, key, "decoded", hex_or_dash(url), wire, decode(wire))
        add("url", fmt, field, key, "wire", hex_or_dash(url), wire, wire)
    for url in WIRE_ONLY_URLS:
        add("url", "text", MAIN, MAIN, "wire", hex_or_dash(url), url_query(url), url_query(url))
    lines.append("# parameters built into a query with minimal encoding, both signed forms")
    for i, params in enumerate(QUERIES):
        fmt, field, key = key_for(i)
        input_field = ",".join(f"{n.hex()}:{v.hex()}" for n, v in params)
        wire = b"&".join(encode(n) + b"=" + encode(v) for n, v in params)
        decoded = b"&".join(n + b"=" + v for n, v in params)
        if decode(wire) != decoded:
            fail(f"decoding the built query does not give back the parameters: {params!r}")
        add("query", fmt, field, key, "decoded", input_field, wire, decoded)
        add("query", fmt, field, key, "wire", input_field, wire, wire)
    return lines


HEADER = """\
# Signing vectors for unleashed-signer, written by scripts/gen_vectors.py (Python's hmac, cross-checked with
# openssl). Do not edit: change the script and run it again.
#
# kind key_format key_hex form input expected_wire_hex signature
#   kind: sign | url | query. key_format: text | raw (key bytes as they are) | base64 (key_hex is the hex of the
#   base64 text; the HMAC key is its decoded bytes). form: - for sign, else decoded | wire.
#   sign: input is the message's hex. url: input is a URL's hex; its query (after the first ? before any #) is
#   expected_wire_hex, signed percent-decoded (decoded) or as it is (wire). query: input is namehex:valuehex,...;
#   expected_wire_hex is the built query (A-Za-z0-9-._~:,/@ as they are, all else %XX uppercase, name=value&...),
#   signed as name=value&... of the raw bytes (decoded) or as built (wire). Byte strings are hex; empty is -.
"""

# RFC 4231 section 4: HMAC-SHA-256 test cases 1-7 (key hex, data hex, MAC hex; case 5's MAC is truncated to
# 128 bits). The MACs are the RFC's published values, checked below against Python and openssl.
RFC4231 = [
    ("0b" * 20, b"Hi There".hex(), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe".hex(), b"what do ya want for nothing?".hex(),
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ("aa" * 20, "dd" * 50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (bytes(range(1, 26)).hex(), "cd" * 50, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    ("0c" * 20, b"Test With Truncation".hex(), "a3b6167473100ee06e0c796c2955552b"),
    ("aa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First".hex(),
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ("aa" * 131, b"This is a test using a larger than block-size key and a larger than block-size data. The key "
     b"needs to be hashed before being used by the HMAC algorithm.".hex(),
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]


def rfc4231_lines():
    lines = ["# RFC 4231 HMAC-SHA-256 test cases 1-7, written by scripts/gen_vectors.py after checking each MAC",
             "# against Python's hmac and openssl. case key_hex data_hex mac_hex (case 5: first 128 bits only)"]
    for number, (key, data, expected) in enumerate(RFC4231, start=1):
        computed = mac(bytes.fromhex(key), bytes.fromhex(data)).hex()
        if not computed.startswith(expected):
            fail(f"RFC 4231 case {number}: computed {computed}, the RFC says {expected}")
        lines.append(f"{number} {key} {data} {expected}")
    return lines


def main():
    global OPENSSL
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_outdir = pathlib.Path(__file__).resolve().parent.parent / "testdata"
    parser.add_argument("--outdir", type=pathlib.Path, default=default_outdir)
    args = parser.parse_args()
    OPENSSL = openssl_command()
    args.outdir.mkdir(parents=True, exist_ok=True)
    vectors = cases()
    count = sum(1 for line in vectors if not line.startswith("#"))
    (args.outdir / "vectors.txt").write_text(HEADER + "\n".join(vectors) + "\n", encoding="ascii")
    (args.outdir / "rfc4231.txt").write_text("\n".join(rfc4231_lines()) + "\n", encoding="ascii")
    print(f"wrote {count} vectors and 7 RFC 4231 cases to {args.outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
