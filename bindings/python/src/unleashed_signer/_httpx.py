"""``UnleashedTransport`` and ``AsyncUnleashedTransport``: httpx transports that sign every request, and every
redirect hop, for one configured origin (docs/http-contract.md)."""

from __future__ import annotations

from typing import Optional, Union

import httpx

from . import RedirectRefusedError, SigningKey, _form, validate_api_id, validate_client_type
from ._auth import SIGNING_HEADERS, origin_of, origin_text, set_default_headers

DEFAULT_ORIGIN = "https://api.unleashedsoftware.com"
# Set on the extensions of a request this transport signed; httpx hands the same dict to every redirect it builds
# from that request, so a hop is recognised as one whatever headers it carries.
_SIGNED_AT = "unleashed_signer.signed_at"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class _Signer:
    """What both transports share: the key, the header values, the origin, and the rule."""

    def __init__(
        self,
        api_id: str,
        key: Union[str, bytes, bytearray, SigningKey],
        client_type: str,
        origin: str,
        form: str,
    ) -> None:
        validate_api_id(api_id)
        validate_client_type(client_type)
        _form(form)
        self.origin = origin_of(origin)
        if self.origin[0] not in ("http", "https") or not self.origin[1]:
            raise ValueError("origin must be an absolute http or https URL such as %s, not %r" % (DEFAULT_ORIGIN, origin))
        self.api_id, self.client_type, self.form = api_id, client_type, form
        if isinstance(key, SigningKey):
            self.key, self.owned = key, False
        else:
            self.key, self.owned = SigningKey(key), True

    def prepare(self, request: httpx.Request) -> None:
        """Signs a request for the configured origin; refuses a hop of a signed request to any other origin and a
        request to another origin that carries signing headers; leaves every other request alone."""
        here = origin_of(str(request.url))
        if here != self.origin:
            carried = [name for name in SIGNING_HEADERS if name in request.headers]
            if _SIGNED_AT in request.extensions or carried:
                raise RedirectRefusedError(origin_text(self.origin), str(request.url))
            return
        # raw_path: the path and query as bytes, exactly as they go on the wire (no fragment).
        values = self.key.signing_values(request.url.raw_path, self.api_id, self.client_type, form=self.form)
        for name, value in zip(SIGNING_HEADERS, values):
            request.headers[name] = value
        set_default_headers(request.headers)
        request.extensions = dict(request.extensions, **{_SIGNED_AT: origin_text(self.origin)})

    def check(self, request: httpx.Request, response: httpx.Response) -> None:
        """A redirect to another origin in answer to a signed request is refused, followed or not."""
        if _SIGNED_AT not in request.extensions or response.status_code not in _REDIRECTS:
            return
        location = response.headers.get("Location")
        if location is None:
            return
        target = request.url.join(location)
        if origin_of(str(target)) != self.origin:
            raise RedirectRefusedError(origin_text(self.origin), str(target), response)

    def close(self) -> None:
        if self.owned:
            self.key.close()

    def __repr__(self) -> str:
        return "origin=%s api-auth-id=%s client-type=%s form=%s (key hidden)" % (
            origin_text(self.origin),
            self.api_id.lower(),
            self.client_type,
            self.form,
        )


class UnleashedTransport(httpx.BaseTransport):
    """An httpx transport that signs every request to ``origin`` for the Unleashed API, and every redirect hop:

        client = httpx.Client(transport=UnleashedTransport(api_id, api_key, "acme/orderautomation"),
                              follow_redirects=True)

    Each request to ``origin`` (scheme, host, port; ``https://api.unleashedsoftware.com`` unless given) gets
    ``api-auth-id`` (in lowercase), ``api-auth-signature`` and ``client-type`` from the library's one call for
    them, and ``Accept`` and ``Content-Type: application/json`` where the caller has not set them. A same-origin
    redirect is signed again for its own query when httpx follows it. A redirect to another origin raises
    :class:`RedirectRefusedError`, followed or not, and nothing is sent there. Requests to other origins that no
    signed request led to pass through unsigned. Use it as the client's ``transport=``, not in ``mounts=`` for one
    origin: a redirect would then leave through a transport that does not know the rule.

    ``key`` is the API key (``str``, ``bytes``, ``bytearray``: owned and wiped by :meth:`close`) or a
    :class:`SigningKey` (left to the caller). ``transport`` is the transport that sends, ``httpx.HTTPTransport()``
    by default; it is closed with this one. On ``+`` and ``params=``, see :class:`UnleashedAuth`.
    """

    def __init__(
        self,
        api_id: str,
        key: Union[str, bytes, bytearray, SigningKey],
        client_type: str,
        *,
        origin: str = DEFAULT_ORIGIN,
        form: str = "decoded",
        transport: Optional[httpx.BaseTransport] = None,
    ) -> None:
        self._signer = _Signer(api_id, key, client_type, origin, form)
        self._transport = transport if transport is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._signer.prepare(request)
        response = self._transport.handle_request(request)
        try:
            self._signer.check(request, response)
        except RedirectRefusedError:
            response.close()
            raise
        return response

    def close(self) -> None:
        """Closes the wrapped transport and wipes the key if this transport made it from text."""
        self._transport.close()
        self._signer.close()

    def __repr__(self) -> str:
        return "<UnleashedTransport %r>" % (self._signer,)


class AsyncUnleashedTransport(httpx.AsyncBaseTransport):
    """:class:`UnleashedTransport` for ``httpx.AsyncClient``: the same arguments and rule, wrapping
    ``httpx.AsyncHTTPTransport()`` by default. Signing is a short native call made in place."""

    def __init__(
        self,
        api_id: str,
        key: Union[str, bytes, bytearray, SigningKey],
        client_type: str,
        *,
        origin: str = DEFAULT_ORIGIN,
        form: str = "decoded",
        transport: Optional[httpx.AsyncBaseTransport] = None,
    ) -> None:
        self._signer = _Signer(api_id, key, client_type, origin, form)
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._signer.prepare(request)
        response = await self._transport.handle_async_request(request)
        try:
            self._signer.check(request, response)
        except RedirectRefusedError:
            await response.aclose()
            raise
        return response

    async def aclose(self) -> None:
        """Closes the wrapped transport and wipes the key if this transport made it from text."""
        await self._transport.aclose()
        self._signer.close()

    def __repr__(self) -> str:
        return "<AsyncUnleashedTransport %r>" % (self._signer,)
