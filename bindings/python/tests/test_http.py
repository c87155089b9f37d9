"""End to end: `requests` with UnleashedAuth and `httpx` with UnleashedTransport against the loopback mock of Unleashed
(testing/mock_unleashed.py, which checks signatures with Python's own hmac), for every case of
testdata/e2e_cases.txt in both signed forms; a wrong key gets 403. Also the README's example, run as shown."""

import asyncio
import pathlib
import re

import httpx
import pytest
import requests

from support import REPO, Mock, decoded, read_e2e
from unleashed_signer import AsyncUnleashedTransport, SigningKey, UnleashedAuth, UnleashedTransport

CREDENTIALS, CASES = read_e2e()
API_ID, KEY, CLIENT_TYPE = CREDENTIALS["api-id"], CREDENTIALS["key"], CREDENTIALS["client-type"]
FORMS = ["decoded", "wire"]


@pytest.fixture(scope="module")
def mocks():
    started = {form: Mock(form, API_ID, KEY) for form in FORMS}
    yield {form: mock.base for form, mock in started.items()}
    for mock in started.values():
        mock.close()


def field(body: str, name: str) -> str:
    """One "name value" line of the mock's 200 answer."""
    return re.search(r"^%s (.*)$" % name, body, re.M).group(1)


def get_requests(url, auth, params=None):
    response = requests.get(url, params=params, auth=auth, timeout=30)
    return response.status_code, response.text


def origin(url):
    parts = httpx.URL(url)
    return "%s://%s:%d" % (parts.scheme, parts.host, parts.port)


def get_httpx(url, auth, params=None):
    """The same request through UnleashedTransport, made with the auth object's id, key, client type and form."""
    transport = UnleashedTransport(auth._api_id, auth._key, auth._client_type, origin=origin(url), form=auth._form)
    with httpx.Client(transport=transport, timeout=30) as client:
        response = client.get(url, params=params)
    return response.status_code, response.text


CLIENTS = {"requests": get_requests, "httpx": get_httpx}


def test_the_cases_were_read():
    assert len(CASES) >= 8
    assert any("+" in value for case in CASES for _, value in case)
    assert any(not value.isascii() for case in CASES for _, value in case)


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("form", FORMS)
def test_every_case_with_params_gets_200(mocks, client, form):
    with UnleashedAuth(API_ID, KEY, CLIENT_TYPE, form=form) as auth:
        for case in CASES:
            status, body = CLIENTS[client](mocks[form] + "/Customers", auth, params=case)
            assert status == 200, (client, form, case)
            wire = field(body, "target").partition("?")[2].encode("latin-1")
            expected = decoded(wire) if form == "decoded" else wire
            assert field(body, "message") == expected.hex(), (client, form, case)


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("form", FORMS)
def test_every_case_with_a_built_query_gets_200_and_is_sent_unchanged(mocks, client, form):
    with SigningKey(KEY) as key:
        auth = UnleashedAuth(API_ID, key, CLIENT_TYPE, form=form)
        for case in CASES:
            query, _ = key.build_query(case, form)
            status, body = CLIENTS[client](mocks[form] + "/Customers?" + query, auth)
            assert status == 200, (client, form, case)
            assert field(body, "target") == "/Customers?" + query
            if form == "decoded":
                raw = "&".join("%s=%s" % pair for pair in case).encode("utf-8")
                assert field(body, "message") == raw.hex()


@pytest.mark.parametrize("client", CLIENTS)
def test_a_wrong_key_gets_403(mocks, client):
    with UnleashedAuth(API_ID, CREDENTIALS["other-key"], CLIENT_TYPE) as auth:
        status, body = CLIENTS[client](mocks["decoded"] + "/Customers", auth, params=CASES[1])
    assert (status, body) == (403, "")


@pytest.mark.parametrize("client", CLIENTS)
def test_a_plus_and_a_space_from_params_are_both_signed_as_plus_in_the_decoded_form(mocks, client):
    with UnleashedAuth(API_ID, KEY, CLIENT_TYPE) as auth:
        status, body = CLIENTS[client](mocks["decoded"] + "/Customers", auth, params={"note": "1 + 1"})
    assert status == 200
    assert field(body, "target") == "/Customers?note=1+%2B+1"
    assert field(body, "message") == b"note=1+++1".hex()


def test_httpx_async_client(mocks):
    async def get():
        transport = AsyncUnleashedTransport(API_ID, KEY, CLIENT_TYPE, origin=mocks["decoded"])
        async with httpx.AsyncClient(transport=transport, timeout=30) as client:
            return await client.get(mocks["decoded"] + "/Customers", params=CASES[0])

    assert asyncio.run(get()).status_code == 200


def readme_example(path: pathlib.Path) -> str:
    text = path.read_text(encoding="utf-8")
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


@pytest.mark.parametrize("key, expected", [(KEY, 200), (CREDENTIALS["other-key"], 403)])
def test_the_readme_example_runs_as_shown(mocks, monkeypatch, capsys, key, expected):
    example = readme_example(REPO / "bindings" / "python" / "README.md")
    assert len([line for line in example.splitlines() if line.strip()]) == 5
    # The example calls the real API's address; the test sends the same request to the mock instead, after it
    # was signed (only the scheme and host change: the signature covers the query alone).
    send = requests.adapters.HTTPAdapter.send

    def to_mock(adapter, request, *args, **kwargs):
        assert request.url.startswith("https://api.unleashedsoftware.com/")
        request.url = mocks["decoded"] + request.url[len("https://api.unleashedsoftware.com") :]
        return send(adapter, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", to_mock)
    monkeypatch.setenv("UNLEASHED_API_ID", API_ID)
    monkeypatch.setenv("UNLEASHED_API_KEY", key)
    exec(compile(example, "README example", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("%d " % expected), printed
    if expected == 200:
        assert field(printed, "message") == b"customerCode=ACME".hex()


def test_the_readme_httpx_example_runs_as_shown(mocks, monkeypatch, capsys):
    text = (REPO / "bindings" / "python" / "README.md").read_text(encoding="utf-8")
    example = re.findall(r"```python\n(.*?)```", text, re.S)[1]
    assert "UnleashedTransport" in example
    # As above: signed for the real API's origin, then sent to the mock by the transport underneath.
    send = httpx.HTTPTransport.handle_request

    def to_mock(transport, request):
        assert str(request.url).startswith("https://api.unleashedsoftware.com/")
        request.url = httpx.URL(mocks["decoded"] + request.url.raw_path.decode("ascii"))
        return send(transport, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", to_mock)
    monkeypatch.setenv("UNLEASHED_API_ID", API_ID)
    monkeypatch.setenv("UNLEASHED_API_KEY", KEY)
    exec(compile(example, "README httpx example", "exec"), {})
    assert capsys.readouterr().out == "200\n"
