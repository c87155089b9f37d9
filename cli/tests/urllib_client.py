#!/usr/bin/env python3
"""One GET with Python's urllib, signed through the C ABI by the Python package in bindings/python.

Usage: urllib_client.py BASE PATH FORM [name=value ...]
Environment: UNLEASHED_PYTHON_BINDING (the package's source directory), UNLEASHED_SIGNER_LIB (the shared library),
CLIENT_API_ID, CLIENT_API_KEY, CLIENT_TYPE, and CLIENT_KEY_FORMAT ("text", or "raw" to sign with a key the
package would refuse as text, such as one with a trailing newline).
Prints the HTTP status on the first line, then the response body.
"""

import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.environ["UNLEASHED_PYTHON_BINDING"])
from unleashed_signer import SigningKey  # noqa: E402 - the path is set just above


def main() -> None:
    base, path, form = sys.argv[1:4]
    params = [tuple(arg.split("=", 1)) for arg in sys.argv[4:]]
    key_format = os.environ.get("CLIENT_KEY_FORMAT", "text")
    with SigningKey(os.environ["CLIENT_API_KEY"].encode("utf-8"), format=key_format) as key:
        signed = key.build_query(params, form)
    request = urllib.request.Request(
        "%s%s?%s" % (base, path, signed.query),
        headers={
            "api-auth-id": os.environ["CLIENT_API_ID"],
            "api-auth-signature": signed.signature,
            "client-type": os.environ["CLIENT_TYPE"],
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    sys.stdout.write("%d\n" % status)
    sys.stdout.flush()
    sys.stdout.buffer.write(body)


if __name__ == "__main__":
    main()
