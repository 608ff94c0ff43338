"""Split cleaned articles into the segments editors translate, one sentence per body row."""

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from articles.text.boilerplate import CleanDocument

SegmentKind = Literal["title", "heading", "caption", "body"]

# A run of sentence-final marks («?!», «...») followed by whitespace, the end of the text, or
# straight away by the next sentence: a letter (never a digit: ۳.۵) or an opening quote.
_SENTENCE_END = re.compile(r"[.!?؟…۔]+(?=\s|$|[^\W\d_]|[«\"“(])")
# A token holding one of these is an address, not a sentence: https://x.ir, www.x.com, a@b.ir.
_ADDRESS = re.compile(r"://|www\.|@|\.(?:com|org|net|ir|io|gov|edu)\b", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z0-9]")
# Spans a sentence never ends inside: «…», (…), "…", “…”. Unclosed marks protect nothing.
_PROTECTED = re.compile(r"«[^«»\n]*»|\([^()\n]*\)|\"[^\"\n]*\"|“[^“”\n]*”")
# Initials and dotted abbreviations: U.S., e.g., م. (an initial), ج.ا.ا, ه.ش
_LETTER = r"[A-Za-z\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]"
_DOTTED = re.compile(rf"^(?:{_LETTER}\.)*{_LETTER}$")
_ABBREVIATIONS = frozenset(
    {
        *("mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt"),
        *("gov", "sen", "rep", "vs", "e.g", "i.e", "approx"),
    }
)
_OPENERS = "«(\"“'‘["
# «و...» is Persian for "etc.": the ellipsis does not end the sentence.
_ETC = re.compile(r"(?:^|\s)و\s?$")
_HAS_WORD = re.compile(r"\w")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Tell whether the "." at `dot` closes an abbreviation rather than a sentence."""
    if text[dot] != "." or text[dot + 1 : dot + 2] == ".":
        return False
    start = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot)) + 1
    word = text[start:dot].lstrip(_OPENERS)
    return bool(_DOTTED.match(word)) or word.casefold() in _ABBREVIATIONS


def _runs_on(text: str, start: int, end: int) -> bool:
    """Whether marks with no space after them end a sentence here (ایران.او), rather than sit
    inside a name, an address or a Latin abbreviation (Node.js, hamshahri.ir, ۳.۵)."""
    if end >= len(text) or text[end].isspace():
        return True
    before, after = text[start - 1 : start], text[end]
    if _LATIN.match(before) and _LATIN.match(after):
        return False
    token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    token_end = next((i for i in range(end, len(text)) if text[i].isspace()), len(text))
    return not _ADDRESS.search(text, token_start, token_end)


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping quotations, parentheses and numbers whole."""
    sentences: list[str] = []
    for line in paragraph.split("\n"):
        spans = [(m.start(), m.end()) for m in _PROTECTED.finditer(line)]
        starts = [start for start, _ in spans]
        begin = 0
        for match in _SENTENCE_END.finditer(line):
            index = bisect_right(starts, match.start()) - 1
            if index >= 0 and match.start() < spans[index][1]:
                continue
            if match.end() - match.start() == 1 and _is_abbreviation(line, match.start()):
                continue
            if not _runs_on(line, match.start(), match.end()):
                continue
            if match.group() in ("...", "…", "....") and _ETC.search(line, 0, match.start()):
                continue
            _append(sentences, line[begin : match.end()])
            begin = match.end()
        _append(sentences, line[begin:])
    return sentences


def _append(sentences: list[str], text: str) -> None:
    """Add a sentence; a stray mark with no word in it joins the sentence before (or goes)."""
    text = text.strip()
    if _HAS_WORD.search(text):
        sentences.append(text)
    elif text and sentences:
        sentences[-1] += text


@dataclass(frozen=True)
class SegmentDraft:
    position: int
    kind: SegmentKind
    paragraph: int
    text: str


def build_segments(doc: CleanDocument) -> list[SegmentDraft]:
    """Lay the document out as numbered rows: title, then each heading, caption and sentence."""
    drafts = [SegmentDraft(position=0, kind="title", paragraph=0, text=doc.title)]
    for paragraph, block in enumerate(doc.blocks, start=1):
        if block.kind == "paragraph":
            texts = split_sentences(block.text)
            kind: SegmentKind = "body"
        else:
            texts = [" ".join(block.text.split())] if block.text.strip() else []
            kind = "caption" if block.kind == "caption" else "heading"
        for text in texts:
            drafts.append(SegmentDraft(len(drafts), kind, paragraph, text))
    return drafts
