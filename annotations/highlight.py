"""Segment text as HTML with its mentions marked, nested where mentions nest."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.spans import well_nested


def _open_tag(mention) -> str:
    classes = f"ent t-{mention.type} o-{mention.origin}"
    if mention.needs_review:
        classes += " needs-review"
    name = mention.entity.name_en if mention.entity_id else "untyped"
    title = f"{name} · {mention.type} · {mention.origin}"
    if mention.needs_review:
        title += " · text edited since tagging: check"
    return (
        f'<mark class="{classes}" data-mention-id="{mention.pk}" '
        f'data-entity-id="{mention.entity_id or ""}" title="{escape(title)}" tabindex="0">'
    )


def highlight(text: str, mentions: Iterable) -> SafeString:
    """Escape `text` and wrap each mention's [start:end] (code points) in a <mark>.

    Only well-nested mentions are marked (annotations/spans.py), so tags always balance; one that
    would cross another is shown unmarked rather than broken.
    """
    spans = well_nested(m for m in mentions if 0 <= m.start < m.end <= len(text))
    if not spans:
        return escape(text)
    out: list[str] = []
    open_ends: list[int] = []
    position = 0
    for mention in spans:
        while open_ends and open_ends[-1] <= mention.start:
            end = open_ends.pop()
            out.append(escape(text[position:end]) + "</mark>")
            position = end
        out.append(escape(text[position : mention.start]) + _open_tag(mention))
        position = mention.start
        open_ends.append(mention.end)
    while open_ends:
        end = open_ends.pop()
        out.append(escape(text[position:end]) + "</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))
