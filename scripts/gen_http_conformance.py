#!/usr/bin/env python3
"""Writes testdata/http_conformance.txt: the HTTP conformance cases every runtime's integration runs against
testing/mock_unleashed.py started with --other-origin (docs/http-contract.md is the contract they check).

Each case is one request a user makes through the integration (requests, httpx, fetch, HttpClient, curl, net/http,
java.net.http), with redirects followed where the client follows them, and what must come of it: answered 200 by
the main origin, which checked the signature of the query that reached it (the stale signature of a first hop gets
a bare 403), or refused before anything reaches the other origin. The expected messages are computed here with
Python's urllib, independently of the project's Rust code.

Usage: python3 scripts/gen_http_conformance.py [--check]   (--check: exit 1 if the file differs from a fresh run)
"""

import pathlib
import sys
import urllib.parse

# Made up, in the shape of real credentials (the same as testdata/e2e_cases.txt).
KEY = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="
API_ID = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
CLIENT_TYPE = "acme/orderautomation"
JSON = "application/json"

# (name, API id the client is configured with, URL path-and-query[#fragment] on the main origin, the Accept the
# caller sets or None, "200" or "refused")
CASES = [
    ("plain", API_ID, "/conformance/Customers?customerCode=ACME", None, "200"),
    ("same-origin-302", API_ID, "/conformance/redirect/302/same/Same302?customerCode=ACME", None, "200"),
    ("same-origin-307", API_ID, "/conformance/redirect/307/same/Same307?customerCode=ACME", None, "200"),
    ("same-origin-308", API_ID, "/conformance/redirect/308/same/Same308?customerCode=ACME", None, "200"),
    ("cross-origin-302", API_ID, "/conformance/redirect/302/other/Cross302?customerCode=ACME", None, "refused"),
    ("cross-origin-307", API_ID, "/conformance/redirect/307/other/Cross307?customerCode=ACME", None, "refused"),
    ("cross-origin-308", API_ID, "/conformance/redirect/308/other/Cross308?customerCode=ACME", None, "refused"),
    ("upper-case-api-id", API_ID.upper(), "/conformance/Customers?customerCode=ACME", None, "200"),
    ("caller-accept", API_ID, "/conformance/Customers?customerCode=ACME", "application/xml", "200"),
    ("plus", API_ID, "/conformance/Products?productCode=A+B", None, "200"),
    ("percent-2b", API_ID, "/conformance/Products?productCode=A%2BB", None, "200"),
    ("fragment", API_ID, "/conformance/Customers?customerCode=ACME#details", None, "200"),
    ("empty-query", API_ID, "/conformance/Customers", None, "200"),
    ("bare-question-mark", API_ID, "/conformance/Customers?", None, "200"),
    ("non-ascii", API_ID, "/conformance/Products/Caf\u00e9?customerName=Zo\u00eb&city=\u6771\u4eac", None, "200"),
]


def message(url: str, outcome: str) -> bytes:
    """What the main origin checks in the last hop (decoded form): the query, %XX decoded, '+' kept."""
    if outcome != "200":
        return b""
    path, _, query = url.split("#", 1)[0].partition("?")
    if path.startswith("/conformance/redirect/"):
        query = "hop=2" + ("&" + query if query else "")
    return urllib.parse.unquote_to_bytes(query.encode("utf-8"))


def render() -> str:
    lines = [
        "# HTTP conformance cases for every runtime, written by scripts/gen_http_conformance.py. Do not edit: change",
        "# the script. The contract they check is docs/http-contract.md.",
        "#",
        "# Start testing/mock_unleashed.py --form FORM --other-origin with MOCK_UNLEASHED_API_ID and",
        "# MOCK_UNLEASHED_API_KEY set to the 'api-id' and 'key' lines below; it prints the main origin's port, then the",
        "# other origin's. Configure the integration with 'key', 'client-type' and each case's api-id, and with",
        "# redirects followed where the client has a switch for it. Then, for each 'case' line (space-separated",
        "# name=value fields):",
        "#   name      the case's name, for reports",
        "#   api-id    the API id the integration is given (the mock accepts only the lowercase 'api-id' line)",
        "#   url       hex of the path-and-query (and fragment) to request on the main origin, http://127.0.0.1:PORT",
        "#   accept    an Accept header value the caller sets on the request itself, or - for none",
        "#   expect    200: the response the caller gets is 200 from the main origin, whose body has an 'origin main'",
        "#             line and a 'message HEX' line that must equal 'message', and 'accept VALUE' lines (one per",
        "#             Accept header received) that must be exactly one, equal to 'accept-received';",
        "#             refused: the call fails with the integration's redirect error, and the other origin gets nothing",
        "#   message   hex of the decoded query the main origin checked on the last hop; - for the empty query",
        "#             and when refused",
        "#   accept-received   the one Accept value the main origin must receive, or - when refused",
        "# After all cases, GET /_received on the other origin must list no request: nothing reaches it, and so no",
        "# signing header either. Every 200 body has at most one 'content-type' line.",
        "form decoded",
        f"key {KEY}",
        f"api-id {API_ID}",
        f"client-type {CLIENT_TYPE}",
    ]
    for name, api_id, url, accept, outcome in CASES:
        text = message(url, outcome)
        received = (accept or JSON) if outcome == "200" else "-"
        fields = [
            f"name={name}",
            f"api-id={api_id}",
            f"url={url.encode('utf-8').hex()}",
            f"accept={accept or '-'}",
            f"expect={outcome}",
            f"message={text.hex() if outcome == '200' and text else '-'}",
            f"accept-received={received}",
        ]
        lines.append("case " + " ".join(fields))
    return "\n".join(lines) + "\n"


def main() -> int:
    path = pathlib.Path(__file__).resolve().parent.parent / "testdata" / "http_conformance.txt"
    fresh = render()
    if sys.argv[1:] == ["--check"]:
        if not path.is_file() or path.read_text(encoding="utf-8") != fresh:
            print(f"{path} differs from a fresh run of {__file__}", file=sys.stderr)
            return 1
        return 0
    path.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
