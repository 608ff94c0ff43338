"""Reading the version a client names in If-Match, for every versioned write of segments."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException, ParseError

# Versions live in a 32-bit integer column: no segment can be at a higher one.
MAX_VERSION = 2**31 - 1
_ETAG = re.compile(r'(?:W/)?"?([0-9]+)"?')


def parse_etag(value: str) -> int:
    """The version in an If-Match header: `"3"`, `W/"3"` or a bare 3.

    Raises ValueError with a message for the client: ASCII digits only (int() would take "١"),
    checked for length before converting (int() refuses 4,300 digits and more).
    """
    value = value.strip()
    match = _ETAG.fullmatch(value)
    if match is None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise ValueError(f'If-Match must be a segment ETag such as "3", not {shown!r}.')
    digits = match.group(1).lstrip("0")
    if not digits or len(digits) > len(str(MAX_VERSION)) or int(digits) > MAX_VERSION:
        shown = digits[:12] + "…" if len(digits) > 12 else digits or "0"
        raise ValueError(
            f"If-Match names version {shown}, which no segment can have (versions run from 1 "
            f'to {MAX_VERSION}); send the ETag you read, e.g. If-Match: "3".'
        )
    return int(digits)


# The header every versioned write of a segment takes, as the schema documents it.
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the segment as you read it, e.g. "3".',
)


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = 'If-Match is required: send the ETag you read, e.g. If-Match: "3".'
    default_code = "precondition_required"


def expected_version(request) -> int:
    """The version a write names in If-Match: 428 without one, 400 for one that is no version."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    try:
        return parse_etag(header)
    except ValueError as error:
        raise ParseError(str(error)) from None
