"""Strip page furniture from scraped articles and name what is left: title, headings, captions."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import lxml.html
from lxml import etree

from articles.text.jalali import find_jalali_datetime, is_date_line, parse_datetime
from articles.text.markup import BLOCK_ELEMENTS, CODE_ELEMENTS
from articles.text.normalize import normalize_chars

BlockKind = Literal["title", "heading", "caption", "paragraph"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


@dataclass(frozen=True)
class CleanDocument:
    title: str
    blocks: tuple[Block, ...]
    scraped_at: datetime | None
    published_at: datetime | None = None


# Lines made only of these (compared without spaces, ZWNJ or separators) are site chrome.
_CHROME_WORDS = [
    "لینکهایقابلیتدسترسی",
    "پیوندهایقابلیتدسترسی",
    "پیوندهایدسترسی",
    "قابلیتدسترسی",
    "بروبهمحتوایاصلی",
    "بروبهبخشناوبریاصلی",
    "بروبهجستجو",
    "پرشبهمحتوا",
    "پرشبهمحتوایاصلی",
    "خبرفوری",
    "اشتراکگذاری",
    "اشتراکگذاریدر",
    "بهاشتراکبگذارید",
    "همرسانی",
    "نسخهچاپی",
    "چاپخبر",
    "چاپ",
    "ارسالبهدوستان",
    "ارسالبهدوست",
    "کپیلینک",
    "کپیشد",
    "لینککوتاه",
    "ایمیل",
    "فیسبوک",
    "فیس\u200cبوک",
    "توییتر",
    "تویتر",
    "ایکس",
    "تلگرام",
    "واتساپ",
    "واتسآپ",
    "اینستاگرام",
    "لینکدین",
    "facebook",
    "twitter",
    "telegram",
    "whatsapp",
    "instagram",
    "linkedin",
    "email",
    "print",
    "share",
]
_SEPARATORS = re.compile(r"[\s\u200c:|•·/\-–—،,()]+")
_CHROME_KEYS = sorted((word.replace("\u200c", "") for word in _CHROME_WORDS), key=len, reverse=True)
_CHROME_LINE = re.compile("(?:" + "|".join(_CHROME_KEYS) + ")+")
_TAGS_LINE = re.compile(r"^(?:برچسب|تگ|کلید[ \u200c]?واژه)[ \u200c]?(?:ها)?\s*:")
_TAGS_ONLY = {"برچسبها", "برچسب", "تگها", "کلیدواژهها"}
_FONT_SIZES = {"XS", "SM", "MD", "LG", "XL", "XXL"}

_TERMINAL = tuple('.!?؟…:»"”)؛;،,')
_HEADING_MAX_WORDS = 12
_CAPTION_MAX_WORDS = 30


def _compact(line: str) -> str:
    return _SEPARATORS.sub("", line).casefold()


def _is_chrome(line: str) -> bool:
    if _TAGS_LINE.match(line):
        return True
    key = _compact(line)
    return bool(key) and (key in _TAGS_ONLY or _CHROME_LINE.fullmatch(key) is not None)


def is_chrome_line(line: str) -> bool:
    """Tell whether a line is share/print/accessibility furniture rather than article text."""
    return _is_chrome(normalize_chars(line).strip())


def _is_font_sizes(line: str) -> bool:
    return bool(line) and all(token in _FONT_SIZES for token in line.split())


def _drop_font_widget(lines: list[str]) -> list[str]:
    """Blank out the XS/SM/MD/LG text-size widget: two or more such tokens in a row."""
    kept = list(lines)
    run: list[int] = []
    for index, line in enumerate([*lines, "."]):
        if _is_font_sizes(line):
            run.append(index)
        elif line:
            if sum(len(lines[i].split()) for i in run) >= 2:
                for i in run:
                    kept[i] = ""
            run = []
    return kept


def _is_heading(line: str) -> bool:
    return len(line.split()) <= _HEADING_MAX_WORDS and not line.endswith(_TERMINAL)


def _typed_blocks(lines: list[tuple[str, bool]]) -> tuple[Block, ...]:
    """Type body lines: a repeated short line is a caption, a short unpunctuated one a heading."""
    blocks: list[Block] = []
    for index, (line, repeated) in enumerate(lines):
        if repeated and len(line.split()) <= _CAPTION_MAX_WORDS:
            blocks.append(Block("caption", line))
        elif not repeated and index + 1 < len(lines) and _is_heading(line):
            blocks.append(Block("heading", line))
        else:
            blocks.append(Block("paragraph", line))
    return tuple(blocks)


# A hard-wrapped paragraph: lines at least this long, each within this share of the widest line
# of its run of lines, the sentence running on from one into the next.
_WRAP_MIN_WIDTH = 40
_WRAP_SIMILAR = 0.75
_SENTENCE_FINAL = tuple(".!?؟…")
_CLOSERS = "»\"”)'’"


def _unwrap(lines: list[str]) -> list[str]:
    """Join back the lines of hard-wrapped paragraphs; every other line stays as it is.

    A run of lines with no blank line between them is wrapped text when at least two of its lines
    are about as wide as its widest; a line that wide which does not end a sentence continues on
    the next line. Short lines (titles, headings, captions) and a line repeated under itself (the
    doubled caption of a scrape) are never joined.
    """
    out: list[str] = []
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and lines[end]:
            end += 1
        out += _unwrap_run(lines[start:end])
        if end < len(lines):
            out.append(lines[end])
        start = end + 1
    return out


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS).endswith(_SENTENCE_FINAL)


def _unwrap_run(run: list[str]) -> list[str]:
    if len(run) < 2:
        return run
    widest = max(len(line) for line in run)
    wide = [len(line) >= max(_WRAP_MIN_WIDTH, _WRAP_SIMILAR * widest) for line in run]
    if sum(wide) < 2:
        return run
    # A line repeated under itself is a caption: neither part of a paragraph nor joined.
    repeated = [
        (i > 0 and run[i - 1] == line) or (i + 1 < len(run) and run[i + 1] == line)
        for i, line in enumerate(run)
    ]
    joined = [run[0]]
    for index in range(1, len(run)):
        before, line = run[index - 1], run[index]
        if (
            wide[index - 1]
            and not _ends_sentence(before)
            and not repeated[index - 1]
            and not repeated[index]
        ):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def clean_plain_text(raw: str, *, title: str | None = None) -> CleanDocument:
    """Clean a plain-text scrape (or a clean "title, blank line, body" file) into typed blocks.

    With `title` given (structured records), every remaining line is body text.
    """
    scraped_at: datetime | None = None
    stamp_found = False
    body: list[tuple[str, bool]] = []  # (line, seen on the line before too)
    for line in _unwrap(_drop_font_widget(normalize_chars(raw).split("\n"))):
        if not line or _is_chrome(line):
            continue
        if not stamp_found and is_date_line(line):
            stamp_found, scraped_at = True, find_jalali_datetime(line)
        elif title is None:
            title = line
        elif body and body[-1][0] == line:
            body[-1] = (line, True)
        elif body or line != title:
            body.append((line, False))
    return CleanDocument(title=title or "", blocks=_typed_blocks(body), scraped_at=scraped_at)


# --- HTML ---------------------------------------------------------------------------------

_UNSAFE_TAGS = tuple(sorted(CODE_ELEMENTS))
_TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "li", "blockquote")
_TRAFILATURA_TAGS = ("head", "p", "item", "quote")
# Elements that end a line when a page is flattened to text.
_BLOCK_TAGS = BLOCK_ELEMENTS
_SOURCE_WHITESPACE = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_DATE_META = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='date']/@content",
    "//time/@datetime",
)


def _append_text(node: etree._Element, parts: list[str], breaks: frozenset[str]) -> None:
    if not isinstance(node.tag, str) or node.tag in _UNSAFE_TAGS:
        return  # comments, processing instructions, scripts: never text
    if node.tag in ("br", "lb"):
        parts.append("\n")
        return
    is_block = node.tag in breaks
    parts.append("\n" if is_block else "")
    parts.append(_SOURCE_WHITESPACE.sub(" ", node.text or ""))
    for child in node:
        _append_text(child, parts, breaks)
        parts.append(_SOURCE_WHITESPACE.sub(" ", child.tail or ""))
    parts.append("\n" if is_block else "")


def element_text(element: etree._Element, *, breaks: frozenset[str] = frozenset()) -> str:
    """The visible text of an element: markup newlines are spaces; <br> and `breaks` end lines."""
    parts: list[str] = []
    _append_text(element, parts, breaks)
    lines = normalize_chars("".join(parts)).split("\n")
    return "\n".join(line for line in lines if line)


def _outermost(elements: object, tags: tuple[str, ...]) -> list[etree._Element]:
    return [e for e in elements if not any(a.tag in tags for a in e.iterancestors())]


def _trafilatura_blocks(body: etree._Element) -> list[Block]:
    blocks = []
    for element in _outermost(body.iter(*_TRAFILATURA_TAGS), _TRAFILATURA_TAGS):
        if text := element_text(element):
            blocks.append(Block("heading" if element.tag == "head" else "paragraph", text))
    return blocks


def _fallback_blocks(tree: lxml.html.HtmlElement) -> tuple[str, list[Block]]:
    """Plain lxml extraction, for pages too small or too odd for trafilatura."""
    title_element = tree.find(".//title")
    title = element_text(title_element) if title_element is not None else ""
    blocks: list[Block] = []
    for element in _outermost(tree.iter(*_TEXT_TAGS), _TEXT_TAGS):
        text = element_text(element)
        if not text:
            continue
        if element.tag == "h1" and not blocks:
            title = text
        elif element.tag.startswith("h"):
            blocks.append(Block("heading", text))
        elif element.tag == "figcaption":
            blocks.append(Block("caption", text))
        else:
            blocks.append(Block("paragraph", text))
    if not blocks:  # text only in <div>s and the like: one paragraph per line
        body = tree.find("body")
        lines = element_text(body, breaks=_BLOCK_TAGS).split("\n") if body is not None else []
        blocks = [Block("paragraph", line) for line in lines if line != title]
    return title, blocks


def safe_html_tree(raw: str) -> lxml.html.HtmlElement | None:
    """Parse HTML and drop every element whose content is code, not text (script, style, ...)."""
    if not raw.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", raw, count=1))
    except (etree.ParserError, ValueError):
        return None
    for element in list(tree.iter(*_UNSAFE_TAGS)):
        element.drop_tree()
    return tree


def _safe_parse(value: str) -> datetime | None:
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _page_date(tree: lxml.html.HtmlElement) -> datetime | None:
    """The publication time from page metadata, including Jalali <time> text on Persian sites."""
    candidates = [str(value) for query in _DATE_META for value in tree.xpath(query)]
    candidates += [element_text(element) for element in tree.iter("time")]
    return next((value for value in map(_safe_parse, candidates) if value is not None), None)


def _with_captions(tree: lxml.html.HtmlElement, blocks: list[Block]) -> list[Block]:
    """Put back the <figcaption>s of the article that trafilatura leaves out, as captions.

    A caption goes after the block of the last paragraph before it in the page, or first when it
    comes before them all; only captions inside the element holding the extracted paragraphs
    count, so a related-stories teaser's caption elsewhere on the page stays out.
    """
    if not blocks or not any(True for _ in tree.iter("figcaption")):
        return blocks
    index_of = {block.text: index for index, block in enumerate(blocks)}
    found = [
        e for e in tree.iter(*_TEXT_TAGS) if e.tag != "figcaption" and element_text(e) in index_of
    ]
    if not found:
        return blocks
    container = _common_ancestor(found)
    if container in found and container.getparent() is not None:  # one paragraph: its parent
        container = container.getparent()
    after: dict[int, list[str]] = {}
    last = -1
    for element in _outermost(tree.iter(*_TEXT_TAGS), _TEXT_TAGS):
        text = element_text(element)
        if element.tag != "figcaption":
            last = index_of.get(text, last)
        elif text and text not in index_of and container in element.iterancestors():
            after.setdefault(last, []).append(" ".join(text.split()))
    captions = [Block("caption", text) for text in after.get(-1, [])]
    for index, block in enumerate(blocks):
        captions.append(block)
        captions += [Block("caption", text) for text in after.get(index, [])]
    return captions


def _common_ancestor(elements: list[etree._Element]) -> etree._Element:
    shared = [elements[0], *elements[0].iterancestors()]
    for element in elements[1:]:
        lineage = {id(e) for e in (element, *element.iterancestors())}
        shared = [e for e in shared if id(e) in lineage]
    return shared[0]


def _without_chrome(blocks: list[Block], title: str) -> tuple[Block, ...]:
    kept: list[Block] = []
    for block in blocks:
        text = "\n".join(line for line in block.text.split("\n") if not _is_chrome(line))
        if text and text != title and not (kept and kept[-1].text == text):
            kept.append(Block(block.kind, text))
    return tuple(kept)


def clean_html(raw: str) -> CleanDocument:
    """Extract the article from a saved web page: main text, headings and title, no page chrome.

    Only element text is ever read, so script, style and on*= handler code never reach a block.
    """
    import trafilatura  # a heavy import, needed only for HTML pages

    tree = safe_html_tree(raw)
    if tree is None:
        return CleanDocument(title="", blocks=(), scraped_at=None)
    # trafilatura gets the untouched page: it reads JSON-LD metadata from <script> itself.
    document = trafilatura.bare_extraction(
        raw,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_formatting=True,
        with_metadata=True,
    )
    if document is None:
        title, blocks = "", []
    else:
        title = " ".join(normalize_chars(document.title or "").split())
        blocks = _trafilatura_blocks(document.body) if document.body is not None else []
        blocks = _with_captions(tree, blocks)
    if not blocks:
        fallback_title, blocks = _fallback_blocks(tree)
        title = title or fallback_title
    if not title and blocks and blocks[0].kind == "heading":
        title, blocks = blocks[0].text, blocks[1:]
    title = title.replace("\n", " ")
    published_at = _page_date(tree)
    if published_at is None and document is not None and document.date:
        published_at = _safe_parse(document.date)
    return CleanDocument(
        title=title,
        blocks=_without_chrome(blocks, title),
        scraped_at=None,
        published_at=published_at,
    )
