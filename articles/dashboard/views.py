"""The dashboard page (`/dashboard/`) and the CSV of each of its charts."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from articles.dashboard.charts import Dashboard
from articles.dashboard.period import Period, parse_period
from articles.dashboard.queries import outlets

DEFAULT_DAYS = 30
# Cells a spreadsheet would run as a formula start with one of these (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _period(request: HttpRequest) -> Period:
    """The period asked for; the last 30 days when none is."""
    period = parse_period(request.GET)
    if period.start is None and period.end is None:
        today = timezone.localdate()
        period = Period(today - timedelta(days=DEFAULT_DAYS - 1), today, period.outlet)
    return period


def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        period = _period(request)
    except ValidationError as exc:
        errors = [message for messages in exc.message_dict.values() for message in messages]
        context = {"errors": errors, "outlets": outlets(), "form": request.GET}
        return render(request, "dashboard/dashboard.html", context, status=400)
    query = urlencode(period.query())
    charts = [
        (chart, f"{reverse('dashboard-csv', args=[chart.name])}?{query}")
        for chart in Dashboard(period).charts()
    ]
    context = {
        "period": period,
        "charts": charts,
        "outlets": outlets(),
        "form": {"from": period.start, "to": period.end, "outlet": period.outlet or ""},
    }
    return render(request, "dashboard/dashboard.html", context)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def chart_csv(request: HttpRequest, name: str) -> HttpResponse:
    """The table of one chart, as the page shows it, for a spreadsheet."""
    try:
        period = _period(request)
    except ValidationError as exc:
        return HttpResponse(
            "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    chart = Dashboard(period).chart(name)
    if chart is None:
        raise Http404(f"No chart is called {name!r}.")
    filename = f"newsroom-{name}-{period.start or 'start'}-{period.end or 'now'}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(chart.columns)
    for row in chart.rows:
        writer.writerow([_cell(value) for value in row])
    return response
