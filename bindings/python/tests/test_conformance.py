"""The HTTP conformance suite (testdata/http_conformance.txt, docs/http-contract.md) for the three Python clients:
`requests` with UnleashedAuth, and `httpx` sync and async with UnleashedTransport / AsyncUnleashedTransport, all
following redirects, against testing/mock_unleashed.py on two loopback origins. Every case in every client; the
other origin must receive nothing at all."""

import asyncio

import httpx
import pytest
import requests

from support import TwoOriginMock, read_conformance, unhex
from unleashed_signer import AsyncUnleashedTransport, RedirectRefusedError, UnleashedAuth, UnleashedTransport

SETTINGS, CASES = read_conformance()
KEY, CLIENT_TYPE = SETTINGS["key"], SETTINGS["client-type"]


@pytest.fixture(scope="module")
def mock():
    started = TwoOriginMock(SETTINGS["form"], SETTINGS["api-id"], KEY)
    yield started
    started.close()


def with_requests(mock, case, url, headers):
    with UnleashedAuth(case["api-id"], KEY, CLIENT_TYPE) as auth:
        response = requests.get(url, auth=auth, headers=headers, timeout=30)
    return response.status_code, response.content


def with_httpx(mock, case, url, headers):
    transport = UnleashedTransport(case["api-id"], KEY, CLIENT_TYPE, origin=mock.main)
    with httpx.Client(transport=transport, follow_redirects=True, timeout=30) as client:
        response = client.get(url, headers=headers)
    return response.status_code, response.content


def with_httpx_async(mock, case, url, headers):
    async def get():
        transport = AsyncUnleashedTransport(case["api-id"], KEY, CLIENT_TYPE, origin=mock.main)
        async with httpx.AsyncClient(transport=transport, follow_redirects=True, timeout=30) as client:
            response = await client.get(url, headers=headers)
        return response.status_code, response.content

    return asyncio.run(get())


CLIENTS = {"requests": with_requests, "httpx": with_httpx, "httpx-async": with_httpx_async}


def lines(body: bytes, name: str) -> list:
    prefix = name.encode() + b" "
    return [line[len(prefix) :].decode("latin-1") for line in body.splitlines() if line.startswith(prefix)]


def test_the_suite_has_every_case_the_issue_lists():
    names = {case["name"] for case in CASES}
    expected = {"same-origin-302", "same-origin-307", "same-origin-308", "cross-origin-302", "upper-case-api-id"}
    expected |= {"caller-accept", "plus", "percent-2b", "fragment", "empty-query", "non-ascii"}
    assert expected <= names
    assert any(case["expect"] == "refused" for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
@pytest.mark.parametrize("client", CLIENTS)
def test_case(mock, client, case):
    url = mock.main + unhex(case["url"]).decode("utf-8")
    headers = {} if case["accept"] == "-" else {"Accept": case["accept"]}
    before = mock.received_by_other()
    if case["expect"] == "refused":
        with pytest.raises(RedirectRefusedError) as refused:
            CLIENTS[client](mock, case, url, headers)
        assert refused.value.location.startswith(mock.other + "/conformance/")
        assert refused.value.origin == mock.main and refused.value.response is not None
    else:
        status, body = CLIENTS[client](mock, case, url, headers)
        assert status == 200, body
        assert lines(body, "origin") == ["main"]
        assert lines(body, "message") == [unhex(case["message"]).hex()]
        assert lines(body, "accept") == [case["accept-received"]]
        assert len(lines(body, "content-type")) <= 1
    assert mock.received_by_other() == before == []


def test_a_caller_set_signing_header_is_replaced_never_doubled(mock):
    stale = {"api-auth-signature": "stale", "API-AUTH-ID": "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D"}
    url = mock.main + "/conformance/Customers?customerCode=ACME"
    for client in CLIENTS.values():
        status, body = client(mock, {"api-id": SETTINGS["api-id"]}, url, stale)
        assert status == 200
        names = [name.lower() for name in lines(body, "header-names")[0].split(",")]
        assert names.count("api-auth-signature") == names.count("api-auth-id") == 1


def test_without_following_a_same_origin_redirect_comes_back_and_a_cross_origin_one_is_refused(mock):
    same = mock.main + "/conformance/redirect/302/same/NoFollow?customerCode=ACME"
    other = mock.main + "/conformance/redirect/302/other/NoFollow?customerCode=ACME"
    with UnleashedAuth(SETTINGS["api-id"], KEY, CLIENT_TYPE) as auth:
        response = requests.get(same, auth=auth, allow_redirects=False, timeout=30)
        assert response.status_code == 302
        # The request requests would send next is signed for its own query, and the record of the first is intact.
        assert response.request.url == same
        with requests.Session() as session:
            assert session.send(response.next, timeout=30).status_code == 200
        with pytest.raises(RedirectRefusedError):
            requests.get(other, auth=auth, allow_redirects=False, timeout=30)
    transport = UnleashedTransport(SETTINGS["api-id"], KEY, CLIENT_TYPE, origin=mock.main)
    with httpx.Client(transport=transport, timeout=30) as client:
        response = client.get(same)
        assert response.status_code == 302
        assert client.send(response.next_request).status_code == 200
        with pytest.raises(RedirectRefusedError):
            client.get(other)
    assert mock.received_by_other() == []


def test_the_httpx_transport_signs_only_its_origin():
    mock = TwoOriginMock(SETTINGS["form"], SETTINGS["api-id"], KEY)  # its own: this test sends to the other origin
    try:
        transport = UnleashedTransport(SETTINGS["api-id"], KEY, CLIENT_TYPE, origin=mock.main)
        with httpx.Client(transport=transport, timeout=30) as client:
            body = client.get(mock.other + "/conformance/Unsigned?x=1").content
            assert lines(body, "origin") == ["other"] and lines(body, "signing-header") == []
            with pytest.raises(RedirectRefusedError):
                client.get(mock.other + "/conformance/Forged?x=1", headers={"api-auth-signature": "x"})
        assert mock.received_by_other() == ["GET /conformance/Unsigned?x=1 -"]
    finally:
        mock.close()


def test_unleashed_auth_given_to_httpx_raises_a_type_error_naming_the_transport(mock):
    with UnleashedAuth(SETTINGS["api-id"], KEY, CLIENT_TYPE) as auth:
        with httpx.Client(auth=auth, timeout=30) as client:
            with pytest.raises(TypeError, match="UnleashedTransport"):
                client.get(mock.main + "/conformance/Customers")

        async def get():
            async with httpx.AsyncClient(auth=auth, timeout=30) as client:
                await client.get(mock.main + "/conformance/Customers")

        with pytest.raises(TypeError, match="AsyncUnleashedTransport"):
            asyncio.run(get())
