"""Server-rendered pages: the article list and the review page with its htmx partials.

Writes do not happen here: the review page saves through the REST endpoints, which answer htmx
requests with the row partials rendered by `render_row`.
"""

from __future__ import annotations

import functools
from dataclasses import asdict

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles import review_parts
from articles.assignments import desk_members
from articles.comments.models import Comment
from articles.editing import MAX_TARGET_LENGTH
from articles.filters import ArticleFilter
from articles.list_rows import LIST_FIELDS, list_rows
from articles.models import TITLE_PREFIX, Article, ArticleStatus, Segment, SegmentStatus, Tag
from articles.mt.packages import is_test_model_label
from articles.mt.status import translation_readiness, translation_state
from articles.permissions import Role, can_import
from articles.search import capped_count
from articles.text.diff import word_diff

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "published": (F("published_at").desc(nulls_last=True), "-id"),
    "scraped": (F("scraped_at").desc(nulls_last=True), "-id"),
    # The index (article_title_order) holds each title's first hundred characters: a whole title
    # may be longer than a B-tree entry (about 2,700 bytes). The whole title breaks their ties.
    "title": (TITLE_PREFIX, "title", "id"),
    # By the segment figures stored on each article (articles/figures.py), each from its index.
    "progress": ("-sort_approved", "-sort_edited", "-id"),
    "checks": ("-sort_failing_checks", "-id"),
    # The article holding the row MT was least sure of first; articles without MT last.
    "confidence": (F("sort_confidence").asc(nulls_last=True), "-id"),
}


EXPORT_FORMATS = [
    ("json", "JSON: articles, segments and entities"),
    ("jsonl", "JSONL: doccano sequence labelling"),
    ("tmx", "TMX 1.4: translation memory"),
    ("xliff", "XLIFF 1.2: for CAT tools"),
    ("conll", "CoNLL: tokens with BIO tags"),
]


class CappedPaginator(Paginator):
    """A paginator that counts `counted` (the plain matching rows) no further than
    `count_cap()`: past it, "10,000+" articles and pages up to the cap."""

    def __init__(self, object_list, per_page: int, *, counted: QuerySet) -> None:
        super().__init__(object_list, per_page)
        self.counted = counted

    @functools.cached_property
    def _capped(self) -> tuple[int, bool]:
        return capped_count(self.counted)

    @functools.cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def capped(self) -> bool:
        return self._capped[1]

    def page(self, number) -> Page:
        """The page's rows, all of them even past the cap (which only stops the counting)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"


def article_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "newest"
    # Plain rows are filtered, counted (up to the cap), ordered and paged; only the page's
    # fifty get their segment counts.
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all(), request=request)
    # A filter it cannot read (a status that is none, a NUL in the search) matches nothing: the
    # page says what was wrong instead of listing every article as though it matched.
    matching = filterset.qs if filterset.is_valid() else Article.objects.none()
    ids_in_order = matching.order_by(*SORTS[sort]).values_list("pk", flat=True)
    page = CappedPaginator(ids_in_order, 50, counted=matching).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = (
        Article.objects.with_counts()
        .only(*LIST_FIELDS)
        .select_related("assignee", "reviewer")
        .in_bulk(ids)
    )
    threads = Comment.objects.open_threads_by_article(ids)
    for pk, article in rows.items():
        article.open_threads = threads.get(pk, 0)
    articles = [rows[pk] for pk in ids if pk in rows]
    query = request.GET.copy()
    query.pop("page", None)
    role = Role.of(request.user)
    now = timezone.now()
    context = {
        "filter": filterset,
        "page": page,
        "rows": list_rows(
            articles, Tag.names_by_article(ids), now, _url_pattern("article-detail-page")
        ),
        "filter_errors": _filter_errors(filterset.form),
        "sort": sort,
        "sorts": list(SORTS),
        "query": query.urlencode(),
        "translating": any(a.status == ArticleStatus.TRANSLATING for a in articles),
        "role": asdict(role),
        "readiness": translation_readiness() if role.can_edit else None,
        "can_import": can_import(request.user),
        # The filters as they apply to exports and bulk translation (no sort, no page).
        "filters": {
            name: request.GET[name]
            for name in ("status", "q", "tag", "entity", "batch", "checks", "assignee", "overdue")
            if request.GET.get(name)
        },
        "export_formats": EXPORT_FORMATS,
        **_desk_context(role),
    }
    status = 400 if context["filter_errors"] else 200
    if request.htmx and request.htmx.target == "article-table":
        # Polled while articles translate: only the table is sent.
        return render(request, "articles/list.html#article-table", context, status=status)
    return render(request, "articles/list.html", context, status=status)


def _filter_errors(form) -> list[str]:
    """Each filter the list could not read, with why: "Status: Select a valid choice. …"."""
    return [
        f"{form.fields[name].label or name}: {' '.join(messages)}"
        for name, messages in form.errors.items()
    ]


def _desk_context(role) -> dict:
    """What the assignment controls need: who can be assigned, and the time now."""
    members = list(desk_members()) if role.can_approve else []
    return {
        "now": timezone.now(),
        "members": members,
        "reviewers": [member for member in members if Role.of(member).can_approve],
        "assignee_filters": {"me": "assigned to me", "none": "unassigned"},
    }


class _ModelLabels:
    """Which MT labels are test models, worked out once per request."""

    def __init__(self) -> None:
        self._known: dict[str, bool] = {}

    def is_test(self, label: str) -> bool:
        if label not in self._known:
            self._known[label] = is_test_model_label(label)
        return self._known[label]


def _url_pattern(name: str) -> str:
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def _row(
    segment: Segment, labels: _ModelLabels, marks: review_parts.RowMarks, threads: dict
) -> dict:
    """Everything a row shows, as plain strings in a dict.

    A page renders a row per segment: dict lookups and strings are the template engine's fast
    path (attribute lookups go through a failed dict lookup first, and numbers get localized).
    """
    urls = _row_urls()
    pk = segment.pk
    return {
        "sid": str(pk),
        "ver": str(segment.version),
        "number": str(segment.position + 1),
        "kind": segment.kind,
        "status": segment.status,
        "status_label": SegmentStatus(segment.status).label,
        "source_text": segment.source_text,
        "target_text": segment.target_text,
        "source_html": marks.html(segment, "source"),
        "target_html": marks.html(segment, "target"),
        "checks": _by_check(segment.checks),
        "confidence": _confidence(segment),
        "mt_text": segment.mt_text,
        "mt_model": segment.mt_model,
        "mt_changed": bool(segment.mt_text) and segment.target_text != segment.mt_text,
        "test_model": labels.is_test(segment.mt_model),
        "updated_by": str(segment.updated_by) if segment.updated_by_id else "",
        "api_url": urls["api"].format(pk),
        "row_url": urls["row"].format(pk),
        "history_url": urls["history"].format(pk),
        "mt_url": urls["mt"].format(pk),
        "dismiss_url": urls["dismissals"].format(pk),
        "thread_url": urls["thread"].format(pk),
        "comments": threads.get(pk, {"total": 0, "open": 0}),
    }


def _by_check(findings: list[dict]) -> list[dict]:
    """One line per failing check (it is dismissed as a whole): its first message, and how
    many more places fail it."""
    lines: dict[str, dict] = {}
    for finding in findings:
        line = lines.get(finding["check"])
        if line is None:
            lines[finding["check"]] = {**finding, "more": 0}
        else:
            line["more"] += 1
    return list(lines.values())


def _confidence(segment: Segment) -> dict | None:
    """The marker of how sure MT was of this row, while the row is still its translation."""
    if segment.mt_confidence is None or segment.target_text != segment.mt_text:
        return None
    level = next(
        name
        for bound, name in ((0.4, "low"), (0.7, "mid"), (1.01, "high"))
        if segment.mt_confidence < bound
    )
    return {"percent": str(round(segment.mt_confidence * 100)), "level": level}


@functools.cache
def _row_urls() -> dict[str, str]:
    return {
        "api": _url_pattern("segment-detail"),
        "row": _url_pattern("segment-row"),
        "history": _url_pattern("segment-history"),
        "mt": _url_pattern("segment-mt"),
        "dismissals": _url_pattern("segment-dismissals"),
        "thread": _url_pattern("segment-thread"),
    }


# The review page's row views: every row in order, the rows failing a check, or every row with
# the one MT was least sure of first (rows without a score last).
ROW_VIEWS = {"all": "all rows", "checks": "failing checks", "confidence": "least confident first"}


def _rows_shown(view: str, rows: list[Segment], shown: list[dict]) -> list[dict]:
    if view == "checks":
        return [row for segment, row in zip(rows, shown, strict=True) if segment.failing_checks]
    if view == "confidence":
        order = sorted(
            range(len(rows)),
            key=lambda i: (rows[i].mt_confidence is None, rows[i].mt_confidence or 0, i),
        )
        return [shown[i] for i in order]
    return shown


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page: Persian beside English, one row per segment."""
    article = get_object_or_404(
        Article.objects.with_counts()
        .select_related("assignee", "reviewer")
        .prefetch_related("tags"),
        pk=pk,
    )
    labels = _ModelLabels()
    view = request.GET.get("rows") if request.GET.get("rows") in ROW_VIEWS else "all"
    rows = list(article.segments.select_related("updated_by").order_by("position"))
    marks = review_parts.row_marks(rows)
    threads = Comment.objects.threads_by_segment([segment.pk for segment in rows])
    segments = [_row(segment, labels, marks, threads) for segment in rows]
    models = sorted({segment["mt_model"] for segment in segments if segment["mt_model"]})
    role = Role.of(request.user)
    context = {
        "article": article,
        "segments": _rows_shown(view, rows, segments),
        "rows_view": view,
        "row_views": ROW_VIEWS,
        "role": asdict(role),
        "readiness": translation_readiness() if role.can_edit else None,
        "untranslated": any(segment["status"] == SegmentStatus.EMPTY for segment in segments),
        "untouched": any(segment["status"] == SegmentStatus.MACHINE for segment in segments),
        "max_length": MAX_TARGET_LENGTH,
        "export_formats": EXPORT_FORMATS,
        "mt_models": models,
        "test_models": [label for label in models if labels.is_test(label)],
        "translation": translation_state(article)
        if article.status == ArticleStatus.TRANSLATING
        else None,
        "approved": SegmentStatus.APPROVED,
        **_desk_context(role),
        **review_parts.page_context(article),
    }
    return render(request, "articles/review.html", context)


def render_row(request: HttpRequest, segment: Segment, *, conflict: dict | None = None):
    """One segment's row; with `conflict`, the row shows the other editor's text beside yours."""
    context = {
        "segment": _row(
            segment,
            _ModelLabels(),
            review_parts.row_marks([segment]),
            Comment.objects.threads_by_segment([segment.pk]),
        ),
        "role": asdict(Role.of(request.user)),
        "approved": SegmentStatus.APPROVED,
        "conflict": conflict,
    }
    if conflict and "target_text" in conflict:
        context["conflict_diff"] = word_diff(segment.target_text, conflict["target_text"])
    if conflict and conflict.get("status") is not None:
        context["conflict"] = {**conflict, "status_label": SegmentStatus(conflict["status"]).label}
    return TemplateResponse(request, "articles/review.html#segment-row", context).render()


def segment_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The current row, e.g. after "keep theirs" in a conflict."""
    segment = get_object_or_404(Segment.objects.select_related("updated_by"), pk=pk)
    response = render_row(request, segment)
    response["ETag"] = segment.etag
    return response


def segment_mt(request: HttpRequest, pk: int) -> HttpResponse:
    """The MT original and a word diff MT → current text, loaded when a row's MT is opened."""
    segment = get_object_or_404(Segment, pk=pk)
    changed = segment.mt_text and segment.target_text != segment.mt_text
    context = {
        "segment": segment,
        "mt_html": _marked_unsure(segment.mt_text, segment.mt_low_confidence or []),
        "mt_diff": word_diff(segment.mt_text, segment.target_text) if changed else None,
        "test_model": _ModelLabels().is_test(segment.mt_model),
    }
    return render(request, "articles/review.html#mt-detail", context)


def _marked_unsure(text: str, spans: list) -> str:
    """The MT text with the words the model was least sure of in <mark class="unsure">."""
    parts, at = [], 0
    for start, end in sorted(spans):
        if at <= start < end <= len(text):
            parts.append(escape(text[at:start]))
            parts.append(format_html('<mark class="unsure">{}</mark>', text[start:end]))
            at = end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # every piece escaped above


def segment_history(request: HttpRequest, pk: int) -> HttpResponse:
    """A segment's revisions, newest first, each restorable as a new revision."""
    segment = get_object_or_404(Segment, pk=pk)
    revisions = segment.revisions.select_related("author").order_by("-version", "-id")
    context = {"segment": segment, "revisions": revisions, "role": asdict(Role.of(request.user))}
    return render(request, "articles/review.html#history", context)


def article_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled while an article translates; once done, tells the page (an `article-translated`
    event) to bring its rows and header up to date."""
    article = get_object_or_404(Article, pk=pk)
    context = {"article": article, "translation": translation_state(article)}
    response = render(request, "articles/review.html#progress", context)
    if article.status != ArticleStatus.TRANSLATING:
        response["HX-Trigger"] = "article-translated"
    return response


def article_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page's header line (status, counts, progress), refreshed after each change."""
    article = get_object_or_404(Article.objects.with_counts(), pk=pk)
    return render(request, "articles/review.html#article-summary", {"article": article})


def article_rows(request: HttpRequest, pk: int) -> HttpResponse:
    """Rows of the review page, all or those in `?ids=`, e.g. after translation or approvals."""
    article = get_object_or_404(Article, pk=pk)
    rows = article.segments.select_related("updated_by").order_by("position")
    parts = request.GET.get("ids", "").split(",")
    wanted = [int(part) for part in parts if part.isdigit() and len(part) < 19]
    if wanted:
        rows = rows.filter(pk__in=wanted[:5000])
    rows = list(rows)
    labels, marks = _ModelLabels(), review_parts.row_marks(rows)
    threads = Comment.objects.threads_by_segment([segment.pk for segment in rows])
    context = {
        "segments": [_row(segment, labels, marks, threads) for segment in rows],
        "role": asdict(Role.of(request.user)),
        "approved": SegmentStatus.APPROVED,
    }
    return render(request, "articles/review.html#segment-rows", context)
