"""Tagging entities on both sides of the review page in a real browser."""

import pytest
from django.core.management import call_command

from annotations.models import Mention, MentionOrigin
from articles.models import Article, Segment
from articles.mt.translate import apply_translation
from tests.browser.test_admin_import import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SELECT = """([pane, word, nth]) => {
  const text = pane.textContent;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(word, at + 1);
  const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let node, seen = 0, started = false;
  while ((node = walker.nextNode())) {
    const length = node.textContent.length;
    if (!started && at < seen + length) { range.setStart(node, at - seen); started = true; }
    if (started && at + word.length <= seen + length) {
      range.setEnd(node, at + word.length - seen); break;
    }
    seen += length;
  }
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  pane.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
}"""


def select(page, pane, word, nth=0):
    page.evaluate(SELECT, [pane.element_handle(), word, nth])


def pick(page, query, name):
    page.locator("#tagger-search").fill(query)
    option = page.locator("#tagger-results [role=option]", has_text=name).first
    option.wait_for()
    page.keyboard.press("Enter")
    try:
        page.locator("#tagger").wait_for(state="hidden", timeout=5000)
    except Exception:
        raise AssertionError(page.locator(".tagger-error").inner_text()) from None


@pytest.fixture
def article(mt_model, seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    apply_translation(article_id=article.pk)
    return article


def test_tag_isis_on_both_sides_then_reload(page, live_server, article, screenshot_dir):
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    title = page.locator(".seg").first

    # Persian: the title's «داعش».
    select(page, title.locator(".seg-source"), "داعش")
    assert page.locator(".tagger-text").inner_text() == "داعش"
    pick(page, "ISIS", "ISIS")

    # English: correct the title, then tag "ISIS" in it.
    title.locator(".target-text").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Rouhani: no coalition between Iran and Russia to fight ISIS")
    page.keyboard.press("Control+Enter")
    page.keyboard.press("Escape")
    title = page.locator(".seg").first
    title.locator(".target-text").filter(has_text="fight ISIS").wait_for()
    select(page, title.locator(".target-text"), "ISIS")
    pick(page, "ISIS", "ISIS")

    page.reload()
    title = page.locator(".seg").first
    source_mark = title.locator(".seg-source mark.ent", has_text="داعش")
    target_mark = title.locator(".target-text mark.ent", has_text="ISIS")
    assert source_mark.count() == 1 and "o-accepted" in source_mark.get_attribute("class")
    assert target_mark.count() == 1 and "t-ORG" in target_mark.get_attribute("class")
    isis_row = page.locator(".entity-sidebar tr", has_text="ISIS")
    page.locator(".entity-sidebar summary").click()  # many entities: the list starts folded
    assert int(isis_row.locator(".count-source").inner_text()) >= 1
    assert int(isis_row.locator(".count-target").inner_text()) >= 1
    page.screenshot(path=str(screenshot_dir / "review-entities.png"))

    segment = Segment.objects.get(article=article, position=0)
    for mention in Mention.objects.filter(segment=segment, entity__name_en="ISIS"):
        text = segment.source_text if mention.side == "source" else segment.target_text
        assert text[mention.start : mention.end] == mention.text
    assert Mention.objects.get(segment=segment, side="target").origin == MentionOrigin.MANUAL


def test_a_selection_after_an_emoji_lands_on_the_right_code_points(page, live_server, article):
    segment = Segment.objects.get(article=article, position=1)
    Segment.objects.filter(pk=segment.pk).update(target_text="😀 Hassan Rouhani, 𝔘 of Iran")
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{article.pk}/")

    row = page.locator(f'[data-segment-id="{segment.pk}"]')
    select(page, row.locator(".target-text"), "Iran")
    pick(page, "Iran", "Iran")

    mention = Mention.objects.get(segment=segment, side="target", entity__name_en="Iran")
    start = "😀 Hassan Rouhani, 𝔘 of Iran".index("Iran")  # Python counts code points
    assert (mention.start, mention.end, mention.text) == (start, start + 4, "Iran")


def test_click_a_suggestion_to_remove_it(page, live_server, article):
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    suggestion = page.locator(".seg").nth(2).locator(".seg-source mark.o-suggested").first
    mention_id = suggestion.get_attribute("data-mention-id")

    suggestion.click()
    page.locator("#tagger [data-action=remove]").click()
    page.locator("#tagger").wait_for(state="hidden")

    assert not Mention.objects.filter(pk=mention_id).exists()
    assert page.locator(f'mark[data-mention-id="{mention_id}"]').count() == 0


def test_clicking_a_highlight_shows_only_the_actions_that_apply(page, live_server, article):
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.locator(".seg").nth(2).locator(".seg-source mark.o-suggested").first.click()

    tagger = page.locator("#tagger")
    tagger.wait_for()
    for action in ("Accept", "Accept all of this entity", "Remove"):
        assert tagger.get_by_role("button", name=action, exact=True).is_visible()
    # What applies to a new selection only stays hidden (a display rule used to show them).
    assert tagger.get_by_role("button", name="Create and tag").is_hidden()
    assert tagger.locator(".tagger-all").is_hidden()
    assert tagger.locator(".tagger-new").evaluate("el => getComputedStyle(el).display") == "none"


def word_box(pane, word):
    """Where the word is on screen, the pane scrolled to the middle of the window first, as a
    reader would (a drag near the window's edge scrolls the page and stretches the selection)."""
    pane.evaluate("pane => pane.scrollIntoView({block: 'center'})")
    return pane.evaluate(
        """(pane, word) => {
          const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.textContent.indexOf(word);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            const r = range.getBoundingClientRect();
            return {left: r.left, right: r.right, y: r.top + r.height / 2};
          }
          return null;
        }""",
        word,
    )


def drag_select(page, pane, word):
    """Select a word with the real mouse: press before it, release after it."""
    box = word_box(pane, word)
    page.mouse.move(box["left"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move(box["right"] - 1, box["y"], steps=5)
    page.mouse.up()


def test_selecting_english_then_enter_tags_without_touching_the_translation(
    page, live_server, article
):
    segment = Segment.objects.get(article=article, position=1)
    Segment.objects.filter(pk=segment.pk).update(target_text="Hassan Rouhani, President of Iran")
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    row = page.locator(f'[data-segment-id="{segment.pk}"]')

    drag_select(page, row.locator(".target-text"), "Iran")
    page.locator("#tagger").wait_for()
    page.wait_for_timeout(500)  # longer than a click takes to become "edit"
    assert row.locator("form.editor").count() == 0 or row.locator("form.editor").is_hidden()
    assert page.evaluate("document.activeElement.id") == "tagger-search"
    page.locator("#tagger-results [role=option]", has_text="Iran").first.wait_for()
    page.keyboard.press("Enter")
    page.locator("#tagger").wait_for(state="hidden")

    segment.refresh_from_db()
    assert segment.target_text == "Hassan Rouhani, President of Iran"
    assert Mention.objects.filter(segment=segment, side="target", text="Iran").exists()
    assert row.locator("textarea").count() == 0 or row.locator("textarea").is_hidden()


def test_double_click_selects_a_word_and_opens_the_popup_on_both_sides(page, live_server, article):
    segment = Segment.objects.get(article=article, position=1)
    Segment.objects.filter(pk=segment.pk).update(target_text="Hassan Rouhani, President of Iran")
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    row = page.locator(f'[data-segment-id="{segment.pk}"]')

    for pane, word in (
        (row.locator(".target-text"), "President"),
        (row.locator(".seg-source"), "روحانی"),
    ):
        box = word_box(pane, word)
        page.mouse.dblclick((box["left"] + box["right"]) / 2, box["y"])
        page.locator("#tagger").wait_for()
        page.wait_for_timeout(500)  # longer than a click takes to become "edit"
        assert page.locator(".tagger-text").inner_text().strip() == word
        assert row.locator("textarea").count() == 0 or row.locator("textarea").is_hidden()
        page.keyboard.press("Escape")
        page.locator("#tagger").wait_for(state="hidden")
