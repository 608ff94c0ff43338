"""The dashboard's charts: for each, what Chart.js draws and the table of the same numbers that
the page shows beside it and the CSV download holds."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.urls import reverse

from articles.dashboard import queries
from articles.dashboard.period import Period

# The article states' colours (new, translated, in review, approved), then the measures'.
STATE_COLOURS = ("#9aa5b1", "#6c9bd2", "#e0a526", "#3a9d5d")
EDITED, APPROVED, WORDS, SECONDS = "#1f5f99", "#3a9d5d", "#b5562f", "#6b4fa1"


@dataclass(frozen=True)
class Link:
    """A table cell that links somewhere; `lang="fa"` text is set right to left."""

    text: str
    href: str
    lang: str = "en"

    def __str__(self) -> str:
        return self.text


@dataclass
class Chart:
    name: str
    title: str
    description: str
    kind: str  # Chart.js type: bar or line
    labels: list[str]
    series: list[dict]
    columns: list[str]
    rows: list[list]
    options: dict = field(default_factory=dict)  # stacked, horizontal, axis titles

    def config(self) -> dict:
        """What static/js/dashboard.js draws."""
        return {"kind": self.kind, "labels": self.labels, "series": self.series, **self.options}

    @property
    def has_data(self) -> bool:
        return any(value for series in self.series for value in series["data"])


def _series(label: str, data: list, colour: str, **extra) -> dict:
    return {"label": label, "data": data, "colour": colour, **extra}


class Dashboard:
    """The charts of one period and outlet; each query runs once, when a chart needs it."""

    NAMES = ("articles", "editors", "words", "seconds", "effort", "queue", "assignees", "slowest")

    def __init__(self, period: Period) -> None:
        self.period = period

    @functools.cached_property
    def days(self) -> list[dict]:
        return queries.stats_rows(self.period, "day")

    @functools.cached_property
    def distribution(self) -> dict[str, list[dict]]:
        return queries.effort_distribution(self.period)

    def charts(self) -> list[Chart]:
        return [chart for name in self.NAMES if (chart := self.chart(name)) is not None]

    def chart(self, name: str) -> Chart | None:
        """The chart called `name`; None for an unknown name."""
        if name not in self.NAMES:
            return None
        return getattr(self, f"_{name}")()

    def _articles(self) -> Chart:
        days = self.days
        states = [
            ("New", "articles_new"),
            ("Translated", "articles_translated"),
            ("In review", "articles_in_review"),
            ("Approved", "articles_approved"),
        ]
        return Chart(
            "articles",
            "Articles imported per day, by where they stand now",
            "Each bar is the articles imported that day, split by the state they have reached.",
            "bar",
            [row["label"] for row in days],
            [
                _series(label, [row[key] for row in days], colour)
                for (label, key), colour in zip(states, STATE_COLOURS, strict=True)
            ],
            ["Day", "Imported", *(label for label, _ in states)],
            [
                [row["label"], row["articles_imported"], *(row[k] for _, k in states)]
                for row in days
            ],
            {"stacked": True, "yTitle": "articles"},
        )

    def _editors(self) -> Chart:
        editors = queries.stats_rows(self.period, "editor")
        return Chart(
            "editors",
            "Segments edited and approved per editor",
            "Edited counts every save of a segment's text; approved, the segments each approved.",
            "bar",
            [row["label"] for row in editors],
            [
                _series("Edited", [row["segments_edited"] for row in editors], EDITED),
                _series("Approved", [row["segments_approved"] for row in editors], APPROVED),
            ],
            ["Editor", "Segments edited", "Segments approved", "Words changed", "Seconds"],
            [
                [
                    r["label"],
                    r["segments_edited"],
                    r["segments_approved"],
                    r["words_changed"],
                    r["seconds"],
                ]
                for r in editors
            ],
            {"horizontal": True, "xTitle": "segments"},
        )

    def _histogram(self, name: str, title: str, description: str, colour: str) -> Chart:
        buckets = self.distribution[name]
        heading = "Words changed" if name == "words" else "Time"
        return Chart(
            name,
            title,
            description,
            "bar",
            [bucket["label"] for bucket in buckets],
            [_series("Segments", [bucket["segments"] for bucket in buckets], colour)],
            [heading, "Segments"],
            [[bucket["label"], bucket["segments"]] for bucket in buckets],
            {"yTitle": "segments", "legend": False},
        )

    def _words(self) -> Chart:
        return self._histogram(
            "words",
            "Words changed from MT per segment",
            "Segments edited in the period, by the word edit distance from their machine "
            "translation to their text now (HTER's count of edits, without shifts).",
            WORDS,
        )

    def _seconds(self) -> Chart:
        return self._histogram(
            "seconds",
            "Seconds per segment",
            "Segments edited in the period, by the time editors spent with them open.",
            SECONDS,
        )

    def _effort(self) -> Chart:
        days = self.days
        return Chart(
            "effort",
            "Post-edit effort per day",
            "Per save that day: the words it changed and the seconds it took, on average.",
            "line",
            [row["label"] for row in days],
            [
                _series("Words changed per segment", _averages(days, "words_per_segment"), WORDS),
                _series(
                    "Seconds per segment",
                    _averages(days, "seconds_per_segment"),
                    SECONDS,
                    axis="y1",
                ),
            ],
            [
                "Day",
                "Segments edited",
                "Words changed",
                "Words per segment",
                "Seconds",
                "Seconds per segment",
            ],
            [
                [
                    r["label"],
                    r["segments_edited"],
                    r["words_changed"],
                    r["words_per_segment"],
                    r["seconds"],
                    r["seconds_per_segment"],
                ]
                for r in days
            ],
            {"yTitle": "words", "y1Title": "seconds"},
        )

    def _queue(self) -> Chart:
        queue = queries.queue_by_status(self.period)
        return Chart(
            "queue",
            "The queue now, by status",
            "Every article of the outlet as it stands today, whatever the period.",
            "bar",
            [row["label"] for row in queue],
            [_series("Articles", [row["articles"] for row in queue], EDITED)],
            ["Status", "Articles"],
            [[row["label"], row["articles"]] for row in queue],
            {"yTitle": "articles", "legend": False},
        )

    def _assignees(self) -> Chart:
        assignees = queries.queue_by_assignee(self.period)
        states = [key for key in assignees[0] if key not in ("key", "label")] if assignees else []
        colours = {
            "new": STATE_COLOURS[0],
            "translating": STATE_COLOURS[0],
            "translated": STATE_COLOURS[1],
            "in_review": STATE_COLOURS[2],
        }
        return Chart(
            "assignees",
            "Open articles by assignee",
            "Articles not yet approved, per assignee and status.",
            "bar",
            [row["label"] for row in assignees],
            [
                _series(s.replace("_", " "), [r[s] for r in assignees], colours.get(s, EDITED))
                for s in states
            ],
            ["Assignee", *(s.replace("_", " ") for s in states)],
            [[row["label"], *(row[s] for s in states)] for row in assignees],
            {"stacked": True, "horizontal": True, "xTitle": "articles"},
        )

    def _slowest(self) -> Chart:
        slowest = queries.slowest_in_review(self.period)
        return Chart(
            "slowest",
            "Slowest articles in review",
            "Articles in review the longest since they were imported.",
            "bar",
            [row["label"] for row in slowest],
            [_series("Days open", [row["days_open"] for row in slowest], WORDS)],
            [
                "Article",
                "Outlet",
                "Imported",
                "First edit",
                "Days open",
                "Approved",
                "Segments",
                "Seconds",
            ],
            [
                [
                    Link(row["label"], reverse("article-detail-page", args=[row["key"]]), "fa"),
                    row["outlet"],
                    row["imported"],
                    row["first_edit"] or "",
                    row["days_open"],
                    row["segments_approved"],
                    row["segments"],
                    row["seconds"],
                ]
                for row in slowest
            ],
            {"horizontal": True, "xTitle": "days", "legend": False},
        )


def _averages(days: list[dict], name: str) -> list[float | None]:
    """A day without saves has no average: a gap in the line, not a zero."""
    return [row[name] if row["segments_edited"] else None for row in days]
