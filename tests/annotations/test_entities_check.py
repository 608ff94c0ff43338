"""The `entities` check: an entity tagged in the Persian whose English names the translation
lacks, run again whenever the row's text or its tags change."""

import pytest
from rest_framework.test import APIClient

from annotations.mentions import create_mention, delete_mention
from annotations.models import Entity
from annotations.suggestions import suggest_for_article
from articles.editing import save_segment
from articles.models import Segment
from tests.articles.test_import import run_import, write_jsonl
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSIAN = "وزیر خارجه روسیه به تهران سفر کرد."


@pytest.fixture
def segment(tmp_path) -> Segment:
    record = {
        "title": "سفر وزیر",
        "body": PERSIAN,
        "url": "https://example.ir/visit",
        "translation": {"title": "The minister's visit", "body": "The foreign minister visited."},
    }
    assert run_import(write_jsonl(tmp_path / "visit.jsonl", [record]))[0] == 0
    return Segment.objects.get(source_text=PERSIAN)


def _tag_russia(segment: Segment):
    start = PERSIAN.index("روسیه")
    return create_mention(
        segment=segment,
        side="source",
        start=start,
        end=start + len("روسیه"),
        text="روسیه",
        entity=Entity.objects.get(name_en="Russia"),
    )


def _checks(segment: Segment) -> list[str]:
    segment.refresh_from_db()
    return [finding["check"] for finding in segment.checks]


def test_tagging_an_entity_the_english_lacks_fails_the_check_and_untagging_clears_it(segment):
    assert _checks(segment) == []

    mention = _tag_russia(segment)
    assert _checks(segment) == ["entities"]
    assert "Russia" in segment.checks[0]["message"]

    delete_mention(mention)
    assert _checks(segment) == []


def test_a_correction_naming_the_entity_clears_the_check(segment):
    _tag_russia(segment)
    segment.refresh_from_db()

    save_segment(
        segment_id=segment.pk,
        expected_version=segment.version,
        user=UserFactory(groups=["editor"]),
        target_text="The Russian Federation's foreign minister visited Tehran.",
    )
    assert _checks(segment) == []


def test_the_api_shows_the_entities_check_among_the_others(segment):
    _tag_russia(segment)
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["viewer"]))

    [finding] = client.get(f"/api/v1/segments/{segment.pk}/").json()["checks"]
    assert finding["check"] == "entities"
    assert finding["start"] is None


def test_after_saves_the_suggestions_follow_the_text_and_the_answer_names_a_dropped_entity(
    segment,
):
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["editor"]))

    def save(text: str):
        current = Segment.objects.get(pk=segment.pk)
        return client.patch(
            f"/api/v1/segments/{segment.pk}/",
            {"target_text": text},
            format="json",
            HTTP_IF_MATCH=current.etag,
        )

    def suggested() -> list[tuple[str, str]]:
        """The target's tags that sit on the words they name in the current text."""
        text = Segment.objects.get(pk=segment.pk).target_text
        listed = client.get("/api/v1/mentions/", {"segment": segment.pk, "side": "target"})
        return sorted(
            (m["text"], m["origin"])
            for m in listed.json()["results"]
            if text[m["start"] : m["end"]] == m["text"]
        )

    assert save("The Russian foreign minister visited Tehran.").status_code == 200
    suggest_for_article(article_id=segment.article_id)
    assert suggested() == [("Tehran", "suggested")]
    _tag_russia(segment)

    kept = save("Yesterday, the foreign minister of Russia visited Tehran.")
    assert kept.status_code == 200 and kept.json()["checks"] == []
    assert ("Tehran", "suggested") in suggested()

    dropped = save("The foreign minister visited Tehran.")
    assert dropped.status_code == 200
    [finding] = dropped.json()["checks"]
    assert finding["check"] == "entities" and "Russia" in finding["message"]
    assert ("Tehran", "suggested") in suggested()
