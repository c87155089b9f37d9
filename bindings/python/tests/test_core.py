"""The binding over the C ABI, with the standard library only (pytest runs these too; so does `cargo test`,
through ffi/tests/consumers.rs, with plain `python3 -m unittest`).

Every vector of testdata/vectors.txt, checked against the file and against Python's own hmac; the declarations
against include/unleashed_signer.h; bad input; one key from 8 threads; the native storage after close().
"""

import base64
import gc
import itertools
import re
import threading
import time
import unittest

import unleashed_signer
from unleashed_signer import InvalidInputError, SigningKey, Status, UnleashedAuth, UnleashedError, _native
from support import (
    HEADER,
    REPO,
    decoded,
    read_vectors,
    reference_encode,
    reference_signature,
    unhex,
    url_query,
)

KEY = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="
API_ID = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
CLIENT_TYPE = "acme/orderautomation"


class VectorTests(unittest.TestCase):
    def test_every_vector_matches_the_file_and_pythons_hmac(self):
        cases = read_vectors()
        kinds = {fields[0] for _, fields in cases}
        self.assertEqual(kinds, {"sign", "url", "query"})
        for number, (kind, key_format, key_hex, form, data, wire_hex, expected) in cases:
            with self.subTest(line=number, kind=kind):
                secret = unhex(key_hex)
                hmac_key = base64.b64decode(secret, validate=True) if key_format == "base64" else secret
                wire = unhex(wire_hex)
                with SigningKey(secret, format=key_format) as key:
                    if kind == "sign":
                        message = unhex(data)
                        self.assertEqual(key.sign(message), expected)
                        self.assertTrue(key.verify(message, expected))
                        self.assertFalse(key.verify(message + b"x", expected))
                    elif kind == "url":
                        url = unhex(data)
                        self.assertEqual(url_query(url), wire)
                        message = decoded(wire) if form == "decoded" else wire
                        self.assertEqual(key.sign_url(url, form), expected)
                        self.assertEqual(key.sign_query(wire, form), expected)
                        self.assertTrue(key.verify_url(url, expected, form))
                    else:
                        pairs = [tuple(unhex(part) for part in pair.split(":")) for pair in data.split(",")]
                        query, signature = key.build_query(pairs, form)
                        self.assertEqual(query.encode("ascii"), wire)
                        self.assertEqual(
                            wire, b"&".join(reference_encode(n) + b"=" + reference_encode(v) for n, v in pairs)
                        )
                        message = b"&".join(n + b"=" + v for n, v in pairs) if form == "decoded" else wire
                        self.assertEqual(signature, expected)
                    self.assertEqual(reference_signature(hmac_key, message), expected)
                    if key_format == "text":
                        # str keys are the same key as their UTF-8 bytes.
                        with SigningKey(secret.decode("utf-8")) as same:
                            self.assertEqual(same.sign(message), reference_signature(hmac_key, message))


class SigningTests(unittest.TestCase):
    def test_the_must_show_signature(self):
        self.assertEqual(
            SigningKey("made-up-key").sign("customerCode=ACME"),
            reference_signature(b"made-up-key", b"customerCode=ACME"),
        )

    def test_str_and_bytes_queries_sign_the_same_utf8_bytes(self):
        with SigningKey(KEY) as key:
            text = "customerName=Café Zoë"
            self.assertEqual(key.sign(text), key.sign(text.encode("utf-8")))
            self.assertEqual(key.sign(text), reference_signature(KEY.encode(), text.encode("utf-8")))
            self.assertEqual(len(key.sign("")), unleashed_signer.SIGNATURE_LEN)

    def test_build_query_retries_once_with_the_size_the_library_reports(self):
        value = "x y+" * 400  # 2,000 bytes of query: more than the first buffer
        with SigningKey(KEY) as key:
            query, signature = key.build_query({"note": value, "customerCode": "ACME"})
            self.assertEqual(query, "note=" + "x%20y%2B" * 400 + "&customerCode=ACME")
            raw = ("note=" + value + "&customerCode=ACME").encode()
            self.assertEqual(signature, reference_signature(KEY.encode(), raw))
            self.assertEqual(key.build_query([], "wire"), ("", key.sign("")))
            wire = key.build_query([("a b", "1")], form="wire")
            self.assertEqual(wire, ("a%20b=1", reference_signature(KEY.encode(), b"a%20b=1")))

    def test_headers_are_the_five_unleashed_headers(self):
        with SigningKey(KEY) as key:
            headers = key.headers("/Customers?customerCode=ACME", API_ID, CLIENT_TYPE)
            self.assertEqual(
                headers,
                {
                    "api-auth-id": API_ID,
                    "api-auth-signature": reference_signature(KEY.encode(), b"customerCode=ACME"),
                    "client-type": CLIENT_TYPE,
                    "Accept": "application/json",
                    "Content-Type": "application/json",
                },
            )
            wire = key.headers("https://api.example/Customers?q=a%20b#top", API_ID, CLIENT_TYPE, form="wire")
            self.assertEqual(wire["api-auth-signature"], reference_signature(KEY.encode(), b"q=a%20b"))

    def test_signing_values_come_from_the_one_library_call(self):
        with SigningKey(KEY) as key:
            url = "https://api.example/Customers?q=a%20b+c#top"
            values = key.signing_values(url, API_ID.upper(), CLIENT_TYPE)
            self.assertEqual(values, (API_ID.lower(), reference_signature(KEY.encode(), b"q=a b+c"), CLIENT_TYPE))
            wire = key.signing_values(url.encode(), API_ID.encode(), CLIENT_TYPE.encode(), form="wire")
            self.assertEqual(wire[1], reference_signature(KEY.encode(), b"q=a%20b+c"))
            self.assertEqual(key.headers(url, API_ID.upper(), CLIENT_TYPE)["api-auth-id"], API_ID.lower())
            with self.assertRaises(InvalidInputError) as caught:
                key.signing_values("/a?x=%zz", API_ID, CLIENT_TYPE)
            self.assertEqual(caught.exception.status, Status.MALFORMED_ESCAPE)
        with self.assertRaises(UnleashedError) as caught:
            key.signing_values("/a", API_ID, CLIENT_TYPE)
        self.assertEqual(caught.exception.status, Status.KEY_NOT_INITIALISED)

    def test_a_str_key_is_encoded_as_utf8_would_encode_it(self):
        for text in ("made-up-key", "caf\u00e9-\u6771\u4eac-\U0001f511-\u07ff-\u0800-\uffff", "\x7f\x80"):
            with SigningKey(text, format="raw") as from_str, SigningKey(text.encode("utf-8"), format="raw") as from_bytes:
                self.assertEqual(from_str.sign("customerCode=ACME"), from_bytes.sign("customerCode=ACME"), text)
                self.assertEqual(from_str.sign("x"), reference_signature(text.encode("utf-8"), b"x"))
        with self.assertRaises(InvalidInputError) as caught:
            SigningKey("key-\ud800-half", format="raw")
        self.assertEqual(caught.exception.status, Status.KEY_NOT_UTF8)
        self.assertIn("character 4", str(caught.exception))

    def test_one_key_signs_from_eight_threads_at_once(self):
        failures = []
        start = threading.Barrier(8)

        def work(thread: int) -> None:
            start.wait()
            for i in range(400):
                message = ("customerCode=T%d&page=%d" % (thread, i)).encode()
                if shared.sign(message) != reference_signature(KEY.encode(), message):
                    failures.append((thread, i))
                if not shared.verify(message, reference_signature(KEY.encode(), message)):
                    failures.append((thread, i, "verify"))

        with SigningKey(KEY) as shared:
            threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual(failures, [])


class WipingTests(unittest.TestCase):
    def test_close_waits_for_calls_in_progress_and_later_calls_fail(self):
        # Without the wait, a call reading the key while close() wipes it can return a wrong signature.
        wrong, refused = [], []

        def work(key: SigningKey, start: threading.Barrier, thread: int) -> None:
            start.wait()
            for i in itertools.count():
                message = b"customerCode=T%d&page=%d" % (thread, i)
                try:
                    signature = key.sign(message) if i % 2 else key.sign_url(b"/C?" + message, "wire")
                except UnleashedError as error:
                    refused.append((error.status, str(error)))
                    return
                if signature != reference_signature(KEY.encode(), message):
                    wrong.append(message)

        for _ in range(20):
            key, start = SigningKey(KEY), threading.Barrier(9)
            threads = [threading.Thread(target=work, args=(key, start, n)) for n in range(8)]
            for thread in threads:
                thread.start()
            start.wait()
            time.sleep(0.005)
            key.close()
            for thread in threads:
                thread.join()
            self.assertEqual(self.storage(key), bytes(_native.lib.unleashed_key_size()))
        self.assertEqual(wrong, [], "signatures made while the key was being wiped")
        self.assertEqual(len(refused), 20 * 8)
        for status, message in refused:
            self.assertEqual(status, Status.KEY_NOT_INITIALISED)
            self.assertIn("closed", message)

    def storage(self, key: SigningKey) -> bytes:
        return bytes(_native.ffi.buffer(key._storage))

    def test_close_zeroes_the_native_storage_and_the_key_then_refuses_to_sign(self):
        key = SigningKey(KEY)
        self.assertNotEqual(self.storage(key), bytes(len(self.storage(key))))
        self.assertFalse(key.closed)
        key.close()
        self.assertTrue(key.closed)
        self.assertEqual(self.storage(key), bytes(_native.lib.unleashed_key_size()))
        with self.assertRaises(UnleashedError) as caught:
            key.sign("a=1")
        self.assertEqual(caught.exception.status, Status.KEY_NOT_INITIALISED)
        self.assertNotIsInstance(caught.exception, ValueError)
        key.close()  # twice is fine

    def test_the_with_block_zeroes_the_storage(self):
        with SigningKey(KEY) as key:
            self.assertNotEqual(self.storage(key), bytes(len(self.storage(key))))
        self.assertEqual(self.storage(key), bytes(len(self.storage(key))))

    def test_garbage_collection_zeroes_an_unclosed_key(self):
        key = SigningKey(KEY)
        storage = key._storage  # kept alive here, so it can be read after the key is gone
        size = _native.lib.unleashed_key_size()
        self.assertNotEqual(bytes(_native.ffi.buffer(storage)), bytes(size))
        del key
        gc.collect()
        self.assertEqual(bytes(_native.ffi.buffer(storage)), bytes(size))

    def test_a_bytearray_key_is_wiped_when_asked_and_only_then(self):
        secret = bytearray(KEY.encode())
        with SigningKey(secret) as key:
            self.assertEqual(key.sign("a=1"), reference_signature(KEY.encode(), b"a=1"))
        self.assertEqual(secret, bytearray(KEY.encode()))
        with SigningKey(secret, wipe_source=True) as key:
            self.assertEqual(key.sign("a=1"), reference_signature(KEY.encode(), b"a=1"))
        self.assertEqual(secret, bytearray(len(KEY)))
        secret.extend(b"!")  # the buffer is released: it can grow again
        with self.assertRaises(TypeError):
            SigningKey(KEY, wipe_source=True)
        rejected = bytearray(KEY.encode() + b"\n")
        with self.assertRaises(InvalidInputError):
            SigningKey(rejected, wipe_source=True)
        self.assertEqual(rejected, bytearray(len(KEY) + 1), "a rejected key is wiped too")

    def test_repr_never_shows_the_key(self):
        key = SigningKey(KEY)
        auth = UnleashedAuth(API_ID, KEY, CLIENT_TYPE)
        for text in (repr(key), str(key), repr(auth), str(auth)):
            self.assertNotIn(KEY, text)
            self.assertNotIn(KEY[:12], text)
        key.close()
        self.assertEqual(repr(key), "<SigningKey closed>")
        auth.close()
        self.assertTrue(auth._key.closed)
        borrowed = SigningKey(KEY)
        UnleashedAuth(API_ID, borrowed, CLIENT_TYPE).close()
        self.assertFalse(borrowed.closed, "a SigningKey passed in stays the caller's")


class BadInputTests(unittest.TestCase):
    def assert_input_error(self, status, call, *args, **kwargs):
        with self.assertRaises(InvalidInputError) as caught:
            call(*args, **kwargs)
        error = caught.exception
        self.assertIsInstance(error, ValueError)
        self.assertIsInstance(error, UnleashedError)
        self.assertEqual(error.status, status)
        self.assertEqual(str(error), error.message)
        self.assertNotIn(KEY, str(error))
        self.assertNotIn(KEY, repr(error))
        return error

    def test_keys_unleashed_never_issues_say_what_to_fix(self):
        error = self.assert_input_error(Status.KEY_WHITESPACE, SigningKey, KEY + "\n")
        self.assertIn("trailing newline", str(error))
        self.assert_input_error(Status.KEY_WHITESPACE, SigningKey, " " + KEY)
        self.assert_input_error(Status.EMPTY_KEY, SigningKey, "")
        self.assert_input_error(Status.EMPTY_KEY, SigningKey, bytearray())
        self.assert_input_error(Status.KEY_CONTROL_CHARACTER, SigningKey, KEY + "\x7f")
        self.assert_input_error(Status.KEY_NOT_UTF8, SigningKey, b"\xff" + KEY.encode())
        self.assert_input_error(Status.INVALID_BASE64, SigningKey, "not-base64!", format="base64")
        error = self.assert_input_error(Status.INVALID_KEY_FORMAT, SigningKey, KEY, format="hex")
        self.assertIn('format="text"', str(error))
        # The raw format takes any bytes, a newline included.
        with SigningKey(KEY + "\n", format="raw") as key:
            self.assertEqual(key.sign("a"), reference_signature(KEY.encode() + b"\n", b"a"))

    def test_queries_and_forms(self):
        with SigningKey(KEY) as key:
            error = self.assert_input_error(Status.MALFORMED_ESCAPE, key.sign_url, "/Products?discount=50%")
            self.assertIn("%25", str(error))
            self.assertEqual(
                key.sign_url("/Products?discount=50%", "wire"), reference_signature(KEY.encode(), b"discount=50%")
            )
            error = self.assert_input_error(Status.INVALID_SIGNED_FORM, key.sign_url, "/C?a=1", "raw")
            self.assertIn('"wire"', str(error))
            self.assert_input_error(Status.EMPTY_PARAMETER_NAME, key.build_query, [("", "x")])
            for wrong in (42, None, ["a"]):
                with self.assertRaises(TypeError):
                    key.sign(wrong)
            with self.assertRaises(TypeError):
                SigningKey(42)

    def test_header_values(self):
        unleashed_signer.validate_api_id(API_ID)
        unleashed_signer.validate_client_type(CLIENT_TYPE)
        with SigningKey(KEY) as key:
            error = self.assert_input_error(Status.INVALID_API_ID, key.headers, "/C", "not-a-guid", CLIENT_TYPE)
            self.assertIn("GUID", str(error))
            self.assert_input_error(Status.INVALID_CLIENT_TYPE, key.headers, "/C", API_ID, "acme")
        self.assert_input_error(Status.INVALID_API_ID, UnleashedAuth, API_ID + "\n", KEY, CLIENT_TYPE)
        self.assert_input_error(Status.INVALID_CLIENT_TYPE, UnleashedAuth, API_ID, KEY, "acme orders")
        self.assert_input_error(Status.KEY_WHITESPACE, UnleashedAuth, API_ID, KEY + "\n", CLIENT_TYPE)
        self.assert_input_error(Status.INVALID_SIGNED_FORM, UnleashedAuth, API_ID, KEY, CLIENT_TYPE, form="Wire")

    def test_statuses_have_the_librarys_messages(self):
        self.assertEqual(unleashed_signer.status_message(0), "success")
        self.assertEqual(unleashed_signer.status_message(99999), "unknown unleashed_status value")
        error = UnleashedError(99999)
        self.assertEqual(error.status, 99999)
        self.assertEqual(UnleashedError(Status.PANIC).status, Status.PANIC)


# ---- The declarations against the header -------------------------------------------------------------------

_IGNORED_DEFINES = {"SIGNER_H", "API", "MUST_USE", "STRINGIFY_(x)", "STRINGIFY(x)", "VERSION"}


def parse_header(text: str) -> dict:
    """Functions, typedefs, structs, status numbers and constants of the header, from its text."""
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
    typedefs = dict((alias, base) for base, alias in re.findall(r"typedef (uint32_t|size_t) (\w+);", code))
    functions = {}
    for returns, name, params in re.findall(
        r"UNLEASHED_API\s+(?:UNLEASHED_MUST_USE\s+)?([\w\s*]+?)\s*\b(unleashed_\w+)\(([^)]*)\);", code
    ):
        args = [] if params.strip() == "void" else [p for p in re.split(r"\s*,\s*", params.strip())]
        functions[name] = (returns, [re.match(r"(.*?)\s*\w+$", arg, re.S).group(1) for arg in args])
    structs = {
        name: re.findall(r"([\w\s*]+?)\s*(\w+)(?:\[(\d+)\])?;", body)
        for name, body in re.findall(r"typedef struct (\w+) \{(.*?)\}", code, re.S)
    }
    enum = re.search(r"enum unleashed_status\s*(?:#if.*?#endif)?\s*\{(.*?)\};", code, re.S).group(1)
    statuses = {name: int(value) for name, value in re.findall(r"UNLEASHED_(\w+) = (\d+)", enum)}
    defines = {}
    for name, value in re.findall(r"^#\s*define UNLEASHED_(\S+)[ \t]*(.*)$", code, re.M):
        if name in _IGNORED_DEFINES:
            continue
        value = value.strip()
        if re.fullmatch(r"\d+", value):
            defines[name] = int(value)
        elif re.fullmatch(r'"[^"]*"', value):
            defines[name] = value[1:-1]
        else:
            match = re.fullmatch(r"\(UNLEASHED_(\w+) \+ (\d+)\)", value)
            if not match:
                raise AssertionError("cannot read #define UNLEASHED_%s %s: teach parse_header" % (name, value))
            defines[name] = defines[match.group(1)] + int(match.group(2))
    return {"typedefs": typedefs, "functions": functions, "structs": structs, "statuses": statuses, "defines": defines}


def header_drift(header: dict, statuses: dict, constants: dict) -> list:
    """Every difference between the header's status numbers and constants and the binding's (empty if none)."""
    problems = []
    if header["statuses"] != statuses:
        problems.append("statuses differ: %s" % sorted(set(header["statuses"].items()) ^ set(statuses.items())))
    for name, value in header["defines"].items():
        if constants.get(name) != value:
            problems.append("UNLEASHED_%s is %r in the header, %r in the binding" % (name, value, constants.get(name)))
    return problems


def binding_constants() -> dict:
    """The binding's value for each UNLEASHED_<NAME> constant: Python's own, else what cffi read from the header."""
    constants = {name: getattr(_native, name) for name in dir(_native) if name.isupper()}
    for name in dir(_native.lib):
        if name.startswith("UNLEASHED_") and isinstance(getattr(_native.lib, name), int):
            constants.setdefault(name[len("UNLEASHED_") :], getattr(_native.lib, name))
    return constants


class HeaderTests(unittest.TestCase):
    header = parse_header(HEADER.read_text(encoding="utf-8"))
    statuses = {member.name: member.value for member in Status}

    def test_the_header_was_read(self):
        self.assertGreaterEqual(len(self.header["functions"]), 19)
        self.assertEqual(self.header["defines"]["SIGNATURE_BUFFER_LEN"], 45)
        self.assertEqual(self.header["statuses"]["INVALID_CLIENT_TYPE"], 51)
        self.assertEqual(self.header["typedefs"]["unleashed_status"], "uint32_t")

    def test_every_function_is_declared_with_the_headers_types(self):
        ffi, lib = _native.ffi, _native.lib
        for name, (returns, args) in self.header["functions"].items():
            with self.subTest(function=name):
                expected = ffi.typeof("%s(*)(%s)" % (returns, ", ".join(args) or "void"))
                declared = ffi.typeof(getattr(lib, name))
                self.assertEqual(declared.kind, "function")
                self.assertEqual((declared.result, declared.args), (expected.result, expected.args))
        self.assertEqual(ffi.sizeof("unleashed_key"), lib.unleashed_key_size())
        self.assertEqual(ffi.sizeof("unleashed_query"), lib.unleashed_query_size())

    def test_the_constants_and_statuses_match_the_header(self):
        self.assertEqual(header_drift(self.header, self.statuses, binding_constants()), [])
        self.assertEqual(set(self.header["defines"]) - set(binding_constants()), set())

    def test_a_constant_or_status_retyped_wrong_is_caught(self):
        constants = dict(binding_constants(), SIGNATURE_LEN=43, HEADER_CLIENT_TYPE="client_type")
        statuses = dict(self.statuses, KEY_WHITESPACE=22)
        problems = header_drift(self.header, statuses, constants)
        self.assertEqual(len(problems), 3, problems)
        del constants["KEY_FORMAT_RAW"]
        self.assertEqual(len(header_drift(self.header, self.statuses, constants)), 3)

    def test_versions_agree_with_the_workspace_and_the_header(self):
        cargo = (REPO / "Cargo.toml").read_text()
        workspace = re.search(r'\[workspace\.package\]\nversion = "([^"]+)"', cargo).group(1)
        self.assertEqual(unleashed_signer.library_version(), workspace)
        self.assertEqual(unleashed_signer.__version__, workspace)
        defines = self.header["defines"]
        self.assertEqual(
            _native.VERSION, "%d.%d.%d" % (defines["VERSION_MAJOR"], defines["VERSION_MINOR"], defines["VERSION_PATCH"])
        )


if __name__ == "__main__":
    unittest.main()
