"""Memory left behind by a `str` key, measured as residue/scan.py measures the C ABI: a child Python process makes
the key text as one `str` (and no other copy of it), prepares a key from it, signs, closes; then this process reads
every writable mapping of the child (/proc/PID/mem) and counts the pieces of 16 bytes or more of the key text and of
everything HMAC derives from it, with residue/scan.py's own needles and search.

The caller's `str` is the caller's: it is still alive, and the one piece inside it is not counted. Any other piece
of key text is a copy somebody made. Two controls keep the scan from being blind: a child that also holds the copy
`str.encode` makes (what SigningKey made before, and freed unwiped) must show one more piece, and a child that does
not close its key must show the key-derived HMAC states in native memory.

Linux only (/proc/PID/mem); Python's own HMAC is never used in the child.
"""

import importlib.util
import os
import subprocess
import sys

import pytest

from support import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/mem")

_spec = importlib.util.spec_from_file_location("residue_scan", REPO / "residue" / "scan.py")
scan = importlib.util.module_from_spec(_spec)
sys.modules["residue_scan"] = scan  # its dataclass looks its module up there
_spec.loader.exec_module(scan)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

# The child: the key text is made character by character into one str, so the caller's str is its only copy.
CHILD = r"""
import sys
import unleashed_signer

ALPHABET = %r
seed = int(sys.argv[2])
# 84 characters of the base64 alphabet and "==", as a real key: one str, built from one-character strs
# (which CPython shares), so no other copy of the text exists.
text = "".join(ALPHABET[(seed * 7919 + i * 104729 + i * i * 31) %% 64] if i < 84 else "=" for i in range(86))
mode = sys.argv[1]
if mode == "control-encode":
    copy = text.encode("utf-8")  # the bytes copy SigningKey(str) used to make, kept alive here for the scan to see
entry = unleashed_signer.UnleashedAuth(
    "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", text, "acme/orderautomation"
) if mode == "auth" else unleashed_signer.SigningKey(text)
key = entry._key if mode == "auth" else entry
key.sign("customerCode=ACME")
key.signing_values("/Customers?customerCode=ACME", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "acme/orderautomation")
if mode != "control-open":
    entry.close()
start = id(text) + sys.getsizeof(text) - len(text) - 1  # a compact ASCII str's characters
print(start, start + len(text), flush=True)
sys.stdin.read(1)
""" % (ALPHABET,)


def key_text(seed: int) -> bytes:
    return "".join(ALPHABET[(seed * 7919 + i * 104729 + i * i * 31) % 64] if i < 84 else "=" for i in range(86)).encode()


def residue(mode: str, seed: int) -> dict:
    """{needle name: pieces found}, key text counted outside the caller's str only."""
    secrets = scan.secrets_of("text", key_text(seed))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, str(seed)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=os.environ
    )
    try:
        start, end = (int(field) for field in child.stdout.readline().split())
        regions = scan.writable_regions(child.pid)
        found = {}
        for name, secret in secrets.items():
            at = scan.pieces(regions, secret)
            if name == "key-text":
                inside = {a for a in at if start <= a < end}
                assert inside, "the caller's own str was not found: the scan is blind"
                at -= inside
            found[name] = len(at)
        child.stdin.write(b"x")
        child.stdin.close()
        assert child.wait(30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return found


@pytest.mark.parametrize("mode", ["signing-key", "auth"])
def test_a_str_key_leaves_no_copy_of_its_own_and_nothing_derived_after_close(mode):
    for seed in (1, 2, 3):
        found = residue(mode, seed)
        print(mode, seed, found)
        assert found == dict.fromkeys(found, 0), found


def test_the_controls_see_an_encode_copy_and_an_open_key():
    found = residue("control-encode", 4)
    assert found["key-text"] >= 1, found
    found = residue("control-open", 5)
    assert found["key-text"] == 0, found
    derived = sum(count for name, count in found.items() if name.startswith(("inner", "outer")))
    assert derived >= 1, found
