"""The dashboard's numbers, read from what the desk already keeps: human revisions (each save,
with the words it changed and the seconds it took), segments (who approved them and when, words
changed from MT) and articles (imported when, where they stand now).

Every function takes a Period and answers with plain rows: the stats API returns them as JSON,
the dashboard draws them and offers them as tables and CSV.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from articles.dashboard import rollup
from articles.dashboard.period import Period
from articles.models import Article, ArticleStatus, Revision, RevisionOrigin, Segment, SegmentStatus

# Articles by where they stand now; "new" holds the ones being translated too.
ARTICLE_STATES = {
    "articles_new": Q(status__lt=ArticleStatus.TRANSLATED),
    "articles_translated": Q(status=ArticleStatus.TRANSLATED),
    "articles_in_review": Q(status=ArticleStatus.IN_REVIEW),
    "articles_approved": Q(status=ArticleStatus.APPROVED),
}
EDIT_COUNTS = ("segments_edited", "segments_approved", "words_changed", "seconds")
ARTICLE_COUNTS = ("articles_imported", *ARTICLE_STATES)
# (label, lowest, highest or None): words changed from MT per segment, seconds per segment.
WORD_BUCKETS = (("0", 0, 0), ("1–2", 1, 2), ("3–5", 3, 5), ("6–10", 6, 10), ("11–20", 11, 20))
WORD_BUCKETS += (("21 or more", 21, None),)
SECOND_BUCKETS = (("under 10 s", 0, 10), ("10–30 s", 10, 30), ("30–60 s", 30, 60))
SECOND_BUCKETS += (("1–2 min", 60, 120), ("2–5 min", 120, 300), ("5 min or more", 300, None))
NO_OUTLET = "(no outlet)"
SEGMENT_CLOCK_MARGIN = timedelta(days=1)
NO_EDITOR = "(deleted user)"


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _edits(period: Period, by: str) -> dict:
    """Human saves per key: how many, the words they changed, the seconds they took; the days
    the rollup holds from it, the days after it live."""
    through = rollup.ensure()
    if through is None or (period.start is not None and period.start > through):
        return _live_edits(period, by)
    found = rollup.totals(period, by, through)
    after = through + timedelta(days=1)
    if period.end is None or period.end >= after:
        live = Period(max(period.start or after, after), period.end, period.outlet)
        for key, counts in _live_edits(live, by).items():
            rollup.add(found, key, counts)
    return found


def _live_edits(period: Period, by: str) -> dict:
    group = {"day": _day("created_at"), "editor": F("author_id")}
    group["outlet"] = F("segment__article__outlet")
    saves = Revision.objects.filter(origin=RevisionOrigin.HUMAN, **period.filter("created_at"))
    if period.outlet is not None:
        saves = saves.filter(segment__article__outlet=period.outlet)
    start, _ = period.bounds()
    if start and (by == "outlet" or period.outlet is not None):
        # A save stamps its segment's updated_at, which only moves forward: the segments of the
        # period's saves are among those changed since it began (a day's margin for clocks),
        # which the planner reads from an index instead of joining every segment.
        saves = saves.filter(segment__updated_at__gte=start - SEGMENT_CLOCK_MARGIN)
    rows = (
        saves.order_by()
        .values(key=group[by])
        .annotate(
            segments_edited=Count("*"),
            words_changed=Coalesce(Sum("words_changed"), 0),
            seconds=Coalesce(Sum("edit_seconds"), 0.0),
        )
    )
    return {row.pop("key"): row for row in rows}


def _approvals(period: Period, by: str) -> dict:
    """Segments approved now, counted on the day and for the user of their approval."""
    group = {
        "day": _day("updated_at"),
        "editor": F("updated_by_id"),
        "outlet": F("article__outlet"),
    }
    approved = Segment.objects.filter(status=SegmentStatus.APPROVED, **period.filter("updated_at"))
    if period.outlet is not None:
        approved = approved.filter(article__outlet=period.outlet)
    rows = approved.order_by().values(key=group[by]).annotate(segments_approved=Count("*"))
    return {row["key"]: row["segments_approved"] for row in rows}


def _articles(period: Period, by: str) -> dict:
    """Articles imported per key, by where they stand now."""
    group = {"day": _day("created_at"), "outlet": F("outlet")}
    articles = Article.objects.filter(**period.filter("created_at"))
    if period.outlet is not None:
        articles = articles.filter(outlet=period.outlet)
    counts = {name: Count("id", filter=condition) for name, condition in ARTICLE_STATES.items()}
    rows = (
        articles.order_by().values(key=group[by]).annotate(articles_imported=Count("id"), **counts)
    )
    return {row.pop("key"): row for row in rows}


def stats_rows(period: Period, by: str) -> list[dict]:
    """One row per day, editor or outlet: `key`, `label`, the edit counts, and for days and
    outlets the articles imported there by where they stand now."""
    names = EDIT_COUNTS + (ARTICLE_COUNTS if by != "editor" else ())
    rows: dict = defaultdict(lambda: dict.fromkeys(names, 0))
    for key, counts in _edits(period, by).items():
        rows[key].update(counts)
    for key, approved in _approvals(period, by).items():
        rows[key]["segments_approved"] = approved
    if by != "editor":
        for key, counts in _articles(period, by).items():
            rows[key].update(counts)
    if by == "day":
        known = sorted(rows)
        for day in period.days(*(known[0], known[-1]) if known else (None, None)):
            if day not in rows:
                rows[day] = dict.fromkeys(names, 0)
    labels = _labels(by, list(rows))
    result = []
    for key, counts in rows.items():
        edited = counts["segments_edited"]
        counts["seconds"] = round(float(counts["seconds"]), 1)
        counts["words_per_segment"] = round(counts["words_changed"] / edited, 2) if edited else 0
        counts["seconds_per_segment"] = round(counts["seconds"] / edited, 1) if edited else 0
        shown = key.isoformat() if isinstance(key, date) else key
        result.append({"key": shown, "label": labels[key], **counts})
    return _ordered(result, by)


def _labels(by: str, keys: list) -> dict:
    if by == "day":
        return {key: key.isoformat() for key in keys}
    if by == "outlet":
        return {key: key or NO_OUTLET for key in keys}
    User = get_user_model()
    names = dict(
        User.objects.filter(pk__in=[key for key in keys if key is not None]).values_list(
            "pk", User.USERNAME_FIELD
        )
    )
    return {key: names.get(key, NO_EDITOR) for key in keys}


def _ordered(rows: list[dict], by: str) -> list[dict]:
    if by == "day":
        return sorted(rows, key=lambda row: row["key"])
    if by == "editor":
        return sorted(
            rows,
            key=lambda row: (-row["segments_edited"], -row["segments_approved"], row["label"]),
        )
    return sorted(rows, key=lambda row: (-row["articles_imported"], row["label"]))


def _bucket(field: str, lowest: float, highest: float | None, *, upper_inclusive: bool) -> Q:
    condition = Q(**{f"{field}__gte": lowest})
    if highest is not None:
        condition &= Q(**{f"{field}__lte" if upper_inclusive else f"{field}__lt": highest})
    return condition


def effort_distribution(period: Period) -> dict[str, list[dict]]:
    """Segments edited in the period (by their last change): how many words each changed from
    its MT, and how many seconds editors spent on each."""
    segments = Segment.objects.filter(
        status__gte=SegmentStatus.EDITED, **period.filter("updated_at")
    )
    if period.outlet is not None:
        segments = segments.filter(article__outlet=period.outlet)
    counts = {}
    for i, (_, lowest, highest) in enumerate(WORD_BUCKETS):
        condition = _bucket("edit_distance", lowest, highest, upper_inclusive=True)
        counts[f"w{i}"] = Count("status", filter=condition)
    for i, (_, lowest, highest) in enumerate(SECOND_BUCKETS):
        condition = _bucket("edit_seconds", lowest, highest, upper_inclusive=False)
        counts[f"s{i}"] = Count("status", filter=condition & Q(edit_seconds__gt=0))
    found = segments.order_by().aggregate(**counts)
    return {
        "words": [{"label": b[0], "segments": found[f"w{i}"]} for i, b in enumerate(WORD_BUCKETS)],
        "seconds": [
            {"label": b[0], "segments": found[f"s{i}"]} for i, b in enumerate(SECOND_BUCKETS)
        ],
    }


def _outlet_articles(period: Period):
    articles = Article.objects.all()
    if period.outlet is not None:
        articles = articles.filter(outlet=period.outlet)
    return articles


def queue_by_status(period: Period) -> list[dict]:
    """Every article of the outlet now, by status (the period does not apply: this is today)."""
    found = dict(_outlet_articles(period).order_by().values_list("status").annotate(n=Count("id")))
    return [
        {
            "key": status.label,
            "label": status.label.replace("_", " "),
            "articles": found.get(status, 0),
        }
        for status in ArticleStatus
    ]


def queue_by_assignee(period: Period) -> list[dict]:
    """Articles not yet approved, per assignee and status."""
    username = f"assignee__{get_user_model().USERNAME_FIELD}"
    found = (
        _outlet_articles(period)
        .exclude(status=ArticleStatus.APPROVED)
        .order_by()
        .values_list("assignee_id", username, "status")
        .annotate(n=Count("id"))
    )
    rows: dict = {}
    states = [status for status in ArticleStatus if status != ArticleStatus.APPROVED]
    for assignee, name, status, count in found:
        row = rows.setdefault(
            assignee,
            {"key": assignee, "label": name or "unassigned", **{s.label: 0 for s in states}},
        )
        row[ArticleStatus(status).label] = count
    return sorted(rows.values(), key=lambda row: (row["key"] is not None, row["label"]))


def slowest_in_review(period: Period, limit: int = 10) -> list[dict]:
    """The articles in review that were imported longest ago, with their progress and the time
    editors have spent on them."""
    articles = list(
        _outlet_articles(period)
        .filter(status=ArticleStatus.IN_REVIEW)
        .order_by("created_at", "id")
        .values("id", "title", "outlet", "created_at")[:limit]
    )
    ids = [article["id"] for article in articles]
    progress = {
        row.pop("article_id"): row
        for row in Segment.objects.filter(article_id__in=ids)
        .order_by()
        .values("article_id")
        .annotate(
            segments=Count("id"),
            approved=Count("id", filter=Q(status=SegmentStatus.APPROVED)),
            seconds=Coalesce(Sum("edit_seconds"), 0.0),
        )
    }
    first_saves = dict(
        Revision.objects.filter(segment__article_id__in=ids, origin=RevisionOrigin.HUMAN)
        .order_by()
        .values_list("segment__article_id")
        .annotate(first=Min("created_at"))
    )
    now = timezone.now()
    rows = []
    for article in articles:
        counts = progress.get(article["id"], {"segments": 0, "approved": 0, "seconds": 0.0})
        first: datetime | None = first_saves.get(article["id"])
        rows.append(
            {
                "key": article["id"],
                "label": article["title"],
                "outlet": article["outlet"],
                "imported": timezone.localtime(article["created_at"]).date().isoformat(),
                "first_edit": timezone.localtime(first).date().isoformat() if first else None,
                "days_open": round((now - article["created_at"]).total_seconds() / 86400, 1),
                "segments": counts["segments"],
                "segments_approved": counts["approved"],
                "seconds": round(counts["seconds"], 1),
            }
        )
    return rows


def outlets() -> list[str]:
    """The outlets articles name, for the dashboard's choice."""
    return list(
        Article.objects.exclude(outlet="")
        .order_by("outlet")
        .values_list("outlet", flat=True)
        .distinct()
    )
