"""``UnleashedAuth``: signs each request of ``requests`` or ``httpx`` as it is sent."""

from __future__ import annotations

from typing import TypeVar, Union

from . import SigningKey, _form, _native, validate_api_id, validate_client_type

Request = TypeVar("Request")


class UnleashedAuth:
    """Authentication for the Unleashed API, for ``auth=`` in both ``requests`` and ``httpx``.

    ``api_id`` and ``client_type`` (``partner_or_account/app_name``) are checked at once, and ``key`` is the
    API key (``str``, ``bytes`` or ``bytearray``) or a :class:`SigningKey`. Each request gets the
    ``api-auth-id``, ``api-auth-signature``, ``client-type``, ``Accept`` and ``Content-Type`` headers, with
    the signature made over the query of the URL exactly as the client sends it, after the client has encoded
    ``params=``.

    On ``+``: both ``requests`` and ``httpx`` encode ``params=`` as an HTML form does, a space as ``+`` and a
    ``+`` as ``%2B``. ``form="decoded"`` (the default) %XX-decodes the query but keeps ``+`` as ``+``, so a
    space given in ``params=`` is signed as ``+``, and so is a plus sign. A server that reads ``+`` as a space
    before checking would compute a different signature for such values; to send and sign a space
    unambiguously, build the query with :meth:`SigningKey.build_query` (space as ``%20``, ``+`` as ``%2B``)
    and put it in the URL instead of ``params=``. ``form="wire"`` signs the bytes as sent, ``+`` and ``%XX``
    included.

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
        self._headers = {
            _native.HEADER_API_AUTH_ID: api_id,
            _native.HEADER_CLIENT_TYPE: client_type,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }

    def __call__(self, request: Request) -> Request:
        """Signs one request: a ``requests.PreparedRequest`` or an ``httpx.Request``, returned with its
        headers set. ``requests`` and ``httpx`` call this themselves when the object is given as ``auth=``."""
        url = request.url  # type: ignore[attr-defined]
        # httpx: URL.raw_path is the path and query as bytes, exactly as they go on the wire.
        # requests: the url is already the final, encoded string that is sent.
        target = getattr(url, "raw_path", url)
        request.headers.update(self._headers)  # type: ignore[attr-defined]
        request.headers[_native.HEADER_API_AUTH_SIGNATURE] = self._key.sign_url(target, self._form)  # type: ignore[attr-defined]
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
            self._headers[_native.HEADER_API_AUTH_ID],
            self._headers[_native.HEADER_CLIENT_TYPE],
            self._form,
        )
