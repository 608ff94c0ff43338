"""What an article's address may be: an absolute http:// or https:// URL, nothing a browser runs.

`javascript:`, `data:` and `vbscript:` addresses become live code when rendered as a link, so the
importer refuses them and pages never link an address that is not a web address.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host and no control or line-break characters."""
    if not value or any(
        unicodedata.category(char) == "Cc" or char in "\u2028\u2029" for char in value
    ):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
