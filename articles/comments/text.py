"""A comment's plain text as HTML: everything escaped, web addresses made into links that
cannot run script or tell the linked site where the reader came from, and `@username` marked."""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Django usernames: letters, digits and @.+-_ ; a mention starts after a space or punctuation
# (not inside an e-mail address) and does not take a full stop that ends the sentence.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*[\w+-])")
URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»،؛"
LINK_REL = "noopener noreferrer nofollow"


def mentioned_usernames(text: str) -> list[str]:
    """The names after `@`, in order, each once (links are not searched for names)."""
    names: list[str] = []
    for name in MENTION.findall(URL.sub(" ", text)):
        if name not in names:
            names.append(name)
    return names


def _url_end(url: str) -> str:
    """The address without punctuation that closes the sentence around it; a ")" stays when
    the address itself opened one (Wikipedia links)."""
    while url and url[-1] in TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _text_html(text: str, known: set[str]) -> str:
    def mention(match: re.Match) -> str:
        if match.group(1) not in known:
            return escape(match.group(0))
        return format_html('<span class="mention">@{}</span>', match.group(1))

    parts, at = [], 0
    for found in MENTION.finditer(text):
        parts.append(escape(text[at : found.start()]))
        parts.append(mention(found))
        at = found.end()
    parts.append(escape(text[at:]))
    return "".join(parts)


def comment_html(text: str, *, known_users: set[str] = frozenset()) -> SafeString:
    """The comment as HTML; `known_users` are the names to mark as mentions."""
    parts, at = [], 0
    for found in URL.finditer(text):
        url = _url_end(found.group(0))
        parts.append(_text_html(text[at : found.start()], known_users))
        parts.append(format_html('<a href="{}" rel="{}">{}</a>', url, LINK_REL, url))
        at = found.start() + len(url)
    parts.append(_text_html(text[at:], known_users))
    return mark_safe("".join(parts))  # every piece escaped above
