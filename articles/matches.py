"""Fuzzy matches: segments already edited or approved whose Persian source resembles a row's.

Sources are compared folded (`fold`: ZWNJ/space, ي/ی, ك/ک and digit spellings fall together, so
such variants score 100%). The score is rapidfuzz's normalised Indel similarity of the folded
sources, on both databases, so a pair scores the same wherever it is stored. What differs is how
the candidates are found:

- PostgreSQL: a trigram GIN index on `source_fold` (migration 0012, partial: edited and approved
  rows only) finds the rows containing each of `WINDOWS` stretches of `WINDOW` characters spread
  over the folded source (`LIKE '%…%'`, which the index answers from a handful of trigrams); the
  `CANDIDATES` rows sharing the most stretches are scored. Spelling variants are folded away, so
  what differs between a source and its match is whole words, and a match worth showing keeps
  some stretches intact. (pg_trgm's own `%` similarity operator reads the posting lists of every
  trigram of a whole sentence: about 0.3 s per query over 150,000 rows, against a few ms.)
- SQLite: the `SCAN_LIMIT` most recently changed edited or approved rows whose folded length is
  within what the threshold allows are scored with rapidfuzz.

Matches scoring under `MIN_SIMILARITY` (50%) are not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models.functions import Length
from rapidfuzz import fuzz

from articles.models import Segment, SegmentStatus
from articles.text.diff import Chunk, word_diff

MATCHABLE = (SegmentStatus.EDITED, SegmentStatus.APPROVED)
MIN_SIMILARITY = 0.5
LIMIT = 3
# PostgreSQL: the query's stretches looked up in the trigram index, and how many of the rows
# sharing the most of them are scored.
WINDOWS = 6
WINDOW = 12
CANDIDATES = 40
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
    scored = []
    for pk, source, target, folded in candidates:
        score = fuzz.ratio(query, folded) / 100
        if score >= MIN_SIMILARITY:
            scored.append((score, pk, source, target))
    scored.sort(key=lambda row: (-row[0], -row[1]))
    return [
        Match(
            segment_id=pk,
            source_text=source,
            target_text=target,
            similarity=round(score, 2),
            source_diff=word_diff(segment.source_text, source),
        )
        for score, pk, source, target in scored[:limit]
    ]


def _windows(query: str) -> list[str]:
    """`WINDOWS` stretches of `WINDOW` characters spread evenly over the folded query."""
    if len(query) <= WINDOW:
        return [query]
    step = (len(query) - WINDOW) / (WINDOWS - 1)
    starts = dict.fromkeys(round(index * step) for index in range(WINDOWS))
    return [query[start : start + WINDOW] for start in starts]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _trigram_candidates(query: str, *, exclude: int) -> list[tuple[int, str, str, str]]:
    # The status list is written out so the planner sees the partial index's predicate.
    statuses = ", ".join(str(int(status)) for status in MATCHABLE)
    windows = _windows(query)
    hits = " UNION ALL ".join(
        f"SELECT id FROM articles_segment WHERE source_fold LIKE %s AND status IN ({statuses})"
        for _ in windows
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH hits AS (SELECT id, count(*) AS shared FROM ({hits}) AS found "
            "GROUP BY id ORDER BY shared DESC, id DESC LIMIT %s) "
            "SELECT s.id, s.source_text, s.target_text, s.source_fold "
            "FROM articles_segment s JOIN hits ON hits.id = s.id "
            "WHERE s.id <> %s AND s.target_text <> ''",
            [*(_like(window) for window in windows), CANDIDATES, exclude],
        )
        return cursor.fetchall()


def _recent_candidates(query: str, *, exclude: int) -> list[tuple[int, str, str, str]]:
    # Indel similarity is at most 2·shorter/(both lengths): a source under a third or over three
    # times the query's length cannot reach 50%.
    size = len(query)
    low = int(size * MIN_SIMILARITY / (2 - MIN_SIMILARITY))
    high = int(size * (2 - MIN_SIMILARITY) / MIN_SIMILARITY) + 1
    return list(
        Segment.objects.annotate(fold_length=Length("source_fold"))
        .filter(status__in=MATCHABLE, fold_length__gte=low, fold_length__lte=high)
        .exclude(pk=exclude)
        .exclude(target_text="")
        .order_by("-updated_at", "-pk")
        .values_list("pk", "source_text", "target_text", "source_fold")[:SCAN_LIMIT]
    )
