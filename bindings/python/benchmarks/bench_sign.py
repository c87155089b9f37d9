"""Nanoseconds per signature: unleashed_signer against Python's own hmac, from one run (not a test).

    python bindings/python/benchmarks/bench_sign.py [--rounds 25] [--number 20000] [--ctypes LIB]

Each variant turns the same 24-byte query (``str``) into the 44-character base64 signature (``str``) with the
same 86-character key. Rounds interleave the variants, and each figure is the best round's mean, so background
load hits every variant alike; compare the ratios, not the absolute numbers across machines.

``--ctypes target/release/libunleashed_signer_ffi.so`` adds the same C call made through ctypes (declared
argtypes, the key passed by address, one reused output buffer: the fastest ctypes way), which shows why the
package uses cffi's API mode instead.

The goal (issue 9): at least 3x faster than ``hmac.new`` per request, and faster than a keyed ``.copy()``.
"""

import argparse
import base64
import ctypes
import hashlib
import hmac
import platform
import sys
import timeit

import unleashed_signer
from unleashed_signer import SigningKey

KEY = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="
QUERY = "customerCode=ACME&page=1"


def ctypes_signer(path: str):
    library = ctypes.CDLL(path)
    init, sign = library.unleashed_key_init, library.unleashed_sign
    init.restype = sign.restype = ctypes.c_uint32
    init.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32]
    sign.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
    storage = (ctypes.c_uint64 * (library.unleashed_key_size() // 8))()
    address, out = ctypes.addressof(storage), ctypes.create_string_buffer(45)
    if init(address, KEY.encode(), len(KEY), 0):
        sys.exit("unleashed_key_init failed")

    def signer(query: str) -> str:
        data = query.encode()
        if sign(address, data, len(data), out, 45):
            raise RuntimeError("unleashed_sign failed")
        return out.raw[:44].decode("ascii")

    signer.keep = storage  # the key storage lives as long as the function
    return signer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--number", type=int, default=20_000, help="calls per variant per round")
    parser.add_argument("--ctypes", metavar="LIB", help="also time ctypes over this libunleashed_signer_ffi.so")
    args = parser.parse_args()

    key_bytes = KEY.encode()
    keyed = hmac.new(key_bytes, digestmod=hashlib.sha256)
    sha256 = hashlib.sha256
    b64 = base64.b64encode
    signing_key = SigningKey(KEY)

    def ours(query: str) -> str:
        return signing_key.sign(query)

    def hmac_new(query: str) -> str:
        return b64(hmac.new(key_bytes, query.encode(), sha256).digest()).decode()

    def hmac_copy(query: str) -> str:
        mac = keyed.copy()
        mac.update(query.encode())
        return b64(mac.digest()).decode()

    def hmac_digest(query: str) -> str:
        return b64(hmac.digest(key_bytes, query.encode(), "sha256")).decode()

    variants = {
        "unleashed_signer SigningKey.sign": ours,
        "hmac.new(key, msg, sha256) + base64, per request": hmac_new,
        "keyed hmac .copy() + update + base64": hmac_copy,
        "hmac.digest(key, msg, 'sha256') + base64 (one-shot)": hmac_digest,
    }
    if args.ctypes:
        variants["the same C call through ctypes (not the package)"] = ctypes_signer(args.ctypes)
    results = {function(QUERY) for function in variants.values()}
    if len(results) != 1:
        sys.exit("the variants disagree: %s" % results)

    best = {name: float("inf") for name in variants}
    for _ in range(args.rounds):
        for name, function in variants.items():
            seconds = timeit.timeit(lambda function=function: function(QUERY), number=args.number)
            best[name] = min(best[name], seconds / args.number * 1e9)

    ours_ns = best["unleashed_signer SigningKey.sign"]
    print(
        "Python %s (%s), unleashed_signer %s, %d rounds x %d calls"
        % (platform.python_version(), sys.executable, unleashed_signer.__version__, args.rounds, args.number)
    )
    print()
    print("| variant | ns per signature | its time / ours |")
    print("|---|---:|---:|")
    for name, ns in best.items():
        print("| %s | %.0f | %.2f |" % (name, ns, ns / ours_ns))
    print()
    new_ratio = best["hmac.new(key, msg, sha256) + base64, per request"] / ours_ns
    copy_ratio = best["keyed hmac .copy() + update + base64"] / ours_ns
    met = new_ratio >= 3 and copy_ratio > 1
    print(
        "goal (>= 3x faster than hmac.new, faster than .copy()): %s (%.2fx, %.2fx)"
        % ("met" if met else "NOT met", new_ratio, copy_ratio)
    )


if __name__ == "__main__":
    main()
