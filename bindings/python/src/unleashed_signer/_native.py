"""The C ABI of unleashed-signer, declared for ctypes: the library, its functions, constants and status numbers.

Everything here mirrors ``include/unleashed_signer.h``, the one contract between this package and the library.
The package's tests parse that header and fail if any function, argument type, struct field, constant or status
number here differs from it.

The library is the one bundled in this package (built from the repository's ``ffi`` crate into the wheel). For
development only, the ``UNLEASHED_SIGNER_LIB`` environment variable may name another build of it.
"""

from __future__ import annotations

import ctypes
import enum
import os
import pathlib
import sys

# Constants of the header (#define UNLEASHED_<NAME>).
VERSION_MAJOR = 0
VERSION_MINOR = 1
VERSION_PATCH = 0
VERSION = "%d.%d.%d" % (VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH)
SIGNATURE_LEN = 44
SIGNATURE_BUFFER_LEN = SIGNATURE_LEN + 1
KEY_FORMAT_TEXT = 0
KEY_FORMAT_BASE64 = 1
KEY_FORMAT_RAW = 2
SIGNED_FORM_DECODED = 0
SIGNED_FORM_WIRE = 1
HEADER_API_AUTH_ID = "api-auth-id"
HEADER_API_AUTH_SIGNATURE = "api-auth-signature"
HEADER_CLIENT_TYPE = "client-type"


class Status(enum.IntEnum):
    """The C ``unleashed_status`` numbers (``UNLEASHED_<NAME>``); they never change."""

    OK = 0
    PANIC = 1
    NULL_POINTER = 2
    INVALID_LENGTH = 3
    MISALIGNED_POINTER = 4
    BUFFER_TOO_SMALL = 5
    OVERLAPPING_BUFFERS = 6
    KEY_NOT_INITIALISED = 10
    INVALID_KEY_FORMAT = 11
    INVALID_SIGNED_FORM = 12
    QUERY_NOT_INITIALISED = 13
    EMPTY_KEY = 20
    KEY_WHITESPACE = 21
    KEY_CONTROL_CHARACTER = 22
    KEY_NOT_UTF8 = 23
    INVALID_BASE64 = 24
    BASE64_KEY_TOO_LONG = 25
    INVALID_KEY = 26
    MALFORMED_ESCAPE = 30
    EMPTY_PARAMETER_NAME = 31
    SIGNATURE_MISMATCH = 40
    INVALID_API_ID = 50
    INVALID_CLIENT_TYPE = 51


class Param(ctypes.Structure):
    """``struct unleashed_param``: one name and value, each a pointer and a length in bytes."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("name_len", ctypes.c_size_t),
        ("value", ctypes.c_char_p),
        ("value_len", ctypes.c_size_t),
    ]


_u32, _size, _chars, _storage = ctypes.c_uint32, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p

# Every function of the header: name -> (return type, argument types). Keys and queries are opaque storage
# passed by address (c_void_p); `const char *` and `char *` are byte strings or ctypes char buffers.
FUNCTIONS = {
    "unleashed_status_str": (_chars, [_u32]),
    "unleashed_version": (_chars, []),
    "unleashed_key_init": (_u32, [_storage, _chars, _size, _u32]),
    "unleashed_key_clear": (None, [_storage]),
    "unleashed_key_size": (_size, []),
    "unleashed_sign": (_u32, [_storage, _chars, _size, _chars, _size]),
    "unleashed_sign_query": (_u32, [_storage, _chars, _size, _u32, _chars, _size]),
    "unleashed_sign_url": (_u32, [_storage, _chars, _size, _u32, _chars, _size]),
    "unleashed_verify": (_u32, [_storage, _chars, _size, _chars, _size]),
    "unleashed_verify_url": (_u32, [_storage, _chars, _size, _u32, _chars, _size]),
    "unleashed_build_query": (
        _u32,
        [_storage, ctypes.POINTER(Param), _size, _u32, _chars, _size, ctypes.POINTER(_size), _chars, _size],
    ),
    "unleashed_query_init": (_u32, [_storage, _chars, _size]),
    "unleashed_query_push": (_u32, [_storage, _chars, _size, _chars, _size, ctypes.POINTER(_size)]),
    "unleashed_query_str": (_chars, [_storage]),
    "unleashed_query_len": (_size, [_storage]),
    "unleashed_query_sign": (_u32, [_storage, _storage, _u32, _chars, _size]),
    "unleashed_query_size": (_size, []),
    "unleashed_api_id_validate": (_u32, [_chars, _size]),
    "unleashed_client_type_validate": (_u32, [_chars, _size]),
}


def _library_name() -> str:
    if sys.platform == "win32":
        return "unleashed_signer_ffi.dll"
    if sys.platform == "darwin":
        return "libunleashed_signer_ffi.dylib"
    return "libunleashed_signer_ffi.so"


def _load() -> ctypes.CDLL:
    override = os.environ.get("UNLEASHED_SIGNER_LIB")
    path = pathlib.Path(override) if override else pathlib.Path(__file__).with_name(_library_name())
    try:
        library = ctypes.CDLL(str(path))
    except OSError as error:
        if override:
            advice = "UNLEASHED_SIGNER_LIB names %s, which cannot be loaded: point it at a built " % path
            advice += "libunleashed_signer_ffi, or unset it to use the library bundled in the wheel"
        else:
            advice = "this copy of unleashed_signer has no usable bundled library (%s): install the wheel " % path
            advice += "(pip install ./bindings/python from the repository) instead of using the source tree"
        raise ImportError("%s (%s)" % (advice, error)) from None
    for name, (restype, argtypes) in FUNCTIONS.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    linked = library.unleashed_version().decode("ascii")
    if linked != VERSION:
        raise ImportError(
            "the unleashed-signer library at %s is version %s but this package needs %s: " % (path, linked, VERSION)
            + "reinstall the package (or fix UNLEASHED_SIGNER_LIB)"
        )
    return library


lib = _load()
path = lib._name
