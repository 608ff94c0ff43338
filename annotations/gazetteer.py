"""Find knowledge-base names in segment text: one Aho-Corasick automaton per side.

Matching runs on a folded copy of the text of the same length, so a match in the copy is a span
of the stored text, in code points. Persian folding equates ZWNJ and spaces, ي/ی,
ك/ک, Persian/Arabic/ASCII digits and alef forms; English folding is lower case, except that
all-capital aliases (US, IS, ISIS) match only in capitals, so "us" and "is" stay plain words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from articles.text.chars import ZWNJ, is_word_char
from articles.text.normalize import SAME_LENGTH_FOLDS

# After a ZWNJ these endings still leave the name a whole word: plural, ezafe, indefinite.
SUFFIXES = ("هایی", "های", "ها", "ای", "ی")
# Folding maps one character to one character, so offsets in the folded text are offsets in the
# stored text. (Stored Persian is already canonical: no tatweel, single spaces; see normalize.)
_FA_FOLD = {**SAME_LENGTH_FOLDS, **str.maketrans({ZWNJ: " ", "\t": " ", "\n": " ", "\u00a0": " "})}
_EN_FOLD = str.maketrans({"\t": " ", "\n": " ", "\u00a0": " ", "\u2019": "'"})


def fold_keeping_offsets(text: str, *, persian: bool) -> str:
    """A same-length matching copy of the text: Persian letters, digits and ZWNJ/space folded;
    English lower-cased (characters whose lower case is longer are left as they are)."""
    if persian:
        return text.translate(_FA_FOLD)
    folded = text.translate(_EN_FOLD).lower()
    if len(folded) != len(text):
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text.translate(_EN_FOLD))
    return folded


def fold_name(name: str, *, persian: bool) -> str:
    return " ".join(fold_keeping_offsets(name, persian=persian).split())


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
        folded = text if exact else fold_keeping_offsets(text, persian=persian)
        found = []
        for last, (length, entities) in automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if not self._whole_word(text, start, end, persian=persian):
                continue
            found.extend(Match(start, end, entity_id, kind) for entity_id, kind in entities)
        return found

    @staticmethod
    def _whole_word(text: str, start: int, end: int, *, persian: bool) -> bool:
        if start > 0 and is_word_char(text[start - 1]):
            return False
        # Vowel marks (an ezafe kasra, say) after a name still end the word.
        while end < len(text) and unicodedata.category(text[end]) == "Mn":
            end += 1
        if end == len(text) or not is_word_char(text[end]):
            return True
        if persian and text[end] == ZWNJ:
            rest = text[end + 1 :]
            for suffix in SUFFIXES:
                n = len(suffix)
                if rest.startswith(suffix) and (n == len(rest) or not is_word_char(rest[n])):
                    return True
        return False
