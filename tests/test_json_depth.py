"""``json_depth``: how deep a body's arrays and objects nest, brackets inside strings aside."""

import json

import pytest

from householdsvc.core.middleware import json_depth


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"", 0),
        (b"42", 0),
        (b"[]", 1),
        (b'{"points": [{"latitude": "12.9"}, {"latitude": "13.0"}]}', 3),
        (b"[[[[[]]]]]", 5),
        # Brackets inside strings are text, not nesting.
        (b'{"note": "[[[[{{{{"}', 1),
        (b'["]]]]", [["{"]]]', 3),
        # An escaped quote does not end a string: its brackets are still text.
        (b'{"note": "say \\"[[[[\\" twice"}', 1),
        (b'["a\\\\", [[]]]', 3),  # an escaped backslash, then the string ends
        (b'["\\u005b\\"", {"k": ["]"]}]', 3),
    ],
)
def test_depth_of_a_body(body, depth):
    assert json_depth(body) == depth


def test_depth_of_a_location_batch_without_escapes():
    points = [{"latitude": "12.9", "longitude": "77.5", "client_id": f"p-{i}"} for i in range(100)]
    assert json_depth(json.dumps({"points": points}).encode()) == 3


def test_brackets_after_an_unterminated_string_count():
    # Not JSON at all: the guard errs on the side of refusing, with escapes or without.
    assert json_depth(b'{"note": "[[[[[[') == 7
    assert json_depth(b'{"note": "\\"[[[[[[') == 7
