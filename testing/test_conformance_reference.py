#!/usr/bin/env python3
"""The HTTP conformance suite (testdata/http_conformance.txt) run by a reference client written here with the
standard library only (http.client, hmac): proof that the cases, the mock's routes and docs/http-contract.md agree,
before any runtime's integration is held to them. Also checks that the mock tells the wrong behaviours apart: a
same-origin hop with the first request's signature gets 403, and a naive client that follows a cross-origin
redirect with its headers is seen by the other origin with all three signing headers.

Run: python3 -m unittest testing/test_conformance_reference.py   (from the repository root; .ci/steps/10-core-no-std.sh)
"""

import base64
import hashlib
import hmac
import http.client
import os
import pathlib
import subprocess
import sys
import unittest
import urllib.parse

REPO = pathlib.Path(__file__).resolve().parents[1]
CASES_FILE = REPO / "testdata" / "http_conformance.txt"
MOCK = REPO / "testing" / "mock_unleashed.py"
REDIRECTS = (301, 302, 303, 307, 308)


def read_cases():
    settings, cases = {}, []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(" ")
        if kind == "case":
            cases.append(dict(field.split("=", 1) for field in rest.split(" ")))
        else:
            settings[kind] = rest
    return settings, cases


def unhex(field: str) -> bytes:
    return b"" if field == "-" else bytes.fromhex(field)


class RedirectRefused(Exception):
    pass


class ReferenceClient:
    """Signs only for the origin of the request the user made, re-signs a same-origin hop, refuses any other."""

    def __init__(self, key: bytes, api_id: str, client_type: str, follow_naively: bool = False) -> None:
        self.key, self.api_id, self.client_type = key, api_id.lower(), client_type
        self.follow_naively = follow_naively

    def headers(self, target: bytes) -> dict:
        query = target.split(b"#", 1)[0].partition(b"?")[2]
        signature = base64.b64encode(hmac.new(self.key, urllib.parse.unquote_to_bytes(query), hashlib.sha256).digest())
        return {"api-auth-id": self.api_id, "api-auth-signature": signature.decode(), "client-type": self.client_type}

    def get(self, origin: tuple, target: bytes, accept=None):
        """(status, body) of GET target on origin = (host, port), following redirects by the contract."""
        first = origin
        signed = self.headers(target)
        for _ in range(5):
            headers = dict(signed)
            headers["Accept"] = accept or "application/json"
            connection = http.client.HTTPConnection(*origin, timeout=30)
            # Non-ASCII bytes go out as %XX, as browsers and most clients send them (the decoded form is the same).
            wire = b"".join(b"%%%02X" % b if b >= 0x80 else bytes([b]) for b in target.split(b"#", 1)[0])
            connection.putrequest("GET", wire.decode("ascii"), skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status not in REDIRECTS:
                return response.status, body
            location = urllib.parse.urlsplit(response.getheader("Location").encode("latin-1"))
            next_origin = (location.hostname.decode(), location.port) if location.netloc else origin
            target = location.path + (b"?" + location.query if location.query else b"")
            if next_origin != first and not self.follow_naively:
                raise RedirectRefused("a redirect to another origin is not followed")
            if not self.follow_naively:
                signed = self.headers(target)
            origin = next_origin
        raise RuntimeError("too many redirects")


class Mock:
    def __init__(self, settings) -> None:
        env = dict(os.environ, MOCK_UNLEASHED_API_ID=settings["api-id"], MOCK_UNLEASHED_API_KEY=settings["key"])
        command = [sys.executable, str(MOCK), "--form", settings["form"], "--other-origin", "--lifetime", "120"]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.main = ("127.0.0.1", int(self.process.stdout.readline()))
        self.other = ("127.0.0.1", int(self.process.stdout.readline()))

    def received_by_other(self) -> list:
        connection = http.client.HTTPConnection(*self.other, timeout=30)
        connection.request("GET", "/_received")
        lines = connection.getresponse().read().decode("latin-1").splitlines()
        connection.close()
        return lines

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def field_lines(body: bytes, name: str) -> list:
    prefix = name.encode() + b" "
    return [line[len(prefix) :].decode("latin-1") for line in body.splitlines() if line.startswith(prefix)]


class ConformanceReference(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.settings, cls.cases = read_cases()
        cls.key = cls.settings["key"].encode()

    def setUp(self) -> None:
        self.mock = Mock(self.settings)
        self.addCleanup(self.mock.close)

    def client(self, case, **kwargs) -> ReferenceClient:
        return ReferenceClient(self.key, case["api-id"], self.settings["client-type"], **kwargs)

    def test_the_file_has_every_kind_of_case(self) -> None:
        names = {case["name"] for case in self.cases}
        for name in ("same-origin-302", "same-origin-307", "same-origin-308", "cross-origin-307", "upper-case-api-id",
                     "caller-accept", "plus", "percent-2b", "fragment", "empty-query", "non-ascii"):
            self.assertIn(name, names)

    def test_every_case_as_the_contract_says(self) -> None:
        for case in self.cases:
            with self.subTest(case["name"]):
                accept = None if case["accept"] == "-" else case["accept"]
                target = unhex(case["url"])
                if case["expect"] == "refused":
                    with self.assertRaises(RedirectRefused):
                        self.client(case).get(self.mock.main, target, accept)
                    continue
                status, body = self.client(case).get(self.mock.main, target, accept)
                self.assertEqual(status, 200, body)
                self.assertEqual(field_lines(body, "origin"), ["main"])
                self.assertEqual(field_lines(body, "message"), [unhex(case["message"]).hex()])
                self.assertEqual(field_lines(body, "accept"), [case["accept-received"]])
                self.assertLessEqual(len(field_lines(body, "content-type")), 1)
        self.assertEqual(self.mock.received_by_other(), [])

    def test_the_mock_refuses_a_stale_signature_and_sees_a_leak(self) -> None:
        by_name = {case["name"]: case for case in self.cases}
        naive = self.client(by_name["same-origin-307"], follow_naively=True)
        status, _ = naive.get(self.mock.main, unhex(by_name["same-origin-307"]["url"]))
        self.assertEqual(status, 403, "the first request's signature must not pass for the redirect's query")
        status, body = naive.get(self.mock.main, unhex(by_name["cross-origin-302"]["url"]))
        self.assertEqual((status, field_lines(body, "origin")), (200, ["other"]))
        received = self.mock.received_by_other()
        self.assertEqual(len(received), 1)
        self.assertTrue(received[0].endswith(" api-auth-id,api-auth-signature,client-type"), received)
        # The upper-case id as given is refused: the mock wants the lowercase form.
        upper = dict(by_name["upper-case-api-id"])
        client = self.client(upper)
        client.api_id = upper["api-id"]
        self.assertEqual(client.get(self.mock.main, unhex(upper["url"]))[0], 403)


if __name__ == "__main__":
    unittest.main()
