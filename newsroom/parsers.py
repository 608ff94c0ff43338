"""The API's JSON parser: DRF's, with a bound on how deeply a request body may nest.

Python's JSON decoder recurses once per level: a body of 1,000 `[` raised RecursionError, a 500.
No request this API takes nests more than a few levels (`{"segments": [{"id": 1}]}` is three).
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 20


def nesting_depth(value: Any, *, limit: int) -> int:
    """How many arrays and objects deep `value` goes, counting no further than `limit` + 1.

    An explicit stack, not recursion, so the measure itself cannot overflow.
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(
            f"The JSON body is nested deeper than {self.max_depth} levels of arrays and "
            "objects; no request here needs more than a few: send a flatter body."
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if nesting_depth(data, limit=self.max_depth) > self.max_depth:
            raise too_deep
        return data
