"""Shared by the tests (standard library only): the repository's test data, Python's own HMAC as the
reference, and the loopback mock of Unleashed (testing/mock_unleashed.py)."""

import base64
import hashlib
import hmac
import os
import pathlib
import subprocess
import sys
import urllib.parse

REPO = pathlib.Path(__file__).resolve().parents[3]
HEADER = REPO / "include" / "unleashed_signer.h"
VECTORS = REPO / "testdata" / "vectors.txt"
E2E_CASES = REPO / "testdata" / "e2e_cases.txt"
MOCK = REPO / "testing" / "mock_unleashed.py"
MOCK_PYTHON = os.environ.get("UNLEASHED_MOCK_PYTHON") or sys.executable
"""The interpreter that runs the mock: this one, or the one UNLEASHED_MOCK_PYTHON names (arm64-test.sh runs the
tests with an arm64 Python under qemu-user, which cannot start another arm64 program, so the mock, a loopback
server independent of the package, runs on the host's python3)."""
UNENCODED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:,/@")


def unhex(field: str) -> bytes:
    return b"" if field == "-" else bytes.fromhex(field)


def reference_signature(key: bytes, message: bytes) -> str:
    """What Python's hmac module computes: the independent reference."""
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def reference_encode(data: bytes) -> bytes:
    return b"".join(bytes([b]) if b in UNENCODED else b"%%%02X" % b for b in data)


def url_query(url: bytes) -> bytes:
    url = url.split(b"#", 1)[0]
    return url.split(b"?", 1)[1] if b"?" in url else b""


def decoded(query: bytes) -> bytes:
    """The decoded form, as the mock computes it: %XX decoded, '+' kept."""
    return urllib.parse.unquote_to_bytes(query)


def read_vectors():
    """[(line number, [kind, key_format, key_hex, form, input, wire_hex, signature])] of testdata/vectors.txt."""
    cases = []
    for number, line in enumerate(VECTORS.read_text(encoding="ascii").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split(" ")
        if len(fields) != 7:
            raise ValueError("%s line %d: expected 7 fields" % (VECTORS, number))
        cases.append((number, fields))
    return cases


def read_e2e():
    """(credentials, cases) of testdata/e2e_cases.txt: {'key': ..., 'other-key': ..., 'api-id': ...,
    'client-type': ...} and a list of [(name, value), ...] as str."""
    credentials, cases = {}, []
    for line in E2E_CASES.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(" ")
        if kind == "case":
            pairs = [pair.split(":") for pair in rest.split(",")]
            cases.append([(unhex(n).decode("utf-8"), unhex(v).decode("utf-8")) for n, v in pairs])
        else:
            credentials[kind] = rest
    return credentials, cases


class Mock:
    """testing/mock_unleashed.py on a free loopback port, checking ``form`` with the given credentials."""

    def __init__(self, form: str, api_id: str, key: str) -> None:
        env = dict(os.environ, MOCK_UNLEASHED_API_ID=api_id, MOCK_UNLEASHED_API_KEY=key)
        self.process = subprocess.Popen(
            [MOCK_PYTHON, str(MOCK), "--form", form, "--lifetime", "300"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        port = self.process.stdout.readline().decode("ascii").strip()
        if not port.isdigit():
            self.close()
            raise RuntimeError("the mock did not print its port (got %r)" % port)
        self.base = "http://127.0.0.1:%s" % port

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()

    def __enter__(self) -> "Mock":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


CONFORMANCE = REPO / "testdata" / "http_conformance.txt"


def read_conformance():
    """(settings, cases) of testdata/http_conformance.txt: {'form', 'key', 'api-id', 'client-type'} and one dict of
    the name=value fields per case."""
    settings, cases = {}, []
    for line in CONFORMANCE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(" ")
        if kind == "case":
            cases.append(dict(field.split("=", 1) for field in rest.split(" ")))
        else:
            settings[kind] = rest
    return settings, cases


class TwoOriginMock:
    """testing/mock_unleashed.py --other-origin: ``main`` and ``other`` are the two origins' base URLs."""

    def __init__(self, form: str, api_id: str, key: str) -> None:
        env = dict(os.environ, MOCK_UNLEASHED_API_ID=api_id, MOCK_UNLEASHED_API_KEY=key)
        self.process = subprocess.Popen(
            [MOCK_PYTHON, str(MOCK), "--form", form, "--other-origin", "--lifetime", "300"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        ports = [self.process.stdout.readline().decode("ascii").strip() for _ in range(2)]
        if not all(port.isdigit() for port in ports):
            self.close()
            raise RuntimeError("the mock did not print two ports (got %r)" % ports)
        self.main, self.other = ("http://127.0.0.1:%s" % port for port in ports)

    def received_by_other(self) -> list:
        """What the other origin recorded: one "METHOD TARGET SIGNING-HEADERS" line per request it got."""
        import urllib.request

        with urllib.request.urlopen(self.other + "/_received", timeout=30) as reply:
            return reply.read().decode("latin-1").splitlines()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()
