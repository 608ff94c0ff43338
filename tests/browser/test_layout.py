"""Every page on a phone and for everyone: no sideways scrolling at 390 px, the Persian web font
served by the app, inputs that take either script, and axe-core finding nothing serious.

The pages are also photographed at 1440×900 and 390×844 into var/screenshots/."""

from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, ImportBatch
from articles.mt.translate import apply_translation
from tests.browser.test_admin_import import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def desk(mt_model, seed_path, tmp_path):
    """The seed article translated, a second one, and an import batch page to look at."""
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    apply_translation(article_id=article.pk)
    article.tags.create(name="سیاست خارجی")
    batch = ImportBatch.objects.create(filename="news.jsonl", status="done", created_count=1)
    Article.objects.filter(pk=article.pk).update(import_batch=batch)
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    return {"article": article, "batch": batch}


def pages(desk):
    article, batch = desk["article"], desk["batch"]
    return {
        "login": "/accounts/login/",
        "list": "/articles/",
        "review": f"/articles/{article.pk}/",
        "entities": "/entities/",
        "profile": "/accounts/profile/",
        "import": "/admin/articles/importbatch/add/",
        "batch": f"/admin/articles/importbatch/{batch.pk}/change/",
    }


def new_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    return context.new_page()


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, desk, screenshot_dir):
    problems = {}
    for viewport, suffix in ((PHONE, "390x844"), (DESKTOP, "1440x900")):
        page = new_page(browser, viewport)
        log_in(page, live_server, "chief")
        page.wait_for_url("**/articles/")
        for name, path in pages(desk).items():
            if name == "login":
                page.context.clear_cookies()
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(screenshot_dir / f"{name}-{suffix}.png"))
            page.screenshot(path=str(screenshot_dir / f"{name}-{suffix}-full.png"), full_page=True)
            if viewport is PHONE and overflow(page) > 0:
                problems[name] = overflow(page)
            if name == "review":
                # The editor open on a row, then the tagging popup on a highlight.
                page.locator(".seg").nth(2).locator(".target-text").click()
                page.locator(".seg").nth(2).locator("textarea").wait_for()
                page.locator(".seg").nth(2).scroll_into_view_if_needed()
                page.screenshot(path=str(screenshot_dir / f"review-editor-{suffix}.png"))
                page.keyboard.press("Escape")
                page.locator(".seg").nth(3).locator(".seg-source mark.ent").first.click()
                page.locator("#tagger").wait_for()
                page.screenshot(path=str(screenshot_dir / f"review-tagging-{suffix}.png"))
                if viewport is PHONE and overflow(page) > 0:
                    problems["review, tagging popup"] = overflow(page)
            if name == "login":
                log_in(page, live_server, "chief")
                page.wait_for_url("**/articles/")
        page.context.close()
    assert problems == {}, f"pages wider than the phone (extra pixels): {problems}"


def test_persian_titles_and_tag_chips_hold_together_on_a_phone(browser, live_server, desk):
    page = new_page(browser, PHONE)
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/articles/")
    title = page.locator("table.articles .title").first
    lines = title.evaluate(
        "el => Math.round(el.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(el).lineHeight))"
    )
    words = len(title.inner_text().split())
    assert lines <= max(2, words // 3), f"{words} words on {lines} lines"
    chip = page.locator(".tag").first
    assert chip.evaluate("el => el.getClientRects().length") == 1
    page.context.close()


def test_persian_is_set_in_vazirmatn_served_by_the_app(page, live_server, desk):
    fonts = []
    page.on("response", lambda r: fonts.append((r.url, r.status)) if ".woff2" in r.url else None)
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/articles/{desk['article'].pk}/")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'ایران')")
    assert any("/static/vazirmatn/" in url and status == 200 for url, status in fonts)
    family = page.locator(".seg-source").first.evaluate("el => getComputedStyle(el).fontFamily")
    assert family.startswith('"Vazirmatn"') or family.startswith("Vazirmatn")


def test_suggestion_underlines_sit_under_the_words(page, live_server, desk):
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/articles/{desk['article'].pk}/")
    mark = page.locator(".seg-source mark.o-suggested").first
    style = mark.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return [s.textDecorationLine, s.borderBottomStyle]; }"
    )
    assert style == ["underline", "none"]


def test_inputs_that_take_either_script_follow_their_text(page, live_server, desk):
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/articles/")
    assert page.locator('input[name="q"]').get_attribute("dir") == "auto"
    page.goto(f"{live_server.url}/entities/")
    assert page.locator('input[name="q"]').get_attribute("dir") == "auto"
    page.goto(f"{live_server.url}/articles/{desk['article'].pk}/")
    assert page.locator("#tagger-search").get_attribute("dir") == "auto"
    page.locator(".seg").nth(1).locator(".target-text").click()
    assert page.locator(".seg").nth(1).locator("textarea").get_attribute("dir") == "auto"


def serious_violations(page) -> list[str]:
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ["violations"]});
          return result.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(" ")).join(", ")})`);
        }"""
    )
    return found


def test_axe_finds_nothing_serious(browser, live_server, desk):
    assert AXE.exists(), "node_modules/axe-core is missing: run ./scripts/test (npm install)"
    page = new_page(browser, DESKTOP)
    # Injected before the page's own scripts, outside the page's Content-Security-Policy.
    page.add_init_script(path=str(AXE))
    report = {}
    page.goto(f"{live_server.url}/accounts/login/")
    report["login"] = serious_violations(page)
    log_in(page, live_server, "chief")
    page.wait_for_url("**/articles/")
    report["list"] = serious_violations(page)
    page.goto(f"{live_server.url}/entities/")
    report["entities"] = serious_violations(page)
    page.goto(f"{live_server.url}/accounts/profile/")
    report["profile"] = serious_violations(page)
    page.goto(f"{live_server.url}/articles/{desk['article'].pk}/")
    report["review"] = serious_violations(page)
    page.locator(".seg").nth(1).locator(".target-text").click()
    page.locator(".seg").nth(1).locator("textarea").wait_for()
    report["review, editor open"] = serious_violations(page)
    page.keyboard.press("Escape")
    page.locator(".seg").nth(2).locator(".seg-source mark.ent").first.click()
    page.locator("#tagger").wait_for()
    report["review, tagging popup"] = serious_violations(page)
    page.context.close()
    assert {name: found for name, found in report.items() if found} == {}


def test_focus_is_visible_on_the_review_page(page, live_server, desk):
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/articles/{desk['article'].pk}/")
    page.locator(".seg").nth(1).locator(".target-text").focus()
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2
