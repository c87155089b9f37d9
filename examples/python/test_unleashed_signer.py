"""Tests of the ctypes binding (stdlib unittest only): every case of testdata/vectors.txt is signed through the
binding and checked both against the file and against Python's own hmac module, and errors carry their status.

    UNLEASHED_SIGNER_LIB=target/debug/libunleashed_signer_ffi.so python3 -m unittest discover -s examples/python
"""

import base64
import gc
import hashlib
import hmac
import pathlib
import unittest
import urllib.parse

import unleashed_signer
from unleashed_signer import SigningKey, UnleashedError, signed_query

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "testdata" / "vectors.txt"
KEY = "DW5AeeNnA-vTfAByL1iR0osOKBHcEUsSkhUSOtzONgUWxaf4QPwBTIO3UiMhcbfdp7kvIi96fAaUEyrWiKv0=="
UNENCODED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:,/@")


def unhex(field: str) -> bytes:
    return b"" if field == "-" else bytes.fromhex(field)


def reference_signature(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def reference_encode(data: bytes) -> bytes:
    return b"".join(bytes([b]) if b in UNENCODED else b"%%%02X" % b for b in data)


def url_query(url: bytes) -> bytes:
    url = url.split(b"#", 1)[0]
    return url.split(b"?", 1)[1] if b"?" in url else b""


def read_vectors():
    cases = []
    for number, line in enumerate(VECTORS.read_text(encoding="ascii").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split(" ")
        if len(fields) != 7:
            raise ValueError("line %d: expected 7 fields" % number)
        cases.append((number, fields))
    return cases


class VectorTests(unittest.TestCase):
    def test_every_vector_matches_the_file_and_pythons_hmac(self):
        cases = read_vectors()
        self.assertGreater(len(cases), 0)
        for number, (kind, key_format, key_hex, form, data, wire_hex, expected) in cases:
            with self.subTest(line=number, kind=kind):
                secret = unhex(key_hex)
                hmac_key = base64.b64decode(secret, validate=True) if key_format == "base64" else secret
                wire = unhex(wire_hex)
                with SigningKey(secret, key_format) as key:
                    if kind == "sign":
                        message = unhex(data)
                        self.assertEqual(key.sign(message), expected)
                        self.assertTrue(key.verify(message, expected))
                        self.assertFalse(key.verify(message + b"x", expected))
                    elif kind == "url":
                        url = unhex(data)
                        self.assertEqual(url_query(url), wire)
                        message = urllib.parse.unquote_to_bytes(wire) if form == "decoded" else wire
                        self.assertEqual(key.sign_url(url, form), expected)
                        self.assertTrue(key.verify_url(url, expected, form))
                    elif kind == "query":
                        pairs = [tuple(unhex(part) for part in pair.split(":")) for pair in data.split(",")]
                        built = signed_query(key, pairs, form)
                        self.assertEqual(built.query.encode("ascii"), wire)
                        self.assertEqual(
                            wire, b"&".join(reference_encode(n) + b"=" + reference_encode(v) for n, v in pairs)
                        )
                        raw = b"&".join(n + b"=" + v for n, v in pairs)
                        message = raw if form == "decoded" else wire
                        self.assertEqual(built.signature, expected)
                    else:
                        self.fail("unknown kind %r" % kind)
                    if kind != "sign":
                        self.assertEqual(reference_signature(hmac_key, message), expected)
                    else:
                        self.assertEqual(reference_signature(hmac_key, unhex(data)), expected)


class BindingTests(unittest.TestCase):
    def test_signatures_are_44_character_strings(self):
        with SigningKey(KEY) as key:
            signature = key.sign("customerCode=ACME")
        self.assertIsInstance(signature, str)
        self.assertEqual(len(signature), unleashed_signer.SIGNATURE_LEN)
        self.assertEqual(signature, reference_signature(KEY.encode(), b"customerCode=ACME"))

    def test_a_bad_key_raises_with_the_status_and_its_message(self):
        with self.assertRaises(UnleashedError) as caught:
            SigningKey(KEY + "\n")
        self.assertEqual(caught.exception.status, 21)
        self.assertIn("whitespace", str(caught.exception))
        self.assertNotIn(KEY, str(caught.exception))
        with self.assertRaises(UnleashedError) as caught:
            SigningKey("")
        self.assertEqual(caught.exception.status, 20)
        with self.assertRaises(ValueError):
            SigningKey(KEY, "hex")

    def test_a_cleared_key_refuses_to_sign(self):
        key = SigningKey(KEY)
        key.clear()
        with self.assertRaises(UnleashedError) as caught:
            key.sign("a=1")
        self.assertEqual(caught.exception.status, 10)
        self.assertTrue(all(word == 0 for word in key._storage))
        key.clear()

    def test_the_with_block_wipes_the_key(self):
        with SigningKey(KEY) as key:
            self.assertTrue(any(word != 0 for word in key._storage))
        self.assertTrue(all(word == 0 for word in key._storage))
        del key
        gc.collect()

    def test_repr_never_shows_the_key(self):
        with SigningKey(KEY) as key:
            self.assertEqual(repr(key), "SigningKey(<redacted>)")

    def test_malformed_escapes_fail_only_for_the_decoded_form(self):
        with SigningKey(KEY) as key:
            with self.assertRaises(UnleashedError) as caught:
                key.sign_url("/Products?discount=50%")
            self.assertEqual(caught.exception.status, 30)
            self.assertEqual(
                key.sign_url("/Products?discount=50%", "wire"), reference_signature(KEY.encode(), b"discount=50%")
            )

    def test_signed_query_grows_its_buffer(self):
        value = "x y" * 500
        with SigningKey(KEY) as key:
            built = signed_query(key, [("note", value), ("customerCode", "ACME")])
            self.assertEqual(built.query, "note=" + "x%20y" * 500 + "&customerCode=ACME")
            raw = ("note=" + value + "&customerCode=ACME").encode()
            self.assertEqual(built.signature, reference_signature(KEY.encode(), raw))
            self.assertEqual(signed_query(key, []).signature, key.sign(""))

    def test_header_values_are_validated(self):
        unleashed_signer.validate_api_id("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")
        unleashed_signer.validate_client_type("acme/orderautomation")
        with self.assertRaises(UnleashedError) as caught:
            unleashed_signer.validate_api_id("not-a-guid")
        self.assertEqual(caught.exception.status, 50)
        with self.assertRaises(UnleashedError) as caught:
            unleashed_signer.validate_client_type("acme")
        self.assertEqual(caught.exception.status, 51)

    def test_unknown_status_numbers_have_a_message(self):
        self.assertEqual(unleashed_signer.status_message(99999), "unknown unleashed_status value")
        self.assertEqual(unleashed_signer.status_message(0), "success")

    def test_library_version_is_the_package_version(self):
        version = unleashed_signer.library_version()
        self.assertRegex(version, r"^\d+\.\d+\.\d+")
        cargo_toml = (pathlib.Path(__file__).resolve().parents[2] / "Cargo.toml").read_text()
        self.assertIn('version = "%s"' % version, cargo_toml)


if __name__ == "__main__":
    unittest.main()
