#!/usr/bin/env python3
"""A client with no signing at all, as Power Query or a low-code tool is: Python's urllib against the gateway.

Usage: urllib_client.py BASE_URL CASES_FILE
For each 'case' line of testdata/e2e_cases.txt it sends GET BASE_URL/Customers?<query> (percent-encoded by
urllib.parse.quote, space as %20) and prints one JSON line: {"sent": query, "status": N, "body": text}.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request


def main() -> None:
    base, cases_file = sys.argv[1], sys.argv[2]
    with open(cases_file, encoding="utf-8") as cases:
        for line in cases:
            if not line.startswith("case "):
                continue
            pairs = [pair.split(":") for pair in line[5:].strip().split(",")]
            params = [(bytes.fromhex(name).decode(), bytes.fromhex(value).decode()) for name, value in pairs]
            query = urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe="")
            try:
                with urllib.request.urlopen(f"{base}/Customers?{query}", timeout=120) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
            print(json.dumps({"sent": query, "status": status, "body": body.decode("utf-8", "replace")}), flush=True)


if __name__ == "__main__":
    main()
