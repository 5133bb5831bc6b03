"""DRF's ``JSONParser`` with orjson for the bodies it reads, the same data and the same errors.

A location batch (``tracking``) is 15 kB of JSON; the json module took several times longer
to read it than orjson. orjson reads UTF-8 JSON to the same Python values; for whatever it
does not take (another charset, ``NaN``, integers past 64 bits, lone surrogates, any malformed
body) DRF's own parser reads the body again, so what it accepts is accepted and what it
refuses is refused with its message (``JSON parse error - ...``).
"""

import codecs
import io

import orjson
from rest_framework.parsers import JSONParser, get_encoding


class FastJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        # DRF's reading of the charset (an unknown one is its 400), and its parser for any
        # but UTF-8.
        if codecs.lookup(get_encoding(parser_context or {})).name == "utf-8":
            try:
                return orjson.loads(body)
            except orjson.JSONDecodeError:
                pass
        return super().parse(io.BytesIO(body), media_type, parser_context)
