"""Find knowledge-base names in segment text: one Aho-Corasick automaton per side.

Matching runs on a folded copy of the text that keeps a map back to code-point offsets, so a
match is reported as a span of the stored text. Persian folding equates ZWNJ and spaces, ي/ی,
ك/ک, Persian/Arabic/ASCII digits and alef forms; English folding is lower case, except that
all-capital aliases (US, IS, ISIS) match only in capitals, so "us" and "is" stay plain words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

ZWNJ = "\u200c"
_FA_TABLE = {
    "\u064a": "\u06cc",  # Arabic yeh → Persian yeh
    "\u0649": "\u06cc",  # alef maksura
    "\u0643": "\u06a9",  # Arabic kaf → keheh
    "\u0629": "\u0647",  # teh marbuta → heh
    "\u06c0": "\u0647",  # heh with yeh above
    "\u0623": "\u0627",  # alef forms → alef
    "\u0625": "\u0627",
    "\u0622": "\u0627",
    "\u0671": "\u0627",
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    **{chr(0x0660 + i): str(i) for i in range(10)},
}
_DROP = {"\u0640"}  # tatweel
# After a ZWNJ these endings still leave the name a whole word: plural, ezafe, indefinite.
SUFFIXES = ("هایی", "های", "ها", "ای", "ی")


def is_word_char(char: str) -> bool:
    if char == ZWNJ:
        return True
    category = unicodedata.category(char)
    return category[0] in "LMN"


def fold(text: str, *, persian: bool) -> tuple[str, list[int]]:
    """The folded text, and for each folded character the offset of its source character."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if persian:
            if char in _DROP or unicodedata.category(char) == "Mn":
                continue
            if char == ZWNJ or char.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    where.append(index)
                continue
            char = _FA_TABLE.get(char, char)
        else:
            if char.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    where.append(index)
                continue
            lower = char.lower()
            char = lower if len(lower) == 1 else char
        out.append(char)
        where.append(index)
    return "".join(out), where


def fold_name(name: str, *, persian: bool) -> str:
    return fold(name.strip(), persian=persian)[0].strip()


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entity_id: int
    type: str


class Gazetteer:
    """Automata over every alias of every entity, built once per knowledge-base version."""

    def __init__(self, entries: Iterable[tuple[int, str, str, str]]) -> None:
        """`entries`: (entity id, type, side, name) for every name and alias."""
        self._fa = ahocorasick.Automaton()
        self._en = ahocorasick.Automaton()
        self._en_exact = ahocorasick.Automaton()
        for entity_id, entity_type, side, name in entries:
            if side == "source":
                automaton, key = self._fa, fold_name(name, persian=True)
            elif name.isupper() and len(name.replace(".", "")) <= 5:
                automaton, key = self._en_exact, " ".join(name.split())
            else:
                automaton, key = self._en, fold_name(name, persian=False)
            if not key:
                continue
            known = automaton.get(key, None)
            value = (len(key), ((entity_id, entity_type),))
            if known is not None:
                value = (known[0], tuple(dict.fromkeys([*known[1], (entity_id, entity_type)])))
            automaton.add_word(key, value)
        for automaton in (self._fa, self._en, self._en_exact):
            if len(automaton):
                automaton.make_automaton()

    def find(self, text: str, side: str) -> list[Match]:
        """Whole-word matches, longest first where they overlap, in text order."""
        if side == "source":
            candidates = self._search(self._fa, text, persian=True, exact=False)
        else:
            candidates = self._search(self._en, text, persian=False, exact=False)
            candidates += self._search(self._en_exact, text, persian=False, exact=True)
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Match] = []
        taken_until = -1
        for match in candidates:
            if (
                kept
                and match.start < taken_until
                and (match.start, match.end)
                != (
                    kept[-1].start,
                    kept[-1].end,
                )
            ):
                continue  # inside or across a longer match already kept
            kept.append(match)
            taken_until = max(taken_until, match.end)
        return kept

    def _search(self, automaton, text: str, *, persian: bool, exact: bool) -> list[Match]:
        if not len(automaton) or automaton.kind != ahocorasick.AHOCORASICK:
            return []
        if exact:
            folded, where = text, list(range(len(text)))
        else:
            folded, where = fold(text, persian=persian)
        found = []
        for last, (length, entities) in automaton.iter(folded):
            first = last - length + 1
            start, end = where[first], where[last] + 1
            if not self._whole_word(text, start, end, persian=persian):
                continue
            found.extend(Match(start, end, entity_id, kind) for entity_id, kind in entities)
        return found

    @staticmethod
    def _whole_word(text: str, start: int, end: int, *, persian: bool) -> bool:
        if start > 0 and is_word_char(text[start - 1]):
            return False
        if end == len(text) or not is_word_char(text[end]):
            return True
        if persian and text[end] == ZWNJ:
            rest = text[end + 1 :]
            for suffix in SUFFIXES:
                after = len(suffix)
                if rest.startswith(suffix) and (
                    after == len(rest) or not is_word_char(rest[after])
                ):
                    return True
        return False
