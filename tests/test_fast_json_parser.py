"""householdsvc.core.parsers.FastJSONParser: DRF's JSONParser's data and errors, orjson's speed."""

import io

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from householdsvc.core.parsers import FastJSONParser

BODIES = [
    b'{"points": [{"latitude": "12.9", "longitude": 77.5, "accuracy": 5, "client_id": "a"}]}',
    b'[1, -0, -0.0, 1.5e3, 1e400, 12345678901234567890123, true, null, "\\u00e9\\ud83d\\ude00"]',
    '{"name": "Zoë", "x": 1, "x": 2}'.encode(),
    b'"\\ud800"',  # a lone surrogate: json takes it, orjson does not
    b" \n\t{}  ",
]
BAD = [b"{", b'{"a": NaN}', b"[Infinity]", b"\xff\xfe", b"{} {}", b"\xef\xbb\xbf{}", b""]


def parse(parser, body: bytes, encoding: str = "utf-8"):
    return parser.parse(io.BytesIO(body), "application/json", {"encoding": encoding})


def outcome(parser, body: bytes, encoding: str = "utf-8"):
    try:
        return ("data", parse(parser, body, encoding))
    except ParseError as exc:
        return ("error", str(exc.detail))


@pytest.mark.parametrize("body", BODIES)
def test_the_same_data(body):
    ours, drf = outcome(FastJSONParser(), body), outcome(JSONParser(), body)
    assert ours == drf
    assert ours[0] == "data"


@pytest.mark.parametrize("body", BAD)
def test_the_same_error(body):
    ours, drf = outcome(FastJSONParser(), body), outcome(JSONParser(), body)
    assert ours == drf
    assert ours[0] == "error"


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "bz2_codec", "no-such-charset", "UTF8"])
def test_other_charsets_as_drf_reads_them(encoding):
    body = '{"name": "Zoë"}'.encode("utf-16" if encoding == "utf-16" else "latin-1")
    if encoding == "UTF8":
        body = '{"name": "Zoë"}'.encode()
    assert outcome(FastJSONParser(), body, encoding) == outcome(JSONParser(), body, encoding)
