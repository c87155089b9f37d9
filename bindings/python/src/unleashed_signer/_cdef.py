"""Turns ``include/unleashed_signer.h`` into the declarations cffi reads (``ffi.cdef``).

The header is the one contract: the package's low-level declarations are generated from it, never written by
hand. It is read as a C99 compiler that defines nothing sees it: conditional blocks on ``__cplusplus``,
``__STDC_VERSION__ >= 202311L``, ``_WIN32`` and ``__GNUC__`` are dropped (their ``#else`` kept), the
``UNLEASHED_API`` and ``UNLEASHED_MUST_USE`` markers are removed, and integer ``#define`` constants are kept
with their values computed. String constants (the header names) are not for cffi; ``strings()`` returns them.

Used by ``setup.py`` when the wheel is built (cffi's API mode then compiles against the real header, so cffi
also checks every constant against the C compiler's value), and at import time only for the development
override ``UNLEASHED_SIGNER_LIB``.
"""

import re

_DEFINE = re.compile(r"#\s*define\s+(UNLEASHED_\w+)\s+(.*)")


def _active_lines(text: str):
    """The header's lines outside conditional blocks a C99 compiler that defines nothing would skip."""
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
    stack = []  # per open conditional: is its current branch active?
    for line in code.splitlines():
        directive = re.match(r"\s*#\s*(\w+)\s*(.*)", line)
        keyword = directive.group(1) if directive else None
        if keyword in ("if", "ifdef", "ifndef"):
            stack.append(keyword == "ifndef")  # nothing is defined: only #ifndef holds
        elif keyword == "else":
            stack[-1] = not stack[-1]
        elif keyword == "endif":
            stack.pop()
        elif all(stack):
            yield line


def _defines(text: str) -> dict:
    values: dict = {}
    for line in _active_lines(text):
        match = _DEFINE.match(line.strip())
        if not match or "(" in match.group(1):
            continue
        name, value = match.group(1), match.group(2).strip()
        if re.fullmatch(r"\d+", value):
            values[name] = int(value)
        elif re.fullmatch(r'"[^"\\]*"', value):
            values[name] = value[1:-1]
        else:
            sum_ = re.fullmatch(r"\((UNLEASHED_\w+) \+ (\d+)\)", value)
            if sum_ and isinstance(values.get(sum_.group(1)), int):
                values[name] = values[sum_.group(1)] + int(sum_.group(2))
    return values


def strings(text: str) -> dict:
    """The header's string constants: ``{"UNLEASHED_HEADER_API_AUTH_ID": "api-auth-id", ...}``."""
    return {name: value for name, value in _defines(text).items() if isinstance(value, str)}


def cdef(text: str) -> str:
    """The declarations of the header, for ``cffi.FFI().cdef``."""
    lines = ["#define %s %d" % item for item in _defines(text).items() if isinstance(item[1], int)]
    for line in _active_lines(text):
        line = re.sub(r"\bUNLEASHED_(API|MUST_USE)\b", "", line).rstrip()
        if line.strip() and not line.lstrip().startswith("#"):
            lines.append(line.strip() if line.startswith(" ") and "(" in line else line)
    return "\n".join(lines) + "\n"
