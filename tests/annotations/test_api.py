"""Entities and mentions through the REST API, as CONTRACT.md names them."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Entity, Mention
from articles.models import SegmentStatus
from tests.factories import SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(*groups) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=list(groups)))
    return client


@pytest.fixture
def segment():
    return SegmentFactory(
        source_text="😀 داعش در سوریه",
        target_text="😀 ISIS in Syria",
        mt_text="😀 ISIS in Syria",
        status=SegmentStatus.MACHINE,
    )


def test_entities_are_searched_by_any_name_on_either_side():
    viewer = _client("viewer")
    for query in ("daesh", "داعش", "حکومت اسلامی", "ISIS"):
        names = [e["name_en"] for e in viewer.get(f"/api/v1/entities/?q={query}").json()["results"]]
        assert names == ["ISIS"], query
    item = viewer.get("/api/v1/entities/?q=ISIS").json()["results"][0]
    assert set(item) >= {
        "id",
        "name_en",
        "name_fa",
        "type",
        "aliases_en",
        "aliases_fa",
        "wikidata_id",
        "mention_count",
    }


def test_editors_create_entities_reviewers_change_them_viewers_only_read():
    body = {"name_en": "Kremlin", "name_fa": "کرملین", "type": "ORG", "aliases_en": []}
    assert _client("viewer").post("/api/v1/entities/", body, format="json").status_code == 403
    created = _client("editor").post("/api/v1/entities/", body, format="json")
    assert created.status_code == 201
    url = f"/api/v1/entities/{created.json()['id']}/"
    assert _client("editor").patch(url, {"type": "FAC"}, format="json").status_code == 403
    assert _client("reviewer").patch(url, {"type": "FAC"}, format="json").json()["type"] == "FAC"


def test_entity_validation_names_the_problem():
    editor = _client("editor")
    bad_type = editor.post("/api/v1/entities/", {"name_en": "X", "type": "CITY"}, format="json")
    duplicate = editor.post("/api/v1/entities/", {"name_en": "Iran", "type": "GPE"}, format="json")
    assert bad_type.status_code == 400
    assert duplicate.status_code == 400 and "exists" in str(duplicate.json())


@pytest.mark.parametrize(
    ("field", "value", "detail"),
    [
        ("name_en", "Krem\x01lin", "name_en contains U+0001 at position 4; remove it."),
        ("name_fa", "کرملین\uffff", "name_fa contains U+FFFF at position 6; remove it."),
        ("aliases_en", ["Moscow", "the \x02Kremlin"], "aliases_en contains U+0002 at position 4"),
        ("notes", "seat of\x1f power", "notes contains U+001F at position 7; remove it."),
    ],
)
def test_an_entity_name_with_a_character_xml_forbids_is_refused_naming_it(field, value, detail):
    body = {"name_en": "Kremlin", "name_fa": "کرملین", "type": "ORG", field: value}

    response = _client("editor").post("/api/v1/entities/", body, format="json")

    assert response.status_code == 400
    assert detail in str(response.json())
    assert not Entity.objects.filter(name_en__startswith="Krem").exists()


def test_a_mention_counts_code_points_past_an_emoji(segment):
    isis = Entity.objects.get(name_en="ISIS")
    editor = _client("editor")

    source = editor.post(
        "/api/v1/mentions/",
        {
            "segment": segment.pk,
            "side": "source",
            "start": 2,
            "end": 6,
            "text": "داعش",
            "entity": isis.pk,
        },
        format="json",
    )
    target = editor.post(
        "/api/v1/mentions/",
        {
            "segment": segment.pk,
            "side": "target",
            "start": 2,
            "end": 6,
            "text": "ISIS",
            "entity": isis.pk,
        },
        format="json",
    )

    assert source.status_code == 201 and target.status_code == 201
    assert target.json()["type"] == "ORG" and target.json()["origin"] == "manual"
    listed = editor.get(f"/api/v1/mentions/?segment={segment.pk}&side=target").json()
    assert [m["text"] for m in listed["results"]] == ["ISIS"]


def test_a_mention_whose_text_does_not_match_is_400_and_not_saved(segment):
    response = _client("editor").post(
        "/api/v1/mentions/",
        {
            "segment": segment.pk,
            "side": "target",
            "start": 3,
            "end": 7,
            "text": "ISIS",
            "type": "ORG",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "code points" in response.json()["detail"]
    assert not Mention.objects.exists()


def test_viewers_cannot_tag(segment):
    response = _client("viewer").post(
        "/api/v1/mentions/",
        {
            "segment": segment.pk,
            "side": "target",
            "start": 2,
            "end": 6,
            "text": "ISIS",
            "type": "ORG",
        },
        format="json",
    )
    assert response.status_code == 403


def test_suggest_then_accept_and_reject(segment):
    editor = _client("editor")
    article = segment.article_id

    assert editor.post(f"/api/v1/articles/{article}/suggest/").json() == {"suggested": 4}
    syria = Mention.objects.get(entity__name_en="Syria", side="target")
    assert editor.delete(f"/api/v1/mentions/{syria.pk}/").status_code == 204
    accepted = editor.post(
        f"/api/v1/articles/{article}/accept/",
        {"entity": Entity.objects.get(name_en="ISIS").pk},
        format="json",
    )

    assert accepted.json() == {"accepted": 2}
    assert editor.post(f"/api/v1/articles/{article}/suggest/").json() == {"suggested": 0}
    sidebar = editor.get(f"/api/v1/articles/{article}/entities/").json()
    assert {(e["name_en"], e["source"], e["target"], e["one_sided"]) for e in sidebar} == {
        ("ISIS", 1, 1, False),
        ("Syria", 1, 0, True),
    }
    tagged = editor.get(f"/api/v1/articles/?entity={syria.entity_id}").json()["results"]
    assert [a["id"] for a in tagged] == [article]


def test_tag_all_occurrences(segment):
    other = SegmentFactory(article=segment.article, source_text="داعش و داعش‌ها", target_text="")
    response = _client("editor").post(
        f"/api/v1/articles/{segment.article_id}/tag-all/",
        {"side": "source", "text": "داعش", "entity": Entity.objects.get(name_en="ISIS").pk},
        format="json",
    )
    assert response.json() == {"tagged": 3}
    assert Mention.objects.filter(segment=other).count() == 2


def test_editing_the_target_through_the_api_reanchors_its_mentions(segment):
    editor = _client("editor")
    isis = Mention.objects.create(
        segment=segment, side="target", start=2, end=6, text="ISIS", type="ORG"
    )

    editor.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"target_text": "😀 Fighters of ISIS in Syria"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    isis.refresh_from_db()
    assert (isis.start, isis.end, isis.needs_review) == (14, 18, False)


def test_the_knowledge_base_page_searches_both_languages():
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))

    page = client.get("/entities/?q=داعش").content.decode()

    assert "ISIS" in page and "Islamic State" in page and "Q2429253" in page
    assert "Iran" not in client.get("/entities/?q=Daesh").content.decode()
