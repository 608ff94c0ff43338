"""Flattening HTML in a record's fields: code goes, text stays, and what went is named."""

import time

import pytest

from articles.text.markup import fragment_to_text


def test_lines_are_kept_and_code_is_dropped() -> None:
    fragment = (
        "<div>یک<p>دو</p>سه<br>چهار<ul><li>پنج</li></ul></div><style>x{}</style><script>شش</script>"
    )
    assert fragment_to_text(fragment).text == "یک\nدو\nسه\nچهار\nپنج"


def test_an_unclosed_svg_does_not_swallow_the_text_after_it() -> None:
    flat = fragment_to_text("<b>مهم</b> متن اول <svg/onload=x> متن دوم")
    assert flat.text == "مهم متن اول متن دوم"


@pytest.mark.parametrize(
    "value", ["a<b and c>d", "x < y and y > z", "if a<b or c>d then", "1 <3 دوست"]
)
def test_plain_text_with_a_less_than_sign_is_text(value: str) -> None:
    assert fragment_to_text(value).text == value


def test_plain_text_keeps_its_lines_and_decodes_references() -> None:
    assert fragment_to_text("سطر یک\nسطر &laquo;دو&raquo;").text == "سطر یک\nسطر «دو»"


@pytest.mark.parametrize(
    "element", ["textarea", "title", "xmp", "plaintext", "script", "style", "noscript", "iframe"]
)
def test_an_unclosed_raw_text_element_does_not_swallow_what_follows(element: str) -> None:
    flat = fragment_to_text(f"<p>بند اول.</p> <{element}> ادامه متن")

    assert flat.text == "بند اول.\nادامه متن"
    assert "</body>" not in flat.text and "</html>" not in flat.text


@pytest.mark.parametrize(
    ("fragment", "note"),
    [
        ("<p>متن.</p><script>var a = 1; var b = 2;</script>", "6 words inside <script>"),
        ("<p>متن.</p><style>p { color: red }</style>", "3 words inside <style>"),
        ("<p>متن.</p><svg><text>نوشته پنهان</text></svg>", "2 words inside <svg>"),
        ("<p>متن.</p><!-- یادداشت سردبیر -->", "2 words inside a comment"),
        ("<p>متن.</p><noscript>جاوااسکریپت</noscript>", "1 word inside <noscript>"),
    ],
)
def test_words_removed_with_code_are_named(fragment: str, note: str) -> None:
    flat = fragment_to_text(fragment)

    assert flat.text == "متن."
    assert flat.notes == (f"markup removed: {note}",)


def test_nothing_removed_means_no_note() -> None:
    assert fragment_to_text("<p>متن <b>پررنگ</b></p><img src=x onerror=alert(1)>").notes == ()


def test_attributes_never_become_text() -> None:
    flat = fragment_to_text("<p onclick=\"steal('رویداد')\" class=x>بند</p><a href=/a/b>پیوند</a>")
    assert flat.text == "بند\nپیوند"


@pytest.mark.parametrize(
    "hostile",
    [
        "<a x='" + "<b " * 100_000,
        "<!--" * 100_000 + "<p>",
        "<script>" * 100_000,
        "<a " + "/ " * 100_000,
        "<svg>" * 100_000 + "متن",
        "<a x=a/" + "a/" * 100_000,
    ],
)
def test_hostile_markup_is_flattened_in_linear_time(hostile: str) -> None:
    # CPU time of this process, not wall time: a busy machine does not slow it much. Linear work
    # on these 100,000 repeats takes about a second; a quadratic path would take hours.
    started = time.process_time()
    fragment_to_text(hostile)
    assert time.process_time() - started < 20
