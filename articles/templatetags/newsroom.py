"""Template filters for the desk's pages: Jalali dates and word diffs."""

from __future__ import annotations

import json
from datetime import datetime

from django import template
from django.utils.html import format_html_join
from persiantools.jdatetime import JalaliDateTime

from articles.text.jalali import TEHRAN

register = template.Library()


@register.filter
def jalali(value: datetime | None) -> str:
    """The Solar Hijri date and Tehran time, in Persian digits: ۱۰ فروردین ۱۴۰۳، ۰۳:۰۶."""
    if not value:
        return ""
    local = JalaliDateTime(value.astimezone(TEHRAN).replace(tzinfo=None))
    return local.strftime("%d %B %Y، %H:%M", locale="fa")


@register.filter
def tojson(value) -> str:
    """A JSON literal for an htmx attribute such as hx-vals; autoescaping still applies."""
    return json.dumps(value, ensure_ascii=False)


@register.filter
def diff_html(chunks) -> str:
    """Render word-diff chunks as <del>/<ins>, every piece of text escaped."""
    tags = {"equal": "span", "delete": "del", "insert": "ins"}
    return format_html_join(
        "", "<{0}>{1}</{0}>", ((tags[chunk.op], chunk.text) for chunk in chunks or ())
    )


@register.filter
def words(value: str) -> str:
    """A status value as people read it: in_review → in review."""
    return str(value).replace("_", " ")
