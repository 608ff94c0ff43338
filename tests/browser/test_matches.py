"""The review page shows fuzzy matches for the open row, Ctrl+M uses one, and a saved correction
is offered to the other rows with the same Persian that are still machine output."""

import pytest

from articles.models import RevisionOrigin, Segment, SegmentStatus
from tests.browser.test_admin_import import log_in
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEETING = "وزیر امور خارجه ایران روز دوشنبه با همتای روسی خود در مسکو دیدار و گفت‌وگو کرد."
# Already translated elsewhere: another country and city, the rest the same.
MEETING_CHINA = "وزیر امور خارجه ایران روز دوشنبه با همتای چینی خود در پکن دیدار و گفت‌وگو کرد."
CHINA_ENGLISH = "Iran's foreign minister met his Chinese counterpart in Beijing on Monday."
MACHINE_ENGLISH = "Minister of foreign affairs Iran day Monday with counterpart Russian met."


def _machine(source: str) -> Segment:
    return SegmentFactory(
        article=ArticleFactory(),
        position=0,
        source_text=source,
        mt_text=MACHINE_ENGLISH,
        target_text=MACHINE_ENGLISH,
        status=SegmentStatus.MACHINE,
    )


def test_a_match_is_shown_inserted_with_ctrl_m_saved_and_offered_to_the_same_source(
    page, live_server
):
    SegmentFactory(
        article=ArticleFactory(),
        position=0,
        source_text=MEETING_CHINA,
        target_text=CHINA_ENGLISH,
        status=SegmentStatus.APPROVED,
    )
    row = _machine(MEETING)
    twin = _machine(MEETING.replace("\u200c", " "))  # the same Persian, spelled with a space
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{row.article_id}/")
    assert (
        "Ctrl" in page.locator(".keys").inner_text()
        and "match" in page.locator(".keys").inner_text()
    )

    page.locator(".seg .target-text").click()
    match = page.locator(".seg .matches .match")
    match.wait_for()
    assert match.count() == 1
    percent = int(match.locator(".match-percent").inner_text().rstrip("%"))
    assert 50 <= percent < 100
    assert match.locator(".match-target").inner_text() == CHINA_ENGLISH
    marked = match.locator("mark.match-diff").all_inner_texts()
    assert [text.strip() for text in marked] == ["چینی", "پکن"]

    page.keyboard.press("Control+m")
    assert page.locator(".seg textarea").input_value() == CHINA_ENGLISH
    page.locator(".seg textarea").press("End")
    page.keyboard.press("Backspace")
    page.keyboard.type("!")
    page.keyboard.press("Control+Enter")

    offer = page.locator(".seg .propagation button.propagate")
    offer.wait_for()
    corrected = CHINA_ENGLISH[:-1] + "!"
    assert page.locator(".seg .target-text").inner_text() == corrected
    assert offer.inner_text() == "Apply to 1 other segment"
    offer.click()
    page.locator(".seg .propagation", has_text="Applied to 1 other segment").wait_for()

    saved = Segment.objects.get(pk=row.pk)
    assert (saved.target_text, saved.status) == (corrected, SegmentStatus.EDITED)
    twin.refresh_from_db()
    assert (twin.target_text, twin.status) == (corrected, SegmentStatus.MACHINE)
    assert twin.revisions.get(version=twin.version).origin == RevisionOrigin.TM
