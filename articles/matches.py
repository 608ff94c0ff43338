"""Fuzzy matches: segments already edited or approved whose Persian source resembles a row's.

Sources are compared folded (`fold`: ZWNJ/space, ي/ی, ك/ک and digit spellings fall together, so
such variants score 100%). The score is rapidfuzz's normalised Indel similarity of the folded
sources, on both databases, so a pair scores the same wherever it is stored. What differs is how
the candidates are found:

- PostgreSQL: a trigram GIN index on `source_fold` (migration 0013, partial: edited and approved
  rows only) finds, in one bitmap scan, the rows containing any of `WINDOWS` stretches of
  `WINDOW` characters, one in each part of the folded source (`LIKE '%…%'`, which the index
  answers from a handful of trigrams), and at most `CANDIDATES` of them are scored. In each part
  the stretch taken is the one whose rarest trigram is rarest in a sample of the rows matches may
  offer: a rare trigram has a short posting list, so the lookup is cheap and finds few rows, and
  those rows share what is distinctive about the source. Spelling variants are folded away, so
  what differs between a source and its match is whole words, and a match worth showing keeps
  some stretches intact. (pg_trgm's own `%` similarity operator reads the posting lists of every
  trigram of a whole sentence, and a GiST index's `<->` nearest-neighbour order visits most of
  the index for sentences this long: both take about a second over 500,000 edited rows.)
- SQLite: the `SCAN_LIMIT` most recently changed edited or approved rows whose folded length is
  within what the threshold allows are scored with rapidfuzz.

Matches scoring under `MIN_SIMILARITY` (50%) are not offered.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from django.db import connection
from django.db.models.functions import Length
from rapidfuzz import fuzz, process

from articles.models import Segment, SegmentStatus
from articles.text.diff import Chunk, word_diff

MATCHABLE = (SegmentStatus.EDITED, SegmentStatus.APPROVED)
MIN_SIMILARITY = 0.5
LIMIT = 3
# PostgreSQL: the query's stretches looked up in the trigram index, and at most how many of the
# rows containing one are scored (a stretch of boilerplate may be in many thousands).
WINDOWS = 4
WINDOW = 12
CANDIDATES = 1000
# Each stretch is the one with the rarest trigrams in its part of the query (the index answers a
# rare trigram from a short posting list): trigram counts over a sample of the rows matches may
# offer, `RARITY_PERCENT` of the table's pages and at most `RARITY_SAMPLE` rows, kept for
# `RARITY_TTL` seconds; under `RARITY_MIN` sampled rows the stretches are evenly spaced.
RARITY_PERCENT = 1
RARITY_SAMPLE = 1000
RARITY_MIN = 200
RARITY_TTL = 3600
_rarity: tuple[float, Counter[str]] | None = None
# SQLite: at most this many rows are scored for one request.
SCAN_LIMIT = 5000


@dataclass(frozen=True)
class Match:
    segment_id: int
    source_text: str
    target_text: str
    similarity: float  # 0–1
    source_diff: list[Chunk]

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def find_matches(segment: Segment, *, limit: int = LIMIT) -> list[Match]:
    """Up to `limit` edited or approved segments (not this one) most like `segment`'s source."""
    query = segment.source_fold
    if not query:
        return []
    if connection.vendor == "postgresql":
        candidates = _trigram_candidates(query, exclude=segment.pk)
    else:
        candidates = _recent_candidates(query, exclude=segment.pk)
    # Every candidate is scored (rapidfuzz, in C): the best come first, then the newest.
    scored = sorted(
        (
            (score / 100, pk)
            for folded, score, pk in process.extract_iter(
                query, candidates, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY * 100
            )
        ),
        key=lambda row: (-row[0], -row[1]),
    )[:limit]
    # Only the rows offered are read whole.
    texts = {
        pk: (source, target)
        for pk, source, target in Segment.objects.filter(
            pk__in=[pk for _, pk in scored]
        ).values_list("pk", "source_text", "target_text")
    }
    return [
        Match(
            segment_id=pk,
            source_text=texts[pk][0],
            target_text=texts[pk][1],
            similarity=round(score, 2),
            source_diff=word_diff(segment.source_text, texts[pk][0]),
        )
        for score, pk in scored
    ]


def _windows(query: str, counts: Counter[str]) -> list[str]:
    """`WINDOWS` stretches of `WINDOW` characters, one in each of as many equal parts of the folded
    query: the one whose rarest trigram is rarest in `counts`, the evenly spaced one on a tie."""
    if len(query) <= WINDOW:
        return [query]
    last = len(query) - WINDOW
    step = last / (WINDOWS - 1)
    part = len(query) / WINDOWS
    chosen = []
    for index in range(WINDOWS):
        even = round(index * step)
        low, high = min(int(index * part), last), min(int((index + 1) * part) - WINDOW, last)
        starts = range(min(low, even), max(high, even) + 1)
        start = min(
            starts,
            key=lambda at: (
                min(counts[query[i : i + 3]] for i in range(at, at + WINDOW - 2)),
                abs(at - even),
            ),
        )
        chosen.append(query[start : start + WINDOW])
    return list(dict.fromkeys(chosen))


def _trigram_counts() -> Counter[str]:
    """In how many of a sample of edited or approved rows each trigram occurs, kept for
    `RARITY_TTL` seconds; empty while there are fewer than `RARITY_MIN` such rows to sample."""
    global _rarity
    now = time.monotonic()
    if _rarity is not None and now - _rarity[0] < RARITY_TTL:
        return _rarity[1]
    statuses = ", ".join(str(int(status)) for status in MATCHABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source_fold FROM articles_segment TABLESAMPLE SYSTEM ({RARITY_PERCENT}) "
            f"WHERE status IN ({statuses}) LIMIT %s",
            [RARITY_SAMPLE],
        )
        sample = [row[0] for row in cursor.fetchall()]
    counts: Counter[str] = Counter()
    if len(sample) >= RARITY_MIN:
        counts = Counter(
            chain.from_iterable({text[i : i + 3] for i in range(len(text) - 2)} for text in sample)
        )
    _rarity = (now, counts)
    return counts


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _trigram_candidates(query: str, *, exclude: int) -> dict[int, str]:
    # One bitmap scan: the stretches' index lookups OR-ed, each row read once. The status list is
    # written out so the planner sees the partial index's predicate.
    statuses = ", ".join(str(int(status)) for status in MATCHABLE)
    windows = _windows(query, _trigram_counts())
    found = " OR ".join("source_fold LIKE %s" for _ in windows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, source_fold FROM articles_segment WHERE ({found}) "
            f"AND status IN ({statuses}) AND target_text <> '' AND id <> %s LIMIT %s",
            [*(_like(window) for window in windows), exclude, CANDIDATES],
        )
        return dict(cursor.fetchall())


def _recent_candidates(query: str, *, exclude: int) -> dict[int, str]:
    # Indel similarity is at most 2·shorter/(both lengths): a source under a third or over three
    # times the query's length cannot reach 50%.
    size = len(query)
    low = int(size * MIN_SIMILARITY / (2 - MIN_SIMILARITY))
    high = int(size * (2 - MIN_SIMILARITY) / MIN_SIMILARITY) + 1
    return dict(
        Segment.objects.annotate(fold_length=Length("source_fold"))
        .filter(status__in=MATCHABLE, fold_length__gte=low, fold_length__lte=high)
        .exclude(pk=exclude)
        .exclude(target_text="")
        .order_by("-updated_at", "-pk")
        .values_list("pk", "source_fold")[:SCAN_LIMIT]
    )
