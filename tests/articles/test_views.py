"""The review and list pages: constant SQL, escaping, roles, partials."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import ArticleStatus, Revision, RevisionOrigin, SegmentKind, SegmentStatus
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _article(segments: int, revisions: int):
    article = ArticleFactory(status=ArticleStatus.IN_REVIEW)
    editor = UserFactory()
    for position in range(segments):
        segment = SegmentFactory(
            article=article,
            position=position,
            kind=SegmentKind.TITLE if position == 0 else SegmentKind.BODY,
            source_text=f"جمله شماره {position}",
            mt_text=f"Sentence {position}",
            target_text=f"Sentence number {position}",
            mt_model="translate-fa_en@1.0",
            status=SegmentStatus.EDITED,
            version=revisions + 1,
            updated_by=editor,
        )
        Revision.objects.bulk_create(
            Revision(segment=segment, text=f"v{n}", origin=RevisionOrigin.HUMAN, version=n + 2)
            for n in range(revisions)
        )
    return article


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_review_page_runs_the_same_queries_for_10_or_120_segments():
    client = Client()
    client.force_login(UserFactory(groups=["editor"]))
    small, large = _article(10, 1), _article(120, 5)

    assert _queries(client, f"/articles/{small.pk}/") == _queries(client, f"/articles/{large.pk}/")


def test_the_list_runs_the_same_queries_for_few_or_many_articles():
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    _article(2, 0)
    few = _queries(client, "/articles/")
    for _ in range(20):
        _article(2, 0)

    assert _queries(client, "/articles/") == few


def test_markup_in_text_is_shown_as_text():
    article = ArticleFactory(title="<img src=x onerror=alert(1)>")
    SegmentFactory(article=article, source_text="<script>alert(1)</script>", target_text="<b>x</b>")
    client = Client()
    client.force_login(UserFactory(groups=["editor"]))

    for url in (f"/articles/{article.pk}/", "/articles/"):
        page = client.get(url).content.decode()
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    review = client.get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert(1)" not in review and "<b>x</b>" not in review


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"]
)
def test_an_address_that_is_not_http_is_never_a_link(url):
    # Articles stored before imports refused such addresses still reach the pages.
    article = ArticleFactory(url=url)
    client = Client()
    client.force_login(UserFactory(groups=["editor"]))

    page = client.get(f"/articles/{article.pk}/").content.decode().lower()

    assert 'href="javascript:' not in page and 'href=" javascript:' not in page
    assert 'href="data:' not in page and 'href="vbscript:' not in page
    assert article.safe_url == ""


def test_a_web_address_is_a_link():
    article = ArticleFactory(url="https://www.hamshahrionline.ir/news/1")
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))

    page = client.get(f"/articles/{article.pk}/").content.decode()

    assert 'href="https://www.hamshahrionline.ir/news/1"' in page


def test_the_list_filters_by_status_and_tag_and_sorts():
    from articles.models import Tag

    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    approved = ArticleFactory(title="الف", status=ArticleStatus.APPROVED)
    other = ArticleFactory(title="ب", status=ArticleStatus.NEW)
    approved.tags.add(Tag.objects.create(name="سیاسی"))

    by_status = client.get("/articles/?status=approved").content.decode()
    by_tag = client.get("/articles/?tag=سیاسی").content.decode()
    by_title = client.get("/articles/?sort=title").content.decode()

    assert f'data-article-id="{approved.pk}"' in by_status
    assert f'data-article-id="{other.pk}"' not in by_status
    assert f'data-article-id="{approved.pk}"' in by_tag
    assert f'data-article-id="{other.pk}"' not in by_tag
    assert by_title.index("الف") < by_title.index("ب</a>")


def test_a_translating_article_polls_for_progress_and_refreshes_when_done(mt_model):
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    SegmentFactory(article=article)
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))

    page = client.get(f"/articles/{article.pk}/").content.decode()
    polling = client.get(f"/articles/{article.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in page
    assert "0 of 1 segments" in polling.content.decode()

    article.status = ArticleStatus.TRANSLATED
    article.save()
    done = client.get(f"/articles/{article.pk}/progress/", HTTP_HX_REQUEST="true")
    # The page brings its rows and header up to date itself: no reload, nothing typed lost.
    assert done["HX-Trigger"] == "article-translated"
    assert "Machine translation finished" in done.content.decode()
    assert "every 2s" not in done.content.decode()


def test_the_list_polls_only_while_something_translates():
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    ArticleFactory(status=ArticleStatus.TRANSLATED)
    assert 'hx-trigger="every 3s"' not in client.get("/articles/").content.decode()

    ArticleFactory(status=ArticleStatus.TRANSLATING)
    assert 'hx-trigger="every 3s"' in client.get("/articles/").content.decode()
    table = client.get("/articles/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="article-table")
    assert table.content.decode().lstrip().startswith('<div id="article-table"')


def test_history_lists_revisions_newest_first_with_restore_for_editors():
    segment = SegmentFactory(target_text="now", version=3)
    Revision.objects.create(segment=segment, text="before", origin=RevisionOrigin.MT, version=2)
    Revision.objects.create(segment=segment, text="now", origin=RevisionOrigin.HUMAN, version=3)
    editor, viewer = Client(), Client()
    editor.force_login(UserFactory(groups=["editor"]))
    viewer.force_login(UserFactory(groups=["viewer"]))

    page = editor.get(f"/segments/{segment.pk}/history/").content.decode()

    assert page.index("v3") < page.index("v2")
    assert page.count("Restore this") == 1 and "&quot;before&quot;" in page
    assert "Restore this" not in viewer.get(f"/segments/{segment.pk}/history/").content.decode()


def _editor_client() -> Client:
    client = Client()
    client.force_login(UserFactory(groups=["editor"]))
    return client


def test_statuses_read_as_words_on_the_pages():
    article = _article(segments=2, revisions=0)
    client = _editor_client()

    listing = client.get("/articles/").content.decode()
    review = client.get(f"/articles/{article.pk}/").content.decode()
    summary = client.get(f"/articles/{article.pk}/summary/").content.decode()

    for html in (listing, review, summary):
        assert ">in review</span>" in html and ">in_review<" not in html
    assert "2 segments · 2 edited · 0 approved" in summary


def test_rows_partial_sends_the_rows_asked_for():
    article = _article(segments=3, revisions=0)
    ids = list(article.segments.order_by("position").values_list("pk", flat=True))
    client = _editor_client()

    some = client.get(f"/articles/{article.pk}/rows/", {"ids": f"{ids[2]},x,{10**30}"})
    every = client.get(f"/articles/{article.pk}/rows/")

    assert some.content.decode().count('class="seg ') == 1
    assert f'data-segment-id="{ids[2]}"' in some.content.decode()
    assert every.content.decode().count('class="seg ') == 3


def test_the_list_filters_by_import_batch_and_links_to_the_import_form(staff_user):
    from articles.models import ImportBatch

    batch = ImportBatch.objects.create(filename="a.jsonl")
    mine = ArticleFactory(import_batch=batch)
    ArticleFactory()
    client = Client()
    client.force_login(staff_user)

    page = client.get("/articles/", {"batch": batch.pk}).content.decode()

    assert page.count("data-article-id=") == 1 and f'data-article-id="{mine.pk}"' in page
    assert "/admin/articles/importbatch/add/" in page
    assert "Import articles" not in _editor_client().get("/articles/").content.decode()


def test_titles_alike_for_a_hundred_characters_and_longer_than_an_index_entry_sort_by_title():
    # The title sort's index holds the first hundred characters: a title of 3,000 Persian
    # letters (6,000 bytes) is stored all the same, and the whole title breaks the tie.
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    common = "گزارش " * 20  # 120 characters alike
    later = ArticleFactory(title=common + "ب" + "ن" * 3000)
    earlier = ArticleFactory(title=common + "الف")
    first = ArticleFactory(title="آغاز")

    page = client.get("/articles/?sort=title").content.decode()

    order = [page.index(f'data-article-id="{a.pk}"') for a in (first, earlier, later)]
    assert order == sorted(order)


def test_a_list_row_shows_progress_checks_assignment_and_dates():
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    from articles.models import Tag

    editor = UserFactory(username="sara", groups=["editor"])
    article = ArticleFactory(
        title="سفر <رئیس> جمهور",
        status=ArticleStatus.TRANSLATING,
        assignee=editor,
        reviewer=UserFactory(username="omid"),
        due_at=timezone.now() - timedelta(hours=2),
        published_at=datetime(2024, 3, 29, 23, 36, tzinfo=UTC),
    )
    article.tags.add(Tag.objects.create(name="سیاست"))
    for status, failing in ((SegmentStatus.EDITED, 1), (SegmentStatus.APPROVED, 1)):
        SegmentFactory(article=article, status=status, failing_checks=failing)
    SegmentFactory(article=article, status=SegmentStatus.EMPTY)
    client = Client()
    client.force_login(editor)

    page = client.get("/articles/").content.decode()
    row = page[page.index(f'data-article-id="{article.pk}"') :]
    row = row[: row.index("</tr>")]

    assert f'href="/articles/{article.pk}/"' in row and "سفر &lt;رئیس&gt; جمهور" in row
    assert '<span class="tag" lang="fa" dir="rtl">سیاست</span>' in row
    assert 'class="badge status-translating">translating<' in row
    assert "translating: 2 / 3" in row and "1 edited, 1 approved of 3" in row
    assert '<progress class="edited" max="3" value="2"' in row
    assert "2 failing checks" in row
    assert '<span class="assignee">sara</span>' in row and "reviewer: omid" in row
    assert "· overdue" in row
    # Shown in Tehran's time, the site's zone, in both calendars.
    assert '<time datetime="2024-03-30T03:06:00+03:30">2024-03-30 03:06</time>' in row
    assert "۱۱ فروردین ۱۴۰۳، ۰۳:۰۶" in row


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=zzz", "Select a valid choice. zzz is not one of the available choices."),
        ("q=%00", "Null characters are not allowed."),
    ],
)
def test_a_filter_the_list_cannot_read_is_named_and_matches_nothing(query, message):
    ArticleFactory(title="خبر نخست")
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))

    response = client.get(f"/articles/?{query}")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page and message in page
    assert "خبر نخست" not in page and "No articles match these filters" in page
