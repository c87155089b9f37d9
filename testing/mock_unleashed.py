#!/usr/bin/env python3
"""A loopback stand-in for the Unleashed API that checks signatures with Python's own hmac.

It is an implementation independent of this project's Rust code: the end-to-end tests send it requests
made by real clients (curl, ureq, urllib) and it answers as Unleashed does, 200 or a bare 403.

Usage: MOCK_UNLEASHED_API_ID=... MOCK_UNLEASHED_API_KEY=... mock_unleashed.py --form decoded|wire [--record FILE]
It listens on 127.0.0.1 on a free port and prints that port on its first line of stdout. It stops when its
stdin closes (the test that started it ended, however it ended) or after --lifetime seconds.

The form is what the server signs: "decoded" is urllib.parse.unquote_to_bytes of the raw query (%XX decoded,
'+' kept as '+', as RFC 3986 reads a query; deliberately not unquote_plus), "wire" is the raw query bytes.
A 200 answer's body tells the test what arrived, one "name value" per line:
  target <the raw request-target>   message <hex of the bytes checked>   body <hex of the body>
  header-names <the names of the headers, as received, comma-separated>
With --list-items N, a signed GET of /<Endpoint>/<page> (a list page, e.g. /Customers/2?pageSize=100) is
answered as Unleashed answers a list instead: JSON {"Pagination": {...}, "Items": [...]} over N made-up items,
pageSize from the query (default 200); see list_page(). Without it, such paths get the echo like any other.
With --record FILE, every request received (request line, headers and body, byte for byte as they arrived) is
appended to FILE before it is answered, whatever the answer: a capture of what real clients send.

The HTTP conformance suite (testdata/http_conformance.txt, docs/http-contract.md) uses two more things:
- --other-origin starts a second listener on another loopback port, a second origin, and prints its port on the
  second line of stdout. It answers every request 200 ("origin other", then the target and the signing headers it
  got) and records it; GET /_received on it lists what it recorded, one line per request:
  "METHOD TARGET SIGNING-HEADERS", SIGNING-HEADERS being the comma-separated names of the api-auth-id,
  api-auth-signature and client-type headers the request carried, or "-" for none.
- Paths under /conformance/ on the main origin. /conformance/redirect/STATUS/same|other/REST checks the signature
  like any request (a bare 403 if wrong), then answers STATUS (301, 302, 303, 307 or 308) with Location
  /conformance/REST?hop=2[&ORIGINAL QUERY]: a relative reference for "same", an absolute URL on the other origin
  for "other". Every other /conformance/ path answers as above, and its 200 body also has "origin main" and one
  "accept VALUE" and "content-type VALUE" line per such header received, in order.
"""

import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse

SIGNING_HEADERS = ("api-auth-id", "api-auth-signature", "client-type")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
LIST_PAGE = re.compile(rb"^/([A-Za-z]+)/([0-9]+)(?:\?|$)")


def list_page(target: bytes, item_count: int, padding: int = 0) -> bytes | None:
    """The JSON page Unleashed answers for /<Endpoint>/<page>?pageSize=N, or None when target is not a list page.

    Item i (from 1) of every list is {"Code": "<Endpoint>-<i, 6 digits>", "Index": i}, so a test can check that
    a merged list has every item once and in order; with padding, each also has "Notes" of that many characters
    (to make lists large, for measuring memory).
    """
    match = LIST_PAGE.match(target)
    if not match:
        return None
    endpoint, page = match.group(1).decode(), int(match.group(2))
    params = urllib.parse.parse_qs(target.partition(b"?")[2].decode("utf-8", "replace"))
    page_size = min(max(int(params.get("pageSize", ["200"])[0]), 1), 1000)
    pages = max((item_count + page_size - 1) // page_size, 1)
    first = (page - 1) * page_size + 1
    items = [{"Code": f"{endpoint}-{i:06d}", "Index": i} for i in range(first, min(first + page_size, item_count + 1))]
    if padding:
        for item in items:
            item["Notes"] = "n" * padding
    pagination = {"NumberOfItems": item_count, "PageSize": page_size, "PageNumber": page, "NumberOfPages": pages}
    return json.dumps({"Pagination": pagination, "Items": items}).encode()


class Recording:
    """A request stream that keeps a copy of every byte read from it, until taken."""

    def __init__(self, stream) -> None:  # noqa: ANN001 - a socket file
        self.stream = stream
        self.seen = bytearray()

    def readline(self, *limit: int) -> bytes:
        line = self.stream.readline(*limit)
        self.seen += line
        return line

    def read(self, *size: int) -> bytes:
        data = self.stream.read(*size)
        self.seen += data
        return data

    def close(self) -> None:
        self.stream.close()

    def take(self) -> bytes:
        data = bytes(self.seen)
        self.seen.clear()
        return data


def signed_correctly(handler, form: str, api_id: bytes, key: bytes):  # noqa: ANN001 - a request handler
    """(whether the request carries the right api-auth-id and signature, the message checked)."""
    target = handler.path.encode("iso-8859-1")
    query = target.split(b"#", 1)[0].partition(b"?")[2]
    message = urllib.parse.unquote_to_bytes(query) if form == "decoded" else query
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest())
    given_id = handler.headers.get("api-auth-id", "").encode("iso-8859-1", "replace")
    given_signature = handler.headers.get("api-auth-signature", "").encode("iso-8859-1", "replace")
    return hmac.compare_digest(given_id, api_id) and hmac.compare_digest(given_signature, expected), message


def reply(handler, status: int, body: bytes, headers=()) -> None:  # noqa: ANN001 - a request handler
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def read_body(handler) -> bytes:  # noqa: ANN001 - a request handler
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def conformance_answer(handler, args, api_id: bytes, key: bytes, other_base: str) -> None:  # noqa: ANN001
    """A request under /conformance/ on the main origin: a redirect route, or a 200 that says what arrived."""
    target = handler.path.encode("iso-8859-1")
    body = read_body(handler)
    ok, message = signed_correctly(handler, args.form, api_id, key)
    if not ok:
        reply(handler, 403, b"")
        return
    path, _, query = target.partition(b"?")
    parts = path.split(b"/", 5)  # b"", b"conformance", b"redirect", STATUS, WHERE, REST
    if len(parts) == 6 and parts[2] == b"redirect":
        status, where, rest = int(parts[3]), parts[4], parts[5]
        if status not in REDIRECT_STATUSES or where not in (b"same", b"other") or (where == b"other" and not other_base):
            reply(handler, 404, b"")
            return
        location = b"/conformance/" + rest + b"?hop=2" + (b"&" + query if query else b"")
        if where == b"other":
            location = other_base.encode("ascii") + location
        reply(handler, status, b"", [("Location", location.decode("iso-8859-1"))])
        return
    lines = [
        b"origin main",
        b"target " + target,
        b"message " + message.hex().encode(),
        b"body " + body.hex().encode(),
        b"header-names " + ",".join(handler.headers.keys()).encode("iso-8859-1"),
    ]
    lines += [b"accept " + v.encode("iso-8859-1") for v in handler.headers.get_all("Accept") or []]
    lines += [b"content-type " + v.encode("iso-8859-1") for v in handler.headers.get_all("Content-Type") or []]
    reply(handler, 200, b"\n".join(lines) + b"\n")


def start_other_origin():
    """The second origin: records every request and the signing headers it carried. Returns its server."""
    received = []
    lock = threading.Lock()

    class OtherOrigin(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            target = self.path.encode("iso-8859-1")
            if self.command == "GET" and target == b"/_received":
                with lock:
                    body = b"".join(line + b"\n" for line in received)
                reply(self, 200, body)
                return
            read_body(self)
            names = [name for name in SIGNING_HEADERS if name in self.headers]
            with lock:
                received.append(b"%s %s %s" % (self.command.encode("ascii"), target, ",".join(names).encode() or b"-"))
            lines = [b"origin other", b"target " + target] + [
                b"signing-header " + name.encode("ascii") for name in names
            ]
            reply(self, 200, b"\n".join(lines) + b"\n")

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = answer

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OtherOrigin)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", choices=["decoded", "wire"], required=True)
    parser.add_argument("--lifetime", type=float, default=600.0)
    parser.add_argument("--record", metavar="FILE", help="append each request received to FILE, as received")
    parser.add_argument("--other-origin", action="store_true", help="start a second origin (port on line 2)")
    parser.add_argument("--list-items", type=int, help="answer list pages, with this many items (see list_page)")
    parser.add_argument("--list-padding", type=int, default=0, help="characters of Notes in each list item")
    args = parser.parse_args()
    record_lock = threading.Lock()
    api_id = os.environ["MOCK_UNLEASHED_API_ID"].encode("ascii")
    key = os.environ["MOCK_UNLEASHED_API_KEY"].encode("utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def setup(self) -> None:
            super().setup()
            if args.record:
                self.rfile = Recording(self.rfile)

        def route(self) -> None:
            if self.path.startswith("/conformance/"):
                conformance_answer(self, args, api_id, key, other_base)
            else:
                self.answer()

        def answer(self) -> None:
            # http.server decodes the request line as ISO-8859-1, so this is the request-target's bytes as sent.
            target = self.path.encode("iso-8859-1")
            query = target.partition(b"?")[2]
            message = urllib.parse.unquote_to_bytes(query) if args.form == "decoded" else query
            expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest())
            given_id = self.headers.get("api-auth-id", "").encode("iso-8859-1", "replace")
            given_signature = self.headers.get("api-auth-signature", "").encode("iso-8859-1", "replace")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if args.record:
                with record_lock, open(args.record, "ab") as record:
                    record.write(self.rfile.take())
            signed = hmac.compare_digest(given_id, api_id) and hmac.compare_digest(given_signature, expected)
            lists = args.list_items is not None and signed and self.command == "GET"
            page = list_page(target, args.list_items, args.list_padding) if lists else None
            if page is not None:
                reply = page
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
            elif signed:
                names = ",".join(self.headers.keys())
                reply = b"target %s\nmessage %s\nbody %s\nheader-names %s\n" % (
                    target,
                    message.hex().encode(),
                    body.hex().encode(),
                    names.encode("iso-8859-1"),
                )
                self.send_response(200)
            else:
                reply = b""
                self.send_response(403)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_GET = do_POST = do_PUT = do_DELETE = route

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    other_base = ""
    if args.other_origin:
        other = start_other_origin()
        other_base = "http://127.0.0.1:%d" % other.server_address[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    if args.other_origin:
        print(other.server_address[1], flush=True)

    def stop_when_stdin_closes() -> None:
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
