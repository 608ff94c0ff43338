"""What an article's address may be: an absolute http:// or https:// URL, nothing a browser runs.

`javascript:`, `data:` and `vbscript:` addresses become live code when rendered as a link, so the
importer refuses them and pages never link an address that is not a web address.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
# Unicode's control characters (category Cc: C0, DEL, C1) and the line and paragraph separators.
_CONTROL_OR_LINE_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host and no control or line-break characters."""
    if not value or _CONTROL_OR_LINE_BREAK.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
