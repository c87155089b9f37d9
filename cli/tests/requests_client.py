#!/usr/bin/env python3
"""Sends requests with Python's `requests`, as an integration written in Python would.

Reads one JSON request per stdin line: {"method": ..., "url": ..., "headers": [[name, value], ...], "body": text}
(headers are sent in that order; a body of "" sends none). Prints each response's HTTP status on its own line.
"""

import json
import sys

import requests


def main() -> None:
    with requests.Session() as session:
        for line in sys.stdin:
            request = json.loads(line)
            response = session.request(
                request["method"],
                request["url"],
                headers=dict(request["headers"]),
                data=request["body"].encode("utf-8") or None,
            )
            print(response.status_code, flush=True)


if __name__ == "__main__":
    main()
