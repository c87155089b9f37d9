"""``UnleashedAuth``: signs each request of ``requests`` as it is sent, and every redirect by the origin rule."""

from __future__ import annotations

from typing import Optional, Tuple, TypeVar, Union
from urllib.parse import urljoin, urlsplit

from . import RedirectRefusedError, SigningKey, _form, _native, validate_api_id, validate_client_type

Request = TypeVar("Request")

SIGNING_HEADERS = (_native.HEADER_API_AUTH_ID, _native.HEADER_API_AUTH_SIGNATURE, _native.HEADER_CLIENT_TYPE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# What requests and httpx send when nobody chose an Accept: treated as "not set by the caller".
_CLIENT_DEFAULT_ACCEPT = "*/*"


def origin_of(url: Union[str, bytes]) -> Tuple[str, str, int]:
    """``(scheme, host, port)`` of an absolute URL, lowercased, with the scheme's default port filled in."""
    if isinstance(url, bytes):
        url = url.decode("latin-1")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme, -1)


def origin_text(origin: Tuple[str, str, int]) -> str:
    scheme, host, port = origin
    return "%s://%s:%d" % (scheme, host, port)


def set_default_headers(headers) -> None:  # noqa: ANN001 - a requests or httpx header mapping
    """``Accept`` and ``Content-Type: application/json``, each only when the caller has not set it."""
    if headers.get("Accept", _CLIENT_DEFAULT_ACCEPT) == _CLIENT_DEFAULT_ACCEPT:
        headers["Accept"] = "application/json"
    if "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"


class UnleashedAuth:
    """Authentication for the Unleashed API, for ``auth=`` in ``requests``.

    ``api_id`` and ``client_type`` (``partner_or_account/app_name``) are checked at once, and ``key`` is the
    API key (``str``, ``bytes`` or ``bytearray``) or a :class:`SigningKey`. Each request gets ``api-auth-id``
    (always in lowercase), ``api-auth-signature`` and ``client-type`` from the library's one call for them, with
    the signature made over the query of the URL exactly as ``requests`` sends it, after ``params=`` is encoded;
    and ``Accept`` and ``Content-Type: application/json`` where the caller has not set them (``requests``'
    default ``Accept: */*`` counts as not set).

    Redirects (docs/http-contract.md): a redirect to the same origin (scheme, host, port) is signed again for its
    own query before ``requests`` follows it; a redirect to another origin raises :class:`RedirectRefusedError`,
    whether or not ``requests`` would follow it, so the signing headers never reach another host.

    On ``+``: ``requests`` encodes ``params=`` as an HTML form does, a space as ``+`` and a ``+`` as ``%2B``.
    ``form="decoded"`` (the default) %XX-decodes the query but keeps ``+`` as ``+``, so a space given in
    ``params=`` is signed as ``+``, and so is a plus sign. A server that reads ``+`` as a space before checking
    would compute a different signature for such values; to send and sign a space unambiguously, build the query
    with :meth:`SigningKey.build_query` (space as ``%20``, ``+`` as ``%2B``) and put it in the URL instead of
    ``params=``. ``form="wire"`` signs the bytes as sent, ``+`` and ``%XX`` included.

    For ``httpx`` use :class:`UnleashedTransport` or :class:`AsyncUnleashedTransport` (``transport=``): an
    ``auth=`` hook of ``httpx`` runs once, after a redirect has already been followed, so passing this object to
    ``httpx`` raises ``TypeError``.

    A key given as text is owned: :meth:`close` (or a ``with`` block) wipes it. A :class:`SigningKey` passed
    in stays the caller's to close.
    """

    def __init__(
        self, api_id: str, key: Union[str, bytes, bytearray, SigningKey], client_type: str, *, form: str = "decoded"
    ) -> None:
        validate_api_id(api_id)
        validate_client_type(client_type)
        self._form = form
        _form(form)  # raises InvalidInputError for an unknown form now, not at the first request
        self._key: SigningKey
        if isinstance(key, SigningKey):
            self._key, self._owned = key, False
        else:
            self._key, self._owned = SigningKey(key), True
        self._api_id = api_id
        self._client_type = client_type

    def _sign(self, headers, url: str) -> None:  # noqa: ANN001 - a requests header mapping
        values = self._key.signing_values(url, self._api_id, self._client_type, form=self._form)
        for name, value in zip(SIGNING_HEADERS, values):
            headers[name] = value  # replaces a caller's value under any spelling: never two of them

    def __call__(self, request: Request) -> Request:
        """Signs one ``requests.PreparedRequest`` and watches its redirects; ``requests`` calls this itself when
        the object is given as ``auth=``."""
        if type(request).__module__.split(".")[0] == "httpx":
            raise TypeError(
                "UnleashedAuth is for requests: with httpx, use unleashed_signer.UnleashedTransport (or "
                "AsyncUnleashedTransport) as the client's transport=, which signs every redirect by the origin rule"
            )
        headers = request.headers  # type: ignore[attr-defined]
        self._sign(headers, request.url)  # type: ignore[attr-defined]
        set_default_headers(headers)
        origin = origin_of(request.url)  # type: ignore[attr-defined]
        request.register_hook("response", _RedirectHook(self, origin))  # type: ignore[attr-defined]
        return request

    def close(self) -> None:
        """Wipes the key if this object made it from text; a :class:`SigningKey` passed in is left open."""
        if self._owned:
            self._key.close()

    def __enter__(self) -> UnleashedAuth:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<UnleashedAuth api-auth-id=%s client-type=%s form=%s (key hidden)>" % (
            self._api_id.lower(),
            self._client_type,
            self._form,
        )


def redirect_target(response) -> Optional[str]:  # noqa: ANN001 - a requests.Response
    """The URL ``requests`` requests next for a redirect response, computed as ``Session.resolve_redirects`` does
    (``Location`` decoded, a scheme-relative or relative reference resolved, re-quoted); None if it is not a
    redirect ``requests`` follows."""
    from requests.sessions import SessionRedirectMixin
    from requests.utils import requote_uri

    url = SessionRedirectMixin.get_redirect_target(None, response)  # type: ignore[arg-type] # uses no state
    if not url:
        return None
    if url.startswith("//"):
        url = "%s:%s" % (urlsplit(response.url).scheme, url)
    if urlsplit(url).netloc:
        return requote_uri(url)
    return urljoin(response.url, requote_uri(url))


class _RedirectHook:
    """The response hook of one signed request, carried by ``requests`` to every hop it makes for it.

    ``requests`` builds each hop as a copy of the request just sent, and calls response hooks before it does.
    So for a same-origin redirect this hook re-signs that request for the hop's URL (after keeping an unchanged
    copy on the response, the record of what was sent); for a redirect to another origin it raises.
    """

    def __init__(self, auth: UnleashedAuth, origin: Tuple[str, str, int]) -> None:
        self.auth, self.origin = auth, origin

    def __call__(self, response, **kwargs):  # noqa: ANN001, ANN204 - requests' hook signature
        target = redirect_target(response)
        if target is None:
            return response
        if origin_of(target) != self.origin:
            response.close()
            raise RedirectRefusedError(origin_text(self.origin), target, response)
        sent = response.request
        response.request = sent.copy()
        self.auth._sign(sent.headers, target)
        return response
