"""HTML in a scraper's text field, flattened to lines of text: code dropped, text never lost.

A field is read as HTML only when it holds a tag a browser would take for markup, so plain text
that merely contains `<` ("a<b and c>d") stays text. Elements whose content is code (script,
style, svg, ...) go with their content, and the words that took are counted for a note; such an
element left open is only a stray tag, so it never swallows the text after it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from articles.text.normalize import normalize_chars

# Elements whose content is code or drawing, never article text.
CODE_ELEMENTS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"}
    | {"applet", "canvas", "noembed", "noframes"}
)
# Of those, the ones whose content is not markup: it runs to their end tag, whatever it holds.
_RAW_CODE = frozenset({"script", "style", "noscript", "iframe", "noembed", "noframes"})
# Elements that end a line when a fragment is flattened.
BLOCK_ELEMENTS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption", "main", "aside"}
    | {"nav", "dl", "dt", "dd", "pre", "address", "center", "details", "summary", "caption"}
    | {"br", "hr"}
)
_ELEMENTS = (
    BLOCK_ELEMENTS
    | CODE_ELEMENTS
    | {"a", "abbr", "acronym", "area", "audio", "b", "base", "basefont", "bdi", "bdo", "big"}
    | {"body", "button", "cite", "code", "col", "colgroup", "data", "datalist", "del", "dfn"}
    | {"dialog", "em", "fieldset", "font", "form", "head", "hgroup", "html", "i", "img", "input"}
    | {"ins", "kbd", "label", "legend", "link", "map", "mark", "marquee", "menu", "meta", "meter"}
    | {"nobr", "optgroup", "option", "output", "param", "picture", "plaintext", "progress", "q"}
    | {"rp", "rt", "ruby", "s", "samp", "search", "select", "slot", "small", "source", "span"}
    | {"strike", "strong", "sub", "sup", "tbody", "td", "textarea", "tfoot", "th", "thead"}
    | {"time", "title", "track", "tt", "u", "var", "video", "wbr", "xmp", "frame", "frameset"}
)
# Attributes that may stand without a value; any other bare word makes a "tag" plain text.
_BOOLEAN_ATTRIBUTES = frozenset(
    {"allowfullscreen", "async", "autofocus", "autoplay", "checked", "compact", "controls"}
    | {"default", "defer", "disabled", "formnovalidate", "hidden", "inert", "ismap", "itemscope"}
    | {"loop", "multiple", "muted", "nomodule", "noshade", "novalidate", "nowrap", "open"}
    | {"playsinline", "readonly", "required", "reversed", "selected", "translate"}
)
# Possessive quantifiers and no `<` outside quoted values: a failed match costs only the distance
# to the next `<`, so a hostile field cannot make the scan quadratic.
_ATTRIBUTE = r"""[^\s/>"'=<]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>"'`=<]++))?+"""
_TAG = re.compile(
    r"<[!?][^<>]*+>"
    r"|</(?P<end>[a-zA-Z][a-zA-Z0-9]*+)[^<>]*+>"
    rf"|<(?P<start>[a-zA-Z][a-zA-Z0-9]*+)(?P<attrs>(?:[\s/]++{_ATTRIBUTE})*+)[\s/]*+>"
)
_ATTRIBUTES = re.compile(
    r"""[\s/]+(?P<name>[^\s/>"'=<]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s>"'`=<]+))?"""
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Flattened:
    text: str
    notes: tuple[str, ...] = ()


def _is_markup(match: re.Match[str], *, in_code: bool) -> bool:
    """A tag a browser honours: a known element, its attributes written as attributes.

    Inside an element being dropped (an <svg>'s <path>, <text>) any tag is taken as a tag.
    """
    name = match["start"] or match["end"]
    if name is None:
        return True  # a doctype or a processing instruction
    if name.lower() not in _ELEMENTS and not in_code:
        return False
    for attribute in _ATTRIBUTES.finditer(match["attrs"] or ""):
        bare = attribute["value"] is None
        if bare and attribute["name"].lower() not in _BOOLEAN_ATTRIBUTES:
            return False
    return True


@dataclass
class _Dropped:
    """An element being dropped with its content; kept aside until its end tag shows."""

    name: str
    depth: int = 1
    parts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    match: re.Match[str] | None
    comment: str | None = None


class _Flattener:
    def __init__(self, value: str) -> None:
        self.value = value
        self.parts: list[str] = []
        self.open: list[_Dropped] = []
        self.removed: Counter[str] = Counter()
        # Where a search for "-->" or for an element's end tag already found none.
        self.no_comment_end = len(value) + 1
        self.no_end_tag: dict[str, int] = {}

    def _sink(self) -> list[str]:
        return self.open[-1].parts if self.open else self.parts

    def text(self, text: str) -> None:
        if text:
            self._sink().append(_SPACE.sub(" ", html.unescape(text)))

    def _count(self, where: str, text: str) -> None:
        words = len(_WORD.findall(text))
        if words:
            self.removed[where] += words

    def run(self) -> Flattened:
        value = self.value
        position = 0
        while (match := self._next_tag(position)) is not None:
            self.text(value[position : match.start])
            position = self._tag(match)
        self.text(value[position:])
        # An element never closed was a stray tag: what followed it is text after all.
        while self.open:
            dropped = self.open.pop()
            self._sink().extend(dropped.parts)
        lines = normalize_chars("".join(self.parts)).split("\n")
        notes = tuple(
            f"markup removed: {count} word{'s' if count > 1 else ''} inside {where}"
            for where, count in self.removed.items()
        )
        return Flattened("\n".join(line for line in lines if line), notes)

    def _next_tag(self, position: int) -> _Tag | None:
        value = self.value
        position = value.find("<", position)
        while position != -1:
            if value.startswith("<!--", position):
                return self._comment(position)
            match = _TAG.match(value, position)
            if match and _is_markup(match, in_code=bool(self.open)):
                return _Tag(match.start(), match.end(), match)
            position = value.find("<", position + 1)
        return None

    def _comment(self, start: int) -> _Tag:
        end = -1 if start >= self.no_comment_end else self.value.find("-->", start + 4)
        if end == -1:
            self.no_comment_end = min(self.no_comment_end, start)
            return _Tag(start, start + 4, None)  # a comment never closed: drop only its opening
        return _Tag(start, end + 3, None, comment=self.value[start + 4 : end])

    def _closing(self, name: str, start: int) -> re.Match[str] | None:
        """The end tag of a raw-text element, searched once per element name at most."""
        if start >= self.no_end_tag.get(name, len(self.value) + 1):
            return None
        found = re.compile(rf"</{name}\b[^<>]*>", re.IGNORECASE).search(self.value, start)
        if found is None:
            self.no_end_tag[name] = start
        return found

    def _tag(self, tag: _Tag) -> int:
        """Act on one tag; returns where the text resumes."""
        if tag.comment is not None:
            self._count("a comment", tag.comment)
            return tag.end
        match = tag.match
        if match is None or not (match["start"] or match["end"]):
            return tag.end  # a doctype, a processing instruction or a comment never closed
        if match["end"]:
            return self._end_tag(match["end"].lower(), tag.end)
        name = match["start"].lower()
        self_closing = match.group().endswith("/>")
        if name in _RAW_CODE and not self_closing:
            end = self._closing(name, tag.end)
            if end is None:
                return tag.end  # never closed: a stray tag, not a place to hide text
            self._count(f"<{name}>", self.value[tag.end : end.start()])
            return end.end()
        if name in CODE_ELEMENTS:
            if self.open and self.open[-1].name == name:
                self.open[-1].depth += 1
            elif not self_closing and name != "embed":
                self.open.append(_Dropped(name))
            return tag.end
        if name in BLOCK_ELEMENTS:
            self._sink().append("\n")
        return tag.end

    def _end_tag(self, name: str, end: int) -> int:
        top = self.open[-1] if self.open else None
        if top and top.name == name:
            top.depth -= 1
            if not top.depth:
                self.open.pop()
                self._count(f"<{name}>", "".join(top.parts))
        elif name in BLOCK_ELEMENTS:
            self._sink().append("\n")
        return end


def has_markup(value: str) -> bool:
    """Whether `value` holds any tag a browser would take for markup (or a comment)."""
    return "<" in value and _Flattener(value)._next_tag(0) is not None


def fragment_to_text(value: str) -> Flattened:
    """Flatten a field that may hold HTML to lines of text, noting any words that were removed.

    Plain text keeps its lines and only has its character references (`&amp;`, `&zwnj;`) decoded.
    """
    if not has_markup(value):
        return Flattened(html.unescape(value) if _ENTITY.search(value) else value)
    return _Flattener(value).run()
