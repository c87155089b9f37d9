"""Sign requests to the Unleashed inventory API: base64(HMAC-SHA256(API key text, query)).

Signing runs in unleashed-signer's compiled library, bundled in this package and called through its C ABI::

    import requests
    from unleashed_signer import UnleashedAuth

    auth = UnleashedAuth(api_id, api_key, "acme/orderautomation")
    requests.get("https://api.unleashedsoftware.com/Customers", params={"customerCode": "ACME"}, auth=auth)

Or with a key of your own::

    from unleashed_signer import SigningKey

    with SigningKey(api_key) as key:                   # the native copy is wiped when the block ends
        signature = key.sign("customerCode=ACME")

Every failure raises :class:`UnleashedError` (with the C status number and its message); bad input raises
:class:`InvalidInputError`, which is also a :class:`ValueError`, saying what to fix. The key never appears in a
message or ``repr``.
"""

from __future__ import annotations

import time
import weakref
from typing import Dict, Iterable, Mapping, NamedTuple, Optional, Tuple, Union

from . import _native
from ._native import SIGNATURE_LEN, Status

__all__ = [
    "SigningKey",
    "SignedQuery",
    "UnleashedAuth",
    "UnleashedTransport",
    "AsyncUnleashedTransport",
    "UnleashedError",
    "InvalidInputError",
    "RedirectRefusedError",
    "Status",
    "SIGNATURE_LEN",
    "validate_api_id",
    "validate_client_type",
    "library_version",
    "status_message",
    "__version__",
]

__version__ = _native.VERSION

Text = Union[str, bytes]
"""A query, URL, name or value: ``str`` (encoded as UTF-8) or ``bytes``."""

_ffi = _native.ffi
_lib = _native.lib
_new = _ffi.new
_unpack = _ffi.unpack
_sign = _lib.unleashed_sign
_sign_query = _lib.unleashed_sign_query
_sign_url = _lib.unleashed_sign_url
_verify = _lib.unleashed_verify
_verify_url = _lib.unleashed_verify_url
_key_clear = _lib.unleashed_key_clear
_headers_for_url = _lib.unleashed_headers_for_url
_HEADERS_LEN = _ffi.sizeof("unleashed_headers")
_BUFFER_LEN = _native.SIGNATURE_BUFFER_LEN
_FORMS = {"decoded": _native.SIGNED_FORM_DECODED, "wire": _native.SIGNED_FORM_WIRE}
_KEY_FORMATS = {"text": _native.KEY_FORMAT_TEXT, "base64": _native.KEY_FORMAT_BASE64, "raw": _native.KEY_FORMAT_RAW}
_INPUT_STATUSES = frozenset(
    {
        Status.INVALID_KEY_FORMAT,
        Status.INVALID_SIGNED_FORM,
        Status.EMPTY_KEY,
        Status.KEY_WHITESPACE,
        Status.KEY_CONTROL_CHARACTER,
        Status.KEY_NOT_UTF8,
        Status.INVALID_BASE64,
        Status.BASE64_KEY_TOO_LONG,
        Status.INVALID_KEY,
        Status.MALFORMED_ESCAPE,
        Status.EMPTY_PARAMETER_NAME,
        Status.INVALID_API_ID,
        Status.INVALID_CLIENT_TYPE,
    }
)
_KEY_WORDS = _lib.unleashed_key_size() // 8
if _KEY_WORDS * 8 != _lib.unleashed_key_size():
    raise ImportError("unleashed_key_size() is not a multiple of 8: this library does not match the package")

# What a closed SigningKey points to: zeroed storage, which the library answers with KEY_NOT_INITIALISED.
_closed_storage = _new("uint64_t[]", _KEY_WORDS)
_CLOSED = _ffi.cast("unleashed_key *", _closed_storage)


class UnleashedError(Exception):
    """A call into unleashed-signer failed.

    ``status`` is the C ``unleashed_status`` number (a :class:`Status` when known) and ``message`` the library's
    message for it, which says what to do. Neither ever contains key material.
    """

    status: int
    message: str

    def __init__(self, status: int, message: Optional[str] = None) -> None:
        try:
            status = Status(status)
        except ValueError:
            pass
        self.status = status
        self.message = message if message is not None else status_message(status)
        super().__init__(self.message)

    def __reduce__(self):
        """Keeps the status when pickled (multiprocessing, logging handlers)."""
        return (type(self), (int(self.status), self.message))


class InvalidInputError(UnleashedError, ValueError):
    """Bad input (a key with a trailing newline, a malformed API id, an unknown form...): the message says what
    to fix. Catch it as :class:`UnleashedError` or as :class:`ValueError`."""


class RedirectRefusedError(Exception):
    """A signed request was answered with a redirect to another origin, which is never followed: the request there
    would carry the signing headers, a credential (docs/http-contract.md in the repository).

    ``location`` is the URL the redirect named, and ``response`` the redirect response (a ``requests.Response`` or
    an ``httpx.Response``) when there is one.
    """

    def __init__(self, origin: str, location: str, response: object = None) -> None:
        self.origin = origin
        self.location = location
        self.response = response
        super().__init__(
            "refused to follow a redirect from %s to another origin (%s): the request would carry the signing "
            "headers there; if that origin is trusted, make the request to it yourself" % (origin, location)
        )


def _error(status: int, message: Optional[str] = None) -> UnleashedError:
    if status == Status.KEY_NOT_INITIALISED and message is None:
        # A SigningKey that failed to initialise raised in its constructor: this one was closed.
        message = "this SigningKey was closed, which wiped it: make a new SigningKey to sign again"
    kind = InvalidInputError if status in _INPUT_STATUSES else UnleashedError
    return kind(status, message)


def status_message(status: int) -> str:
    """The library's message for a status number, known or not."""
    return _ffi.string(_lib.unleashed_status_str(status)).decode("utf-8")


def library_version() -> str:
    """The version of the compiled library that was loaded, ``"MAJOR.MINOR.PATCH"``."""
    return _ffi.string(_lib.unleashed_version()).decode("ascii")


def _bytes(value: object, what: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(value).__name__))


def _form(form: str) -> int:
    try:
        return _FORMS[form]
    except (KeyError, TypeError):
        raise InvalidInputError(
            Status.INVALID_SIGNED_FORM, 'unknown signed form %r: use form="decoded" (the default) or "wire"' % (form,)
        ) from None


def _utf8_into(text: str) -> bytearray:
    """``text`` as UTF-8 in a new bytearray, written a character at a time, so that no ``bytes`` copy of the whole
    text is ever made (``str.encode`` makes one, freed unwiped). The caller wipes the bytearray."""
    size = 0
    for char in text:
        point = ord(char)
        size += 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    out = bytearray(size)
    at = 0
    for char in text:
        point = ord(char)
        if point < 0x80:
            out[at] = point
            at += 1
        elif point < 0x800:
            out[at], out[at + 1] = 0xC0 | point >> 6, 0x80 | point & 0x3F
            at += 2
        elif point < 0x10000:
            if 0xD800 <= point < 0xE000:
                _ffi.memmove(_ffi.from_buffer(out), bytes(size), size)
                raise InvalidInputError(
                    Status.KEY_NOT_UTF8,
                    "the API key holds a lone surrogate at character %d, which UTF-8 cannot hold: pass the key text "
                    "exactly as Unleashed shows it" % (text.index(char),),
                )
            out[at], out[at + 1], out[at + 2] = 0xE0 | point >> 12, 0x80 | point >> 6 & 0x3F, 0x80 | point & 0x3F
            at += 3
        else:
            out[at], out[at + 1] = 0xF0 | point >> 18, 0x80 | point >> 12 & 0x3F
            out[at + 2], out[at + 3] = 0x80 | point >> 6 & 0x3F, 0x80 | point & 0x3F
            at += 4
    return out


def _clear(storage) -> None:
    _key_clear(_ffi.cast("unleashed_key *", storage))


def validate_api_id(api_id: Text) -> None:
    """Raises :class:`InvalidInputError` unless ``api_id`` is a 36-character GUID, as Unleashed issues them."""
    data = _bytes(api_id, "api_id")
    status = _lib.unleashed_api_id_validate(data, len(data))
    if status:
        raise _error(status)


def validate_client_type(client_type: Text) -> None:
    """Raises :class:`InvalidInputError` unless ``client_type`` is ``partner_or_account/app_name``."""
    data = _bytes(client_type, "client_type")
    status = _lib.unleashed_client_type_validate(data, len(data))
    if status:
        raise _error(status)


class SignedQuery(NamedTuple):
    """A wire query (send it after ``?``) and its signature, built from the same parameters."""

    query: str
    signature: str


class SigningKey:
    """An Unleashed API key, prepared once for signing many requests.

    ``key`` is the API key from Unleashed's API Access page, as ``str``, ``bytes`` or ``bytearray``.
    ``format`` says how it is read: ``"text"`` (Unleashed's way: the key text's bytes are the HMAC key),
    ``"base64"`` (decode first; never right for Unleashed keys) or ``"raw"`` (any bytes, taken as they are).
    With ``wipe_source=True`` a ``bytearray`` key is zeroed as soon as the key is prepared; a ``str`` or
    ``bytes`` cannot be wiped, so it is refused then. A ``str`` key is encoded into a buffer the package wipes, never
    into a ``bytes`` copy: the only copy of its text left is the caller's own ``str``.

    The prepared key lives in native memory that :meth:`close` (or leaving a ``with`` block) wipes; garbage
    collection wipes it too, as a backstop. One key may sign from many threads at once, and :meth:`close`
    waits for the calls still running. Raises :class:`InvalidInputError` for a key Unleashed would never issue,
    such as one with a trailing newline.
    """

    __slots__ = ("_storage", "_key", "_buffers", "_made", "_finalizer", "__weakref__")

    def __init__(self, key: Union[str, bytes, bytearray], *, format: str = "text", wipe_source: bool = False) -> None:
        try:
            key_format = _KEY_FORMATS[format]
        except (KeyError, TypeError):
            raise InvalidInputError(
                Status.INVALID_KEY_FORMAT,
                'unknown key format %r: use format="text" (Unleashed\'s way), "base64" or "raw"' % (format,),
            ) from None
        if wipe_source and not isinstance(key, bytearray):
            raise TypeError("wipe_source=True needs the key as a bytearray (str and bytes cannot be wiped)")
        self._buffers: list = []  # output buffers not in use (see _run)
        self._made: list = []  # every output buffer made for this key
        # Raw memory of unleashed_key_size() bytes, 8-byte aligned, zeroed; only the library reads or writes it.
        storage = _new("uint64_t[]", _KEY_WORDS)
        self._storage = storage
        self._key = _ffi.cast("unleashed_key *", storage)
        # A backstop for keys never closed: wipes the storage (not the key object) when the key is collected,
        # or at interpreter exit.
        self._finalizer = weakref.finalize(self, _clear, storage)
        if isinstance(key, (bytearray, str)):
            # A bytearray is passed in place (no copy), then wiped in place if asked. A str is encoded into a
            # bytearray of our own, which is always wiped.
            own = isinstance(key, str)
            if own:
                try:
                    key = _utf8_into(key)
                except InvalidInputError:
                    self.close()
                    raise
            view = _ffi.from_buffer(key)
            try:
                status = _lib.unleashed_key_init(self._key, view, len(key), key_format)
            finally:
                if wipe_source or own:
                    _ffi.memmove(view, bytes(len(key)), len(key))
                _ffi.release(view)
        elif isinstance(key, bytes):
            status = _lib.unleashed_key_init(self._key, key, len(key), key_format)
        else:
            self.close()
            raise TypeError("key must be str, bytes or bytearray, not %s" % type(key).__name__)
        if status:
            self.close()
            raise _error(status)

    def sign(self, query: Text) -> str:
        """The 44-character signature of ``query`` signed verbatim (the query without ``?``, as sent)."""
        data = query.encode() if query.__class__ is str else _bytes(query, "query")
        # _run() inlined: this is the call a request makes.
        buffers = self._buffers
        try:
            out = buffers.pop()
        except IndexError:
            out = self._new_buffer()
        try:
            status = _sign(self._key, data, len(data), out, _BUFFER_LEN)
            if not status:
                return _unpack(out, SIGNATURE_LEN).decode()  # base64: ASCII, so UTF-8's fast path is exact
        finally:
            buffers.append(out)
        raise _error(status)

    def sign_query(self, query: Text, form: str = "decoded") -> str:
        """Signs a query string (no ``?``): ``form="decoded"`` (the default) %XX-decodes it first (``+`` stays
        ``+``), ``"wire"`` signs it as it is."""
        data = _bytes(query, "query")
        return self._signature(_sign_query, data, len(data), _form(form))

    def sign_url(self, url: Text, form: str = "decoded") -> str:
        """Signs the query of a URL or path-and-query (after the first ``?``, before any ``#``; empty if there
        is none), in the given form (see :meth:`sign_query`)."""
        data = _bytes(url, "url")
        return self._signature(_sign_url, data, len(data), _form(form))

    def verify(self, query: Text, signature: Text) -> bool:
        """Whether ``signature`` is this key's signature of ``query`` signed verbatim (compared in constant
        time)."""
        data, given = _bytes(query, "query"), _bytes(signature, "signature")
        return self._matches(self._run(_verify, data, len(data), given, len(given), signs=False)[0])

    def verify_url(self, url: Text, signature: Text, form: str = "decoded") -> bool:
        """Whether ``signature`` is this key's signature of the URL's query in ``form`` (constant time)."""
        data, given = _bytes(url, "url"), _bytes(signature, "signature")
        return self._matches(self._run(_verify_url, data, len(data), _form(form), given, len(given), signs=False)[0])

    def build_query(
        self, params: Union[Mapping[Text, Text], Iterable[Tuple[Text, Text]]], form: str = "decoded"
    ) -> SignedQuery:
        """Builds the query from ``(name, value)`` pairs (or a mapping) and signs it, in one library call.

        Names and values are percent-encoded minimally (``A-Z a-z 0-9 - . _ ~ : , / @`` stay, space is ``%20``,
        ``+`` is ``%2B``, all else ``%XX``), so the query sent and the query signed cannot drift apart.
        Returns ``(query, signature)``; send the query after ``?``.
        """
        items = params.items() if isinstance(params, Mapping) else params
        pairs = [(_bytes(name, "parameter name"), _bytes(value, "parameter value")) for name, value in items]
        array = _new("unleashed_param[]", len(pairs))
        keep = []  # the buffers the array points into, alive until the calls return
        for param, (name, value) in zip(array, pairs):
            keep.append(_ffi.from_buffer(name))
            keep.append(_ffi.from_buffer(value))
            param.name, param.name_len, param.value, param.value_len = keep[-2], len(name), keep[-1], len(value)
        form_number = _form(form)
        needed = _new("size_t *")
        query = _new("char[]", 256)
        build = _lib.unleashed_build_query
        status, signature = self._run(build, array, len(pairs), form_number, query, len(query), needed)
        if status == Status.BUFFER_TOO_SMALL and needed[0] > len(query):
            # The library reported the whole query's size: one retry always fits.
            query = _new("char[]", needed[0])
            status, signature = self._run(build, array, len(pairs), form_number, query, len(query), _ffi.NULL)
        if status:
            raise _error(status)
        return SignedQuery(_ffi.string(query).decode("ascii"), signature)

    def headers(self, url: Text, api_id: str, client_type: str, *, form: str = "decoded") -> Dict[str, str]:
        """The five headers of an Unleashed request for ``url`` (or a path-and-query such as
        ``/Customers?customerCode=ACME``): ``api-auth-id``, ``api-auth-signature``, ``client-type``,
        ``Accept`` and ``Content-Type``. Raises :class:`InvalidInputError` for a malformed ``api_id`` or
        ``client_type``."""
        api_id, signature, client_type = self.signing_values(url, api_id, client_type, form=form)
        return {
            _native.HEADER_API_AUTH_ID: api_id,
            _native.HEADER_API_AUTH_SIGNATURE: signature,
            _native.HEADER_CLIENT_TYPE: client_type,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }

    def signing_values(self, url: Text, api_id: Text, client_type: Text, *, form: str = "decoded") -> Tuple[str, str, str]:
        """``(api-auth-id, api-auth-signature, client-type)`` for ``url``, as the library gives them in one call
        (``unleashed_headers_for_url``): the API id checked and in lowercase, the client type checked, the
        signature of the URL's query in ``form``. Every integration of this package sends exactly these values."""
        data, id_data, client_data = _bytes(url, "url"), _bytes(api_id, "api_id"), _bytes(client_type, "client_type")
        out = _new("unleashed_headers *")
        status = self._run(
            _headers_for_url,
            id_data,
            len(id_data),
            client_data,
            len(client_data),
            data,
            len(data),
            _form(form),
            out,
            _HEADERS_LEN,
            signs=False,
        )[0]
        if status:
            raise _error(status)
        unpack = _ffi.string
        return unpack(out.api_id).decode("ascii"), unpack(out.signature).decode("ascii"), unpack(out.client_type).decode("ascii")

    # Calls in progress. Every call that reads the key holds one of the key's output buffers while it runs (taken
    # from self._buffers, returned after); self._made lists every buffer ever made for the key, registered before
    # its first use. So len(self._made) - len(self._buffers) calls are in progress, which close() waits out. The
    # buffers also give each thread its own output (cffi releases the GIL during calls), and are made only when
    # more threads than ever before sign at once.

    def _new_buffer(self):
        out = _new("char[]", _BUFFER_LEN)
        self._made.append(out)
        return out

    def _run(self, function, *args, signs: bool = True) -> Tuple[int, str]:
        """``function(key, *args, out, len(out))`` (just ``function(key, *args)`` if not ``signs``), counted as in
        progress; returns its status and, when it signed, the signature."""
        buffers = self._buffers
        try:
            out = buffers.pop()
        except IndexError:
            out = self._new_buffer()
        try:
            status = function(self._key, *args, out, _BUFFER_LEN) if signs else function(self._key, *args)
            return status, _unpack(out, SIGNATURE_LEN).decode("ascii") if signs and not status else ""
        finally:
            buffers.append(out)

    def _signature(self, function, *args) -> str:
        status, signature = self._run(function, *args)
        if status:
            raise _error(status)
        return signature

    @staticmethod
    def _matches(status: int) -> bool:
        if status == Status.SIGNATURE_MISMATCH:
            return False
        if status:
            raise _error(status)
        return True

    def close(self) -> None:
        """Wipes the prepared key in native memory; using it afterwards raises :class:`UnleashedError`.

        Calls that other threads are making with this key when ``close()`` starts are waited for, so none of
        them reads the key while it is being wiped; calls starting later fail. Closing twice is fine.
        """
        self._key = _CLOSED  # calls starting from now on (reading self._key after taking a buffer) see a cleared key
        while len(self._buffers) != len(self._made):  # calls started before: let them return
            time.sleep(0)
        self._finalizer()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has wiped the key."""
        return not self._finalizer.alive

    def __enter__(self) -> SigningKey:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<SigningKey %s>" % ("closed" if self.closed else "(key hidden)")

    def __reduce__(self):
        """Refuses: a key is never pickled or copied (that would copy the secret out of native memory)."""
        raise TypeError("a SigningKey cannot be pickled or copied: make a new one from the key")


from ._auth import UnleashedAuth  # noqa: E402 - the auth module builds on the classes above


def __getattr__(name: str):
    """``UnleashedTransport`` and ``AsyncUnleashedTransport`` need ``httpx``: imported on first use only."""
    if name in ("UnleashedTransport", "AsyncUnleashedTransport"):
        from . import _httpx

        return getattr(_httpx, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
