"""The dashboard draws its charts with the app's own Chart.js, under the strict CSP, on a
desktop and a phone; photographed into var/screenshots/."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editing import approve_segments, save_segment
from articles.models import Article, ArticleStatus, Revision, Segment, SegmentStatus
from tests.browser.test_admin_import import log_in
from tests.browser.test_layout import AXE, DESKTOP, PHONE, new_page, overflow, serious_violations
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MT = "the minister said on monday that the talks would go on next week in tehran"
EDITS = (
    "the minister said on monday that talks will continue next week in tehran",
    "the foreign minister said on monday that the talks would go on in tehran",
    "on monday the minister said talks would resume next week in tehran",
)
# Collected from the page's start: every CSP refusal, whatever the console says about it.
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__csp.push(`${event.violatedDirective} ${event.blockedURI}`));
"""


@pytest.fixture
def busy_desk():
    """Ten days of a desk: three outlets' articles, two editors saving, a reviewer approving."""
    rng = random.Random(7)
    editors = [UserFactory(username=name, groups=["editor"]) for name in ("maryam", "reza")]
    reviewer = UserFactory(username="sara", groups=["reviewer"])
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    now = timezone.now()
    for n in range(18):
        article = ArticleFactory(
            outlet=("IRNA", "ISNA", "Hamshahri")[n % 3],
            title=f"گزارش شماره {n + 1} درباره مذاکرات تهران",
            status=ArticleStatus.TRANSLATED,
            assignee=editors[n % 2] if n % 5 else None,
        )
        segments = [
            SegmentFactory(
                article=article, mt_text=MT, target_text=MT, status=SegmentStatus.MACHINE
            )
            for _ in range(5)
        ]
        day = now - timedelta(days=n % 10, hours=rng.randint(0, 5))
        Article.objects.filter(pk=article.pk).update(created_at=day)
        if n % 4 == 3:
            continue  # left translated
        for segment in segments[: rng.randint(1, 5)]:
            save_segment(
                segment_id=segment.pk,
                expected_version=segment.version,
                user=rng.choice(editors),
                target_text=rng.choice(EDITS),
                edit_seconds=rng.uniform(5, 200),
            )
        if n % 3 == 0:
            versions = dict(Segment.objects.filter(article=article).values_list("pk", "version"))
            approve_segments(versions=versions, user=reviewer)
        Revision.objects.filter(segment__article=article, origin="human").update(created_at=day)
        Segment.objects.filter(article=article).update(updated_at=day)


def _watched_page(browser, viewport):
    """A new tab whose console lines and CSP refusals are kept."""
    page = new_page(browser, viewport)
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(CSP_WATCH)
    return page, console


def _charts(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("canvas[data-chart]")].map(
             (canvas) => {
               const chart = window.Chart && window.Chart.getChart(canvas);
               const values = chart ? chart.data.datasets.flatMap((d) => d.data) : [];
               return [canvas.dataset.chart, {
                 drawn: Boolean(chart), width: canvas.width, height: canvas.height,
                 total: values.reduce((a, b) => a + b, 0)}];
             }))"""
    )


def test_the_dashboard_draws_every_chart_with_data_and_no_csp_violation(
    browser, live_server, busy_desk, screenshot_dir
):
    problems = {}
    for viewport, suffix in ((DESKTOP, "1440x900"), (PHONE, "390x844")):
        page, console = _watched_page(browser, viewport)
        log_in(page, live_server, "chief")
        page.wait_for_url("**/articles/")
        page.get_by_role("link", name="Dashboard").click()
        page.wait_for_url("**/dashboard/")
        page.wait_for_load_state("networkidle")

        charts = _charts(page)
        assert set(charts) == {
            "articles",
            "editors",
            "words",
            "seconds",
            "effort",
            "queue",
            "assignees",
            "slowest",
        }
        for name, chart in charts.items():
            assert chart["drawn"] and chart["width"] > 100 and chart["height"] > 100, name
            assert chart["total"] > 0, f"{name} drew no data"
        assert page.evaluate("window.__csp") == []
        assert [line for line in console if "error" in line.lower() or "policy" in line] == []
        if viewport is PHONE and overflow(page) > 0:
            problems[suffix] = overflow(page)

        page.screenshot(path=str(screenshot_dir / f"dashboard-{suffix}.png"))
        page.screenshot(path=str(screenshot_dir / f"dashboard-{suffix}-full.png"), full_page=True)
        for name in ("effort", "slowest"):
            page.locator(f"#{name}").screenshot(
                path=str(screenshot_dir / f"dashboard-{name}-{suffix}.png")
            )
        page.locator("#editors summary").click()
        table = page.locator("#editors table")
        assert table.is_visible()
        assert {"maryam", "reza", "sara"} <= set(table.locator("tbody th").all_inner_texts())
        page.context.close()
    assert problems == {}, f"the dashboard is wider than the phone: {problems}"


def test_a_chosen_period_and_outlet_redraw_the_charts_for_them(page, live_server, busy_desk):
    log_in(page, live_server, "chief")
    page.wait_for_url("**/articles/")
    page.goto(f"{live_server.url}/dashboard/")
    page.select_option("select[name=outlet]", "ISNA")
    today = timezone.localdate()
    page.fill("input[name=from]", (today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/dashboard/?*outlet=ISNA*")
    labels = page.evaluate(
        "() => window.Chart.getChart(document.querySelector('#chart-articles')).data.labels"
    )
    assert labels == [(today - timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    csv_link = page.locator("#articles a.csv").get_attribute("href")
    assert "outlet=ISNA" in csv_link and f"from={today - timedelta(days=2)}" in csv_link


def test_axe_finds_nothing_serious_on_the_dashboard(browser, live_server, busy_desk):
    assert AXE.exists(), "node_modules/axe-core is missing: run ./scripts/test (npm install)"
    page = new_page(browser, DESKTOP)
    page.add_init_script(path=str(AXE))
    log_in(page, live_server, "chief")
    page.wait_for_url("**/articles/")
    page.goto(f"{live_server.url}/dashboard/")
    page.locator("#editors summary").click()
    found = serious_violations(page)
    page.context.close()
    assert found == []
