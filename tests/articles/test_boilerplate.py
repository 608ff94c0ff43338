from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from articles.text.boilerplate import (
    Block,
    clean_html,
    clean_plain_text,
    is_chrome_line,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEHRAN = ZoneInfo("Asia/Tehran")


def kinds(blocks: tuple[Block, ...]) -> list[str]:
    return [block.kind for block in blocks]


@pytest.fixture
def seed() -> str:
    return (
        Path(__file__).resolve().parents[2] / "articles" / "demo" / "seed_article.txt"
    ).read_text(encoding="utf-8")


@pytest.fixture
def page() -> str:
    return (FIXTURES / "article.html").read_text(encoding="utf-8")


def test_seed_title_date_and_blocks(seed: str) -> None:
    doc = clean_plain_text(seed)

    assert doc.title == "روحانی: ائتلافی بین ایران و روسیه برای مبارزه با داعش وجود ندارد"
    assert doc.scraped_at == datetime(2024, 3, 29, 3, 6, tzinfo=TEHRAN)
    assert doc.blocks[0] == Block("caption", "حسن روحانی، رییس جمهوری ایران")
    assert kinds(doc.blocks) == ["caption"] + ["paragraph"] * 11 + ["heading"] + ["paragraph"] * 3
    assert doc.blocks[12] == Block("heading", "رابطه ایران و آمریکا")


def test_seed_page_chrome_is_gone(seed: str) -> None:
    doc = clean_plain_text(seed)
    text = "\n".join([doc.title, *(block.text for block in doc.blocks)])

    for chrome in ("قابلیت دسترسی", "خبر فوری", "۱۴۰۳", "XS", "SM", "MD", "LG"):
        assert chrome not in text


def test_clean_title_blank_line_body_form() -> None:
    raw = (
        "قیمت نان در تهران افزایش یافت\n\n"
        "نانوایی‌ها از امروز نرخ تازه را اعمال می‌کنند.\n\n"
        "این افزایش ده درصد است."
    )
    doc = clean_plain_text(raw)

    assert doc.title == "قیمت نان در تهران افزایش یافت"
    assert doc.scraped_at is None
    assert kinds(doc.blocks) == ["paragraph", "paragraph"]


@pytest.mark.parametrize(
    "line",
    [
        "لینکهای قابلیت دسترسی",
        "لینک‌های قابلیت دسترسی",
        "لينكهاي قابليت دسترسي",
        "خبر فوری",
        "اشتراک گذاری",
        "اشتراک‌گذاری: فیسبوک | توییتر | تلگرام | واتساپ",
        "چاپ",
        "نسخه چاپی",
        "ارسال به دوستان",
        "کپی لینک",
        "Facebook Twitter Telegram WhatsApp",
        "برچسب‌ها: ایران، روسیه، سوریه",
        "برچسب ها",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "نسخه چاپی این کتاب سال گذشته منتشر شد.",
        "کاربران تلگرام در ایران با فیلترشکن به این پیام‌رسان وصل می‌شوند.",
        "خبر فوری وزیر درباره قیمت بنزین شایعه بود.",
        "اشتراک‌گذاری داده‌ها میان دو وزارتخانه آغاز شد.",
        "برچسب قیمت کالاها باید روشن باشد.",
    ],
)
def test_real_sentences_with_chrome_words_are_kept(line: str) -> None:
    assert not is_chrome_line(line)
    doc = clean_plain_text(f"عنوان خبر\n\n{line}")
    assert doc.blocks == (Block("paragraph", line),)


def test_font_size_widget_is_removed_anywhere() -> None:
    raw = "عنوان خبر\nXS\nSM\nMD\nLG\nبند نخست خبر است.\nبند دوم خبر است.\nXS SM MD LG"
    doc = clean_plain_text(raw)

    assert [block.text for block in doc.blocks] == ["بند نخست خبر است.", "بند دوم خبر است."]


def test_a_lone_latin_token_is_not_the_widget() -> None:
    doc = clean_plain_text("عنوان خبر\n\nسامسونگ گوشی تازه‌ای با نام XS معرفی کرد.\n\nXL")
    assert [block.text for block in doc.blocks][-1] == "XL"


def test_repeated_line_is_one_caption_even_across_blank_lines() -> None:
    caption = "نمایی از بازار بزرگ تبریز"
    raw = f"عنوان خبر\n\n{caption}\n\n{caption}\n\nبازار امروز شلوغ بود."
    doc = clean_plain_text(raw)

    assert doc.blocks == (
        Block("caption", "نمایی از بازار بزرگ تبریز"),
        Block("paragraph", "بازار امروز شلوغ بود."),
    )


def test_repeated_long_paragraph_is_kept_once_as_a_paragraph() -> None:
    sentence = " ".join(["این جمله‌ای بلند است که تکرار شده"] * 6) + "."
    doc = clean_plain_text(f"عنوان خبر\n{sentence}\n{sentence}\nپایان خبر.")
    assert doc.blocks == (Block("paragraph", sentence), Block("paragraph", "پایان خبر."))


def test_title_repeated_under_itself_is_dropped() -> None:
    doc = clean_plain_text("سیل در گیلان\nسیل در گیلان\nباران سه روز ادامه داشت.")
    assert doc.title == "سیل در گیلان"
    assert doc.blocks == (Block("paragraph", "باران سه روز ادامه داشت."),)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("واکنش بازار", "heading"),
        ("او گفت:", "paragraph"),  # introduces a quotation
        ("چه کسی مسئول است؟", "paragraph"),
        ("شهرداری، استانداری", "heading"),
        ("با این حال،", "paragraph"),
        ("«فاکس نیوز»", "paragraph"),
        (" ".join(["کلمه"] * 13), "paragraph"),
    ],
)
def test_heading_is_a_short_unpunctuated_line_between_paragraphs(line: str, kind: str) -> None:
    doc = clean_plain_text(f"عنوان خبر\n\nبند نخست.\n\n{line}\n\nبند دوم.")
    assert doc.blocks[1] == Block(kind, line)


def test_short_last_line_is_not_a_heading() -> None:
    doc = clean_plain_text("عنوان خبر\n\nبند نخست.\n\nگزارش از مریم احمدی")
    assert doc.blocks[-1].kind == "paragraph"


def test_rules_match_with_arabic_letters_and_extra_spaces() -> None:
    raw = "\ufeffلينك‌هاي   قابليت دسترسي\n  خبر   فوری \nعنوان خبر\nمتن خبر است."
    doc = clean_plain_text(raw)
    assert doc.title == "عنوان خبر"
    assert doc.blocks == (Block("paragraph", "متن خبر است."),)


def test_given_title_makes_every_line_body() -> None:
    doc = clean_plain_text("سیل در گیلان\nباران سه روز ادامه داشت.", title="سیل در گیلان")
    assert doc.title == "سیل در گیلان"
    assert doc.blocks == (Block("paragraph", "باران سه روز ادامه داشت."),)


def test_html_fixture_main_content(page: str) -> None:
    doc = clean_html(page)

    assert doc.title == "خط دوم قطار شهری اصفهان به ایستگاه پایانی رسید"
    assert doc.published_at == datetime(2024, 4, 2, 10, 15, tzinfo=TEHRAN)
    assert Block("heading", "هزینه و زمان‌بندی") in doc.blocks
    # The lead picture's caption, then the first paragraph.
    assert doc.blocks[0] == Block("caption", "واگن‌های تازه خط دوم در ایستگاه مرکزی")
    assert doc.blocks[1].text.startswith("مدیرعامل قطار شهری اصفهان")
    assert doc.blocks[-1].text.endswith("ممکن است».")
    assert doc.title not in [block.text for block in doc.blocks]


def test_html_fixture_has_no_code_or_page_chrome(page: str) -> None:
    doc = clean_html(page)
    text = "\n".join([doc.title, *(block.text for block in doc.blocks)])

    for unwanted in (
        "اسکریپت",  # <script> bodies
        "استایل",  # <style>
        "بارگذاری صفحه",  # onload=
        "بند سوم",  # onclick=
        "خطای تصویر",  # onerror=
        "جاوااسکریپت",  # <noscript>
        "صفحه اصلی",  # nav
        "پربازدیدترین",  # aside
        "حقوق این سایت",  # footer
        "نسخه چاپی",  # share bar
        "alert",
        "function",
    ):
        assert unwanted not in text


def test_tiny_html_page_falls_back_to_safe_extraction() -> None:
    raw = (
        "<html><head><title>خبر کوتاه</title><script>var x = 'کد مخفی';</script></head>"
        "<body onload=\"run('کد رویداد')\"><h1>خبر کوتاه</h1>"
        "<p>یک جمله<br>و خط دوم.</p><!-- یادداشت پنهان --><style>p{}</style></body></html>"
    )
    doc = clean_html(raw)

    assert doc.title == "خبر کوتاه"
    assert doc.blocks == (Block("paragraph", "یک جمله\nو خط دوم."),)


def test_jalali_time_element_gives_published_at() -> None:
    raw = (
        "<html><body><article><h1>عنوان</h1>"
        "<time>سه‌شنبه ۱۴ فروردین ۱۴۰۳ - ۱۰:۱۵</time><p>متن کوتاه خبر.</p></article></body></html>"
    )
    assert clean_html(raw).published_at == datetime(2024, 4, 2, 10, 15, tzinfo=TEHRAN)


@pytest.mark.parametrize("raw", ["", "   ", "<html></html>"])
def test_empty_html(raw: str) -> None:
    doc = clean_html(raw)
    assert doc.blocks == ()


def test_page_with_text_only_in_divs_and_an_xml_declaration() -> None:
    raw = (
        '<?xml version="1.0" encoding="utf-8"?>'
        "<html><head><title>عنوان صفحه</title></head><body>"
        "<div>خط اول خبر.</div><div>خط دوم <b>خبر</b>.<script>run('کد')</script></div>"
        "</body></html>"
    )
    doc = clean_html(raw)

    assert doc.title == "عنوان صفحه"
    assert doc.blocks == (Block("paragraph", "خط اول خبر."), Block("paragraph", "خط دوم خبر."))


WRAPPED = (
    "عنوان خبر\n\n"
    "شورای شهر در نشست امروز خود طرح تازه‌ای را برای گسترش خطوط\n"
    "اتوبوس‌رانی بررسی کرد و قرار شد کارشناسان تا پایان ماه آینده\n"
    "گزارش کاملی از هزینه‌ها و زمان‌بندی اجرای آن ارائه کنند.\n"
    "\n"
    "واکنش شهروندان\n"
    "\n"
    "بسیاری از شهروندان از این تصمیم استقبال کردند و گفتند که\n"
    "ایستگاه‌ها باید به محله‌های دورتر هم برسند. یکی از آنان گفت\n"
    "که هر روز یک ساعت در راه است.\n"
)


def test_hard_wrapped_paragraphs_are_joined_back() -> None:
    doc = clean_plain_text(WRAPPED)

    assert [block.kind for block in doc.blocks] == ["paragraph", "heading", "paragraph"]
    assert doc.blocks[0].text == (
        "شورای شهر در نشست امروز خود طرح تازه‌ای را برای گسترش خطوط اتوبوس‌رانی بررسی کرد و "
        "قرار شد کارشناسان تا پایان ماه آینده گزارش کاملی از هزینه‌ها و زمان‌بندی اجرای آن "
        "ارائه کنند."
    )
    assert doc.blocks[2].text.endswith("یکی از آنان گفت که هر روز یک ساعت در راه است.")


def test_short_lines_and_a_doubled_caption_are_not_joined() -> None:
    raw = (
        "عنوان خبر\n"
        "نمایی از بازار بزرگ تبریز در روزهای پایانی سال\n"
        "نمایی از بازار بزرگ تبریز در روزهای پایانی سال\n"
        "بازار امروز شلوغ بود.\n"
        "فهرست کالاها\n"
        "فرش و صنایع دستی"
    )
    doc = clean_plain_text(raw)

    assert doc.title == "عنوان خبر"
    assert doc.blocks == (
        Block("caption", "نمایی از بازار بزرگ تبریز در روزهای پایانی سال"),
        Block("paragraph", "بازار امروز شلوغ بود."),
        Block("heading", "فهرست کالاها"),
        Block("paragraph", "فرش و صنایع دستی"),
    )


def test_lines_ending_their_sentences_stay_apart() -> None:
    first = "خبرگزاری‌ها گزارش دادند که جلسه شورای شهر امروز برگزار شد."
    second = "در این جلسه درباره بودجه سال آینده شهر گفت‌وگو شد و رای گرفته شد."
    doc = clean_plain_text(f"عنوان خبر\n{first}\n{second}")
    assert doc.blocks == (Block("paragraph", first), Block("paragraph", second))


FIGURE_PAGE = """<html><head><title>صفحه</title></head><body>
<nav><figure><img src="logo.png"><figcaption>نشان سایت</figcaption></figure></nav>
<main><article>
<h1>بازگشایی پل تاریخی شهر</h1>
<p>پل تاریخی شهر پس از دو سال مرمت امروز به روی مردم باز شد و صدها نفر برای دیدن آن آمدند.</p>
<figure><img src="bridge.jpg"><figcaption>پل تاریخی پس از مرمت</figcaption></figure>
<p>به گفته مدیر میراث فرهنگی استان، هزینه مرمت از محل اعتبارهای ملی پرداخت شده است.</p>
<p>کارشناسان می‌گویند این پل یکی از کهن‌ترین پل‌های سنگی منطقه است و باید نگهداری شود.</p>
</article></main></body></html>"""


def test_figcaption_becomes_a_caption_in_place() -> None:
    doc = clean_html(FIGURE_PAGE)
    kinds = [(block.kind, block.text[:12]) for block in doc.blocks]

    assert Block("caption", "پل تاریخی پس از مرمت") in doc.blocks
    index = doc.blocks.index(Block("caption", "پل تاریخی پس از مرمت"))
    assert doc.blocks[index - 1].text.startswith("پل تاریخی شهر پس از دو سال"), kinds
    assert doc.blocks[index + 1].text.startswith("به گفته مدیر میراث"), kinds
    assert "نشان سایت" not in [block.text for block in doc.blocks]
