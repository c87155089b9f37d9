"""Sign Unleashed API requests from Python, through the unleashed-signer shared library (ctypes, stdlib only).

    >>> from unleashed_signer import SigningKey
    >>> with SigningKey(api_key) as key:
    ...     headers = {"api-auth-signature": key.sign_url("/Customers?customerCode=ACME")}

The library is found through, in order: the ``UNLEASHED_SIGNER_LIB`` environment variable (a path to
``libunleashed_signer.so`` or ``libunleashed_signer_ffi.so``), the repository's Cargo target directories
(``$CARGO_TARGET_DIR`` or ``target/``, release then debug), then the system's library path.

Every failure raises :class:`UnleashedError`, whose ``status`` is the C status number and whose message says
what to do. Key material is wiped by :meth:`SigningKey.clear`, by leaving a ``with`` block, or when the key is
garbage-collected; it never appears in ``repr``. Python's own copy of the secret (the ``str`` or ``bytes`` you
passed) is outside this module's reach.
"""

import ctypes
import ctypes.util
import os
import pathlib
from typing import Iterable, NamedTuple, Tuple, Union

__all__ = [
    "SigningKey",
    "SignedQuery",
    "UnleashedError",
    "signed_query",
    "validate_api_id",
    "validate_client_type",
    "library_version",
    "SIGNATURE_LEN",
]

SIGNATURE_LEN = 44
_KEY_FORMATS = {"text": 0, "base64": 1, "raw": 2}
_FORMS = {"decoded": 0, "wire": 1}
_OK, _BUFFER_TOO_SMALL, _SIGNATURE_MISMATCH = 0, 5, 40

Bytes = Union[str, bytes, bytearray, memoryview]


def _candidates():
    explicit = os.environ.get("UNLEASHED_SIGNER_LIB")
    if explicit:
        yield pathlib.Path(explicit)
        return
    repo = pathlib.Path(__file__).resolve().parents[2]
    targets = [os.environ.get("CARGO_TARGET_DIR"), repo / "target"]
    for target in filter(None, targets):
        for profile in ("release", "debug"):
            yield pathlib.Path(target) / profile / "libunleashed_signer_ffi.so"
    found = ctypes.util.find_library("unleashed_signer")
    if found:
        yield pathlib.Path(found)


def _load():
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_file() or path.name == str(path):
            try:
                return ctypes.CDLL(str(path))
            except OSError:
                continue
    raise ImportError(
        "cannot find the unleashed-signer shared library (tried: %s). Build it with "
        "`cargo build --release -p unleashed-signer-ffi` or set UNLEASHED_SIGNER_LIB." % ", ".join(tried)
    )


_lib = _load()
_size_t, _u32, _cp = ctypes.c_size_t, ctypes.c_uint32, ctypes.c_char_p
_vp = ctypes.c_void_p


def _declare(name, restype, *argtypes):
    function = getattr(_lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


_status_str = _declare("unleashed_status_str", _cp, _u32)
_version = _declare("unleashed_version", _cp)
_key_size = _declare("unleashed_key_size", _size_t)
_key_init = _declare("unleashed_key_init", _u32, _vp, _cp, _size_t, _u32)
_key_clear = _declare("unleashed_key_clear", None, _vp)
_sign = _declare("unleashed_sign", _u32, _vp, _cp, _size_t, _cp, _size_t)
_sign_query = _declare("unleashed_sign_query", _u32, _vp, _cp, _size_t, _u32, _cp, _size_t)
_sign_url = _declare("unleashed_sign_url", _u32, _vp, _cp, _size_t, _u32, _cp, _size_t)
_verify = _declare("unleashed_verify", _u32, _vp, _cp, _size_t, _cp, _size_t)
_verify_url = _declare("unleashed_verify_url", _u32, _vp, _cp, _size_t, _u32, _cp, _size_t)
_query_size = _declare("unleashed_query_size", _size_t)
_query_init = _declare("unleashed_query_init", _u32, _vp, _cp, _size_t)
_query_push = _declare(
    "unleashed_query_push", _u32, _vp, _cp, _size_t, _cp, _size_t, ctypes.POINTER(_size_t)
)
_query_len = _declare("unleashed_query_len", _size_t, _vp)
_query_sign = _declare("unleashed_query_sign", _u32, _vp, _vp, _u32, _cp, _size_t)
_api_id_validate = _declare("unleashed_api_id_validate", _u32, _cp, _size_t)
_client_type_validate = _declare("unleashed_client_type_validate", _u32, _cp, _size_t)

# Storage as 8-byte words, so ctypes gives it the alignment the C header declares.
_KeyStorage = ctypes.c_uint64 * (_key_size() // 8)
_QueryStorage = ctypes.c_uint64 * (_query_size() // 8)


class UnleashedError(Exception):
    """A call into unleashed-signer failed. ``status`` is the C ``unleashed_status`` number."""

    def __init__(self, status: int):
        self.status = status
        super().__init__(status_message(status))


def status_message(status: int) -> str:
    """The library's message for a status number (any number, known or not)."""
    return _status_str(status).decode("utf-8")


def library_version() -> str:
    """The version of the shared library that was loaded."""
    return _version().decode("ascii")


def _check(status: int) -> None:
    if status != _OK:
        raise UnleashedError(status)


def _bytes(value: Bytes) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def _option(table, name, what):
    try:
        return table[name]
    except KeyError:
        raise ValueError("unknown %s %r: use one of %s" % (what, name, ", ".join(table))) from None


def _signature_call(call, *args) -> str:
    out = ctypes.create_string_buffer(SIGNATURE_LEN + 1)
    _check(call(*args, out, len(out)))
    return out.value.decode("ascii")


class SigningKey:
    """An Unleashed API key, prepared for signing.

    ``format`` is ``"text"`` (Unleashed's way: the key text's bytes are the HMAC key), ``"base64"`` (decode the
    key first; never right for Unleashed keys) or ``"raw"`` (arbitrary bytes). Raises :class:`UnleashedError`
    for a key Unleashed would never issue, such as one with a trailing newline.
    """

    def __init__(self, secret: Bytes, format: str = "text"):
        self._storage = _KeyStorage()
        secret = _bytes(secret)
        _check(_key_init(self._storage, secret, len(secret), _option(_KEY_FORMATS, format, "key format")))

    def sign(self, message: Bytes) -> str:
        """The 44-character signature of ``message``, signed verbatim (pass the query without ``?``)."""
        message = _bytes(message)
        return _signature_call(_sign, self._storage, message, len(message))

    def sign_query(self, query: Bytes, form: str = "decoded") -> str:
        """Signs a query string; ``form="decoded"`` (the default) percent-decodes it first, ``"wire"`` does not."""
        query = _bytes(query)
        return _signature_call(_sign_query, self._storage, query, len(query), _option(_FORMS, form, "form"))

    def sign_url(self, url: Bytes, form: str = "decoded") -> str:
        """Signs the query part of a URL or path-and-query (empty if there is none)."""
        url = _bytes(url)
        return _signature_call(_sign_url, self._storage, url, len(url), _option(_FORMS, form, "form"))

    def verify(self, message: Bytes, signature: Bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message`` (compared in constant time)."""
        message, signature = _bytes(message), _bytes(signature)
        status = _verify(self._storage, message, len(message), signature, len(signature))
        if status == _SIGNATURE_MISMATCH:
            return False
        _check(status)
        return True

    def verify_url(self, url: Bytes, signature: Bytes, form: str = "decoded") -> bool:
        """Whether ``signature`` is this key's signature of the URL's query in ``form``."""
        url, signature = _bytes(url), _bytes(signature)
        form_number = _option(_FORMS, form, "form")
        status = _verify_url(self._storage, url, len(url), form_number, signature, len(signature))
        if status == _SIGNATURE_MISMATCH:
            return False
        _check(status)
        return True

    def clear(self) -> None:
        """Wipes the prepared key; using it afterwards raises :class:`UnleashedError`."""
        storage = getattr(self, "_storage", None)
        # At interpreter exit the module's globals may already be gone; the process memory goes with them.
        if storage is not None and _key_clear is not None:
            _key_clear(storage)

    def __enter__(self) -> "SigningKey":
        return self

    def __exit__(self, *exc) -> None:
        self.clear()

    def __del__(self) -> None:
        self.clear()

    def __repr__(self) -> str:
        return "SigningKey(<redacted>)"


class SignedQuery(NamedTuple):
    """A wire query (send it after ``?``) and its signature, made from the same parameters."""

    query: str
    signature: str


def signed_query(key: SigningKey, params: Iterable[Tuple[Bytes, Bytes]], form: str = "decoded") -> SignedQuery:
    """Builds the percent-encoded query from ``(name, value)`` pairs and signs it, so the two cannot drift apart."""
    pairs = [(_bytes(name), _bytes(value)) for name, value in params]
    capacity = 256
    while True:
        buf = ctypes.create_string_buffer(capacity)
        query = _QueryStorage()
        _check(_query_init(query, buf, len(buf)))
        needed = _size_t(0)
        grown = False
        for name, value in pairs:
            status = _query_push(query, name, len(name), value, len(value), ctypes.byref(needed))
            if status == _BUFFER_TOO_SMALL:
                # Nothing of this pair was written; start again with the buffer the whole query needs so far.
                capacity = max(needed.value, capacity * 2)
                grown = True
                break
            _check(status)
        if grown:
            continue
        signature = _signature_call(_query_sign, query, key._storage, _option(_FORMS, form, "form"))
        return SignedQuery(buf.raw[: _query_len(query)].decode("ascii"), signature)


def validate_api_id(api_id: Bytes) -> None:
    """Raises :class:`UnleashedError` unless ``api_id`` is a 36-character GUID."""
    api_id = _bytes(api_id)
    _check(_api_id_validate(api_id, len(api_id)))


def validate_client_type(client_type: Bytes) -> None:
    """Raises :class:`UnleashedError` unless ``client_type`` is ``partner_or_account/app_name``."""
    client_type = _bytes(client_type)
    _check(_client_type_validate(client_type, len(client_type)))
