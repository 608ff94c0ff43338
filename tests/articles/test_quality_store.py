"""Checks kept on each segment: run on import, MT and every save, shown by the API, dismissed by a
reviewer for one translation (with who and when)."""

import json

import pytest
from rest_framework.test import APIClient

from articles.models import CheckDismissal, Segment, SegmentStatus
from articles.mt.translate import apply_translation
from tests.articles.test_import import run_import, write_jsonl
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "افزایش قیمت نفت"
BODY = "قیمت نفت در هفته گذشته ۲۲ درصد افزایش یافت. بازار آرام ماند."


def _client(*groups, **flags) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=list(groups), **flags))
    return client


def _import(tmp_path, body_translation: str) -> list[Segment]:
    path = write_jsonl(
        tmp_path / "oil.jsonl",
        [
            {
                "title": TITLE,
                "body": BODY,
                "url": "https://example.ir/oil",
                "translation": {"title": "Oil prices rise", "body": body_translation},
            }
        ],
    )
    assert run_import(path)[0] == 0
    return list(Segment.objects.order_by("position"))


def _save(client, segment_id: int, text: str):
    etag = client.get(f"/api/v1/segments/{segment_id}/")["ETag"]
    return client.patch(
        f"/api/v1/segments/{segment_id}/", {"target_text": text}, format="json", HTTP_IF_MATCH=etag
    )


def test_an_imported_translation_that_drops_a_number_fails_the_numbers_check(tmp_path):
    title, wrong, fine = _import(
        tmp_path, "Oil prices rose 12 percent last week. The market stayed calm."
    )

    body = _client("editor").get(f"/api/v1/segments/{wrong.pk}/").json()
    [finding] = body["checks"]
    assert finding["check"] == "numbers"
    assert "۲۲" in finding["message"] and "is missing" in finding["message"]
    assert finding["start"] is None and finding["end"] is None  # no one place: the whole row
    assert wrong.failing_checks == 1
    assert title.checks == [] and fine.checks == []


def test_a_save_that_fixes_the_number_clears_the_check_and_one_that_breaks_it_adds_it(tmp_path):
    _, segment, _ = _import(tmp_path, "Oil prices rose 12 percent last week. The market was calm.")
    editor = _client("editor")

    fixed = _save(editor, segment.pk, "Oil prices rose 22 percent last week.")
    assert fixed.status_code == 200
    assert fixed.json()["checks"] == []
    segment.refresh_from_db()
    assert segment.failing_checks == 0

    broken = _save(editor, segment.pk, "Oil prices rose percent last week.")
    assert [f["check"] for f in broken.json()["checks"]] == ["numbers"]


def test_machine_translation_stores_its_checks(mt_model, tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"title": TITLE, "body": BODY, "url": "https://example.ir/a"}]
    )
    assert run_import(path)[0] == 0
    article_id = Segment.objects.values_list("article_id", flat=True).first()
    assert set(Segment.objects.values_list("failing_checks", flat=True)) == {0}

    apply_translation(article_id=article_id)

    segment = Segment.objects.get(source_text__contains="۲۲")
    assert segment.status == SegmentStatus.MACHINE
    # The test model writes random words, never the number 22.
    assert "numbers" in {f["check"] for f in segment.checks}
    assert segment.failing_checks == len({f["check"] for f in segment.checks})


def test_the_article_detail_carries_each_segments_checks(tmp_path):
    segments = _import(tmp_path, "Oil prices rose 12 percent last week. The market stayed calm.")

    detail = _client("editor").get(f"/api/v1/articles/{segments[0].article_id}/").json()
    by_id = {s["id"]: s["checks"] for s in detail["segments"]}
    assert [f["check"] for f in by_id[segments[1].pk]] == ["numbers"]
    assert by_id[segments[0].pk] == []


def test_a_reviewer_dismisses_a_check_for_this_translation_only(tmp_path):
    _, segment, _ = _import(tmp_path, "Oil prices rose 12 percent last week. The market was calm.")
    reviewer = _client("reviewer")
    url = f"/api/v1/segments/{segment.pk}/dismissals/"

    created = reviewer.post(url, {"check": "numbers"}, format="json")
    assert created.status_code == 201
    assert created.json()["dismissed_by"] is not None
    assert reviewer.get(f"/api/v1/segments/{segment.pk}/").json()["checks"] == []
    [listed] = reviewer.get(url).json()
    assert listed["check"] == "numbers" and listed["target_text"] == segment.target_text
    assert listed["dismissed_at"]

    # New text that fails the same check shows it again; going back to the dismissed text
    # does not.
    _save(reviewer, segment.pk, "Oil prices rose 32 percent last week.")
    checks = reviewer.get(f"/api/v1/segments/{segment.pk}/").json()["checks"]
    assert [f["check"] for f in checks] == ["numbers"]
    back = _save(reviewer, segment.pk, segment.target_text)
    assert back.json()["checks"] == []


def test_taking_a_dismissal_back_shows_the_check_again(tmp_path):
    _, segment, _ = _import(tmp_path, "Oil prices rose 12 percent last week. The market was calm.")
    reviewer = _client("reviewer")
    reviewer.post(f"/api/v1/segments/{segment.pk}/dismissals/", {"check": "numbers"})

    gone = reviewer.delete(f"/api/v1/segments/{segment.pk}/dismissals/numbers/")
    assert gone.status_code == 204
    checks = reviewer.get(f"/api/v1/segments/{segment.pk}/").json()["checks"]
    assert [f["check"] for f in checks] == ["numbers"]
    again = reviewer.delete(f"/api/v1/segments/{segment.pk}/dismissals/numbers/")
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"check": "spelling"}, "Unknown check"),
        ({"check": "length"}, "does not fail"),
        ({}, "required"),
    ],
)
def test_a_dismissal_that_cannot_be_made_is_400_naming_the_check(tmp_path, body, reason):
    _, segment, _ = _import(tmp_path, "Oil prices rose 12 percent last week. The market was calm.")

    answer = _client("reviewer").post(
        f"/api/v1/segments/{segment.pk}/dismissals/",
        json.dumps(body),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert reason in json.dumps(answer.json())
    assert not CheckDismissal.objects.exists()


def test_editors_and_viewers_may_read_dismissals_but_not_make_them(tmp_path):
    _, segment, _ = _import(tmp_path, "Oil prices rose 12 percent last week. The market was calm.")
    url = f"/api/v1/segments/{segment.pk}/dismissals/"

    for client in (_client("editor"), _client("viewer")):
        assert client.get(url).status_code == 200
        refused = client.post(url, {"check": "numbers"}, format="json")
        assert refused.status_code == 403
        assert "reviewer" in refused.json()["detail"]
    assert _client().get(url).status_code in (200, 403)
    assert APIClient().get(url).status_code in (401, 403)
    assert not CheckDismissal.objects.exists()


def test_the_xliff_export_carries_failing_checks_as_notes(tmp_path):
    from translate.storage import xliff as xliff_storage

    segments = _import(tmp_path, "Oil prices rose 12 percent last week. The market stayed calm.")
    response = _client("viewer").get(
        f"/api/v1/articles/{segments[0].article_id}/export/", {"format": "xliff"}
    )
    store = xliff_storage.xlifffile(b"".join(response.streaming_content))

    notes = [unit.getnotes() for unit in store.units]
    assert "check numbers: The number ۲۲" in notes[1]
    assert "check" not in notes[0] and "check" not in notes[2]


def _two_articles(tmp_path) -> tuple[int, int]:
    """One article whose translation drops a number, one whose translation is right."""
    rows = [
        {
            "title": TITLE,
            "body": BODY,
            "url": f"https://example.ir/{name}",
            "translation": {"title": "Oil prices rise", "body": body},
        }
        for name, body in (
            ("bad", "Oil prices rose 12 percent last week. The market stayed calm."),
            ("good", "Oil prices rose 22 percent last week. The market stayed calm."),
        )
    ]
    assert run_import(write_jsonl(tmp_path / "two.jsonl", rows))[0] == 0
    by_url = dict(Segment.objects.values_list("article__url", "article_id").distinct())
    return by_url["https://example.ir/bad"], by_url["https://example.ir/good"]


def test_the_list_page_counts_filters_and_sorts_by_failing_checks(tmp_path, client):
    bad, good = _two_articles(tmp_path)
    client.force_login(UserFactory(groups=["editor"]))

    page = client.get("/articles/", {"sort": "checks"}).content.decode()
    assert "1 failing check" in page
    assert page.index(f'data-article-id="{bad}"') < page.index(f'data-article-id="{good}"')
    failing = client.get("/articles/", {"checks": "failing"}).content.decode()
    assert f'data-article-id="{bad}"' in failing and f'data-article-id="{good}"' not in failing
    passing = client.get("/articles/", {"checks": "passing"}).content.decode()
    assert f'data-article-id="{good}"' in passing and f'data-article-id="{bad}"' not in passing


def test_the_article_api_counts_and_filters_failing_checks(tmp_path):
    bad, good = _two_articles(tmp_path)
    api = _client("viewer")

    counts = {a["id"]: a["failing_checks"] for a in api.get("/api/v1/articles/").json()["results"]}
    assert counts == {bad: 1, good: 0}
    failing = api.get("/api/v1/articles/", {"checks": "failing"}).json()["results"]
    assert [a["id"] for a in failing] == [bad]


def test_segments_are_listed_least_confident_first_and_filtered_by_confidence():
    from tests.factories import ArticleFactory, SegmentFactory

    article = ArticleFactory()
    scores = {0: 0.9, 1: None, 2: 0.2, 3: 0.55}
    ids = {
        position: SegmentFactory(article=article, position=position, mt_confidence=score).pk
        for position, score in scores.items()
    }
    api = _client("viewer")

    ordered = api.get("/api/v1/segments/", {"article": article.pk, "order": "confidence"})
    assert [s["id"] for s in ordered.json()["results"]] == [ids[2], ids[3], ids[0], ids[1]]
    low = api.get("/api/v1/segments/", {"article": article.pk, "confidence_below": "0.6"})
    assert {s["id"] for s in low.json()["results"]} == {ids[2], ids[3]}
    bad = api.get("/api/v1/segments/", {"order": "sideways"})
    assert bad.status_code == 400 and "order" in bad.json()


def test_the_list_page_sorts_the_least_confident_article_first(client):
    from tests.factories import ArticleFactory, SegmentFactory

    sure, unsure, unscored = ArticleFactory(), ArticleFactory(), ArticleFactory()
    SegmentFactory(article=sure, position=0, mt_confidence=0.8)
    SegmentFactory(article=unsure, position=0, mt_confidence=0.9)
    SegmentFactory(article=unsure, position=1, mt_confidence=0.1)
    SegmentFactory(article=unscored, position=0, mt_confidence=None)
    client.force_login(UserFactory(groups=["viewer"]))

    page = client.get("/articles/", {"sort": "confidence"}).content.decode()
    places = [page.index(f'data-article-id="{a.pk}"') for a in (unsure, sure, unscored)]
    assert places == sorted(places)


def test_a_check_failing_in_several_places_counts_once():
    from articles.quality.store import evaluate

    fields = evaluate("خبر کوتاه", "The news (short) news news ذخیره and نفت")
    checks = [finding["check"] for finding in fields["checks"]]
    assert checks.count("persian_script") == 2
    assert fields["failing_checks"] == len(set(checks))


def test_the_review_page_shows_only_failing_rows_or_the_least_confident_first(client):
    from tests.factories import ArticleFactory, SegmentFactory

    article = ArticleFactory()
    scores = {0: 0.9, 1: None, 2: 0.2, 3: 0.55}
    ids = {
        n: SegmentFactory(article=article, position=n, mt_confidence=score).pk
        for n, score in scores.items()
    }
    Segment.objects.filter(pk=ids[3]).update(
        checks=[{"check": "length", "message": "long", "start": None, "end": None}],
        failing_checks=1,
    )
    client.force_login(UserFactory(groups=["viewer"]))

    def shown(**params):
        page = client.get(f"/articles/{article.pk}/", params).content.decode()
        places = {n: page.find(f'data-segment-id="{pk}"') for n, pk in ids.items()}
        return sorted((n for n, at in places.items() if at >= 0), key=places.get)

    assert shown() == [0, 1, 2, 3]
    assert shown(rows="confidence") == [2, 3, 0, 1]
    assert shown(rows="checks") == [3]
