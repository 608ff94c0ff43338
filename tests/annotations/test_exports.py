"""Exports that other tools load as they are: checked with translate-toolkit and spaCy."""

import json

import pytest
import spacy
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient
from translate.storage import tmx as tmx_storage
from translate.storage import xliff as xliff_storage

from annotations.mentions import create_mention
from annotations.models import Entity, Mention
from articles.editing import save_segment
from articles.models import Article, Segment, SegmentStatus
from articles.mt.translate import apply_translation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(mt_model, seed_path, django_capture_on_commit_callbacks):
    """The seed, machine-translated (suggestions on both sides), with a corrected, tagged title."""
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # suggestions follow the commit
        apply_translation(article_id=article.pk)
    title = Segment.objects.get(article=article, position=0)
    text = "Rouhani: no coalition between Iran and Russia to fight ISIS"
    with django_capture_on_commit_callbacks(execute=True):  # the article follows the commit
        save_segment(
            segment_id=title.pk,
            expected_version=title.version,
            user=UserFactory(is_staff=True),
            target_text=text,
            status=SegmentStatus.APPROVED,
        )
    title.refresh_from_db()
    create_mention(
        segment=title,
        side="target",
        start=text.index("ISIS"),
        end=text.index("ISIS") + 4,
        text="ISIS",
        entity=Entity.objects.get(name_en="ISIS"),
    )
    return article


def _get(path, **params):
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["viewer"]))
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def test_tmx_is_read_by_translate_toolkit(article):
    data = _get(f"/api/v1/articles/{article.pk}/export/", format="tmx")

    store = tmx_storage.tmxfile(data)
    segments = list(Segment.objects.filter(article=article).order_by("position"))
    assert len(store.units) == 17
    assert [(u.source, u.target) for u in store.units] == [
        (s.source_text, s.target_text) for s in segments
    ]
    assert store.getsourcelanguage() == "fa"


def test_xliff_is_read_by_translate_toolkit_with_states(article):
    data = _get(f"/api/v1/articles/{article.pk}/export/", format="xliff")

    store = xliff_storage.xlifffile(data)
    units = store.units
    assert len(units) == 17
    assert units[0].target == "Rouhani: no coalition between Iran and Russia to fight ISIS"
    assert units[0].isapproved() and not units[0].isfuzzy()
    assert all(not unit.isapproved() and unit.isfuzzy() for unit in units[1:])
    # Machine output is "needs review" (80); the approved title is past it.
    assert units[1].get_state_id() == 80 and units[0].get_state_id() > 100
    assert [unit.source for unit in units] == list(
        Segment.objects.filter(article=article)
        .order_by("position")
        .values_list("source_text", flat=True)
    )


@pytest.mark.parametrize("side", ["source", "target"])
def test_every_jsonl_span_is_a_strict_spacy_span(article, side):
    data = _get(f"/api/v1/articles/{article.pk}/export/", format="jsonl").decode()
    nlp = spacy.blank("fa" if side == "source" else "en")
    records = [json.loads(line) for line in data.splitlines()]

    assert len(records) == 17
    text_key, label_key = ("text", "label") if side == "source" else ("translation", "target_label")
    spans = 0
    for record in records:
        doc = nlp(record[text_key])
        for start, end, kind in record[label_key]:
            assert doc.char_span(start, end, label=kind, alignment_mode="strict") is not None, (
                record[text_key][start:end]
            )
            spans += 1
    assert spans >= 1
    assert records[0]["translation"].endswith("fight ISIS")
    assert records[0]["article"] == article.pk


def test_conll_tags_isis_on_both_sides(article):
    source = _get(f"/api/v1/articles/{article.pk}/export/", format="conll").decode()
    target = _get(f"/api/v1/articles/{article.pk}/export/", format="conll", side="target").decode()

    assert source.startswith("-DOCSTART-\tO\n\n")
    assert "داعش\tB-ORG" in source.splitlines()
    assert "ISIS\tB-ORG" in target.splitlines()
    assert "حکومت\tI-ORG" in source.splitlines()
    for line in source.splitlines():
        assert line == "" or len(line.split("\t")) == 2


def test_json_carries_segments_and_mentions_with_entities(article):
    data = json.loads(_get(f"/api/v1/articles/{article.pk}/export/", format="json"))

    assert data["id"] == article.pk and len(data["segments"]) == 17
    title = data["segments"][0]
    assert title["status"] == "approved" and title["mt_text"]
    isis = [m for m in title["mentions"] if m["entity"] and m["entity"]["name_en"] == "ISIS"]
    assert {m["side"] for m in isis} == {"source", "target"}
    for segment in data["segments"]:
        for mention in segment["mentions"]:
            text = segment["source_text" if mention["side"] == "source" else "target_text"]
            assert text[mention["start"] : mention["end"]] == mention["text"]


def test_bulk_export_filters_and_streams(article):
    Article.objects.create(identity="other", title="دیگر", raw_text="دیگر")

    everything = json.loads(_get("/api/v1/export/", format="json"))
    in_review = json.loads(_get("/api/v1/export/", format="json", status="in_review"))
    isis = Entity.objects.get(name_en="ISIS")
    tagged = json.loads(_get("/api/v1/export/", format="json", entity=isis.pk))

    assert len(everything) == 2
    assert [a["id"] for a in in_review] == [article.pk]
    assert [a["id"] for a in tagged] == [article.pk]
    assert xliff_storage.xlifffile(_get("/api/v1/export/", format="xliff")).units


def test_bad_export_options_are_400():
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["viewer"]))
    assert client.get("/api/v1/export/", {"format": "docx"}).status_code == 400
    assert client.get("/api/v1/export/", {"format": "conll", "side": "x"}).status_code == 400
    assert client.get("/api/v1/export/", {"published_after": "soon"}).status_code == 400
    assert client.get("/api/v1/articles/999/export/", {"format": "json"}).status_code == 404


def test_markup_in_text_stays_text_in_xml_exports():
    article = Article.objects.create(identity="x", title="<b>", raw_text="x")
    Segment.objects.create(
        article=article,
        position=0,
        kind="body",
        source_text="<img src=x onerror=alert(1)>",
        source_key="k",
        target_text="a & b </seg>",
        status=SegmentStatus.EDITED,
    )
    store = tmx_storage.tmxfile(_get(f"/api/v1/articles/{article.pk}/export/", format="tmx"))
    assert store.units[0].source == "<img src=x onerror=alert(1)>"
    assert store.units[0].target == "a & b </seg>"
    assert not Mention.objects.exists()


def test_a_date_filter_with_an_extreme_offset_is_understood():
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["viewer"]))
    for value in (
        "7184-08-27T06:06:13+20:23",
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:00:00+01:00",
    ):
        for name in ("published_after", "published_before"):
            response = client.get("/api/v1/export/", {"format": "json", name: value})
            assert response.status_code == 200, (name, value)
            b"".join(response.streaming_content)


def test_suggestions_can_be_left_out_of_jsonl_and_conll_labels(article):
    title = Segment.objects.get(article=article, position=0)
    suggested = Mention.objects.filter(segment__article=article, origin="suggested")
    assert suggested.filter(side="source").exists()

    def labels(**params):
        lines = _get(f"/api/v1/articles/{article.pk}/export/", format="jsonl", **params)
        return {
            record["segment"]: (record["label"], record["target_label"])
            for record in map(json.loads, lines.decode().splitlines())
        }

    everything, reviewed = labels(), labels(suggestions="exclude")
    assert (
        sum(len(a) + len(b) for a, b in everything.values())
        == Mention.objects.filter(segment__article=article).count()
    )
    # Only the ISIS a person tagged on the English title is left.
    kept = {segment: pair for segment, pair in reviewed.items() if pair != ([], [])}
    assert list(kept) == [title.pk] and kept[title.pk][0] == []
    conll = _get(
        f"/api/v1/articles/{article.pk}/export/", format="conll", suggestions="exclude"
    ).decode()
    assert all(line.endswith("\tO") for line in conll.splitlines() if "\t" in line)


def test_downloads_are_named_for_what_they_hold(article):
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["viewer"]))
    one = client.get(f"/api/v1/articles/{article.pk}/export/", {"format": "tmx"})
    target = client.get(
        f"/api/v1/articles/{article.pk}/export/", {"format": "conll", "side": "target"}
    )
    approved = client.get("/api/v1/export/", {"format": "jsonl", "status": "in_review"})
    everything = client.get("/api/v1/export/", {"format": "xliff"})
    today = timezone.localdate().isoformat()

    assert one["Content-Disposition"] == f'attachment; filename="article-{article.pk}.tmx"'
    assert f'filename="article-{article.pk}-target.conll"' in target["Content-Disposition"]
    assert f'filename="newsroom-in-review-{today}.jsonl"' in approved["Content-Disposition"]
    assert f'filename="newsroom-all-{today}.xlf"' in everything["Content-Disposition"]
    assert client.get("/api/v1/export/", {"suggestions": "maybe"}).status_code == 400


FORBIDDEN = "\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff"


@pytest.fixture
def article_with_controls():
    """Characters XML 1.0 forbids, put in the database directly, as an old import could have."""
    article = Article.objects.create(identity="controls", title="کنترل", raw_text="x")
    Segment.objects.create(
        article=article,
        position=0,
        kind="body",
        source_text=f"روحانی{FORBIDDEN} گفت",
        source_key="k",
        mt_text="Rouhani\x0b said",
        mt_model="test\x1fmodel",
        target_text=f"Rouhani{FORBIDDEN} said",
        status=SegmentStatus.EDITED,
    )
    Article.objects.filter(pk=article.pk).update(source_language="f\x02a")
    return article


@pytest.mark.parametrize("fmt", ["tmx", "xliff"])
@pytest.mark.parametrize("bulk", [False, True], ids=["article", "everything"])
def test_xml_exports_never_hold_a_character_xml_forbids(article_with_controls, fmt, bulk):
    from xml.etree import ElementTree

    from lxml import etree

    path = "/api/v1/export/" if bulk else f"/api/v1/articles/{article_with_controls.pk}/export/"
    data = _get(path, format=fmt)

    root = etree.fromstring(data)  # strict: a forbidden character is a fatal error
    ElementTree.fromstring(data)
    texts = [t for t in root.itertext() if t.strip()]
    assert "روحانی گفت" in texts
    assert "Rouhani said" in texts
    assert "fa" in {v for e in root.iter() for v in e.attrib.values()}
    if fmt == "xliff":
        assert "machine translation (testmodel): Rouhani said" in texts


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("اخیراً ایران گفت", ["اخیراً", "ایران", "گفت"]),  # tanwin (U+064B) ends the word
        ("قطعاً، نه", ["قطعاً", "،", "نه"]),
        ("محمّد آمد", ["محمّد", "آمد"]),  # shadda (U+0651) inside the word
        ("مُحَمَّد", ["مُحَمَّد"]),  # damma, fatha and shadda
        ("کتابِ تازه", ["کتابِ", "تازه"]),  # kasra of the ezafe
        ("خانهٔ ما", ["خانهٔ", "ما"]),  # hamza above (U+0654)
        ("می‌روند.", ["می‌روند", "."]),  # ZWNJ joins
        ("café naïve", ["café", "naïve"]),  # combining acute and diaeresis
    ],
)
def test_conll_tokens_keep_diacritics_inside_the_word(text, words):
    from unicodedata import normalize

    from articles.text.chars import tokens

    assert [text[start:end] for start, end in tokens(text)] == words
    decomposed = normalize("NFD", text)
    assert [decomposed[start:end] for start, end in tokens(decomposed)] == [
        normalize("NFD", word) for word in words
    ]


def test_conll_labels_whole_persian_words_with_their_diacritics():
    article = Article.objects.create(identity="diacritics", title="ظریف", raw_text="x")
    text = "اخیراً محمّد جوادِ ظریف گفت."
    segment = Segment.objects.create(
        article=article, position=0, kind="body", source_text=text, source_key="k"
    )
    name = "محمّد جوادِ ظریف"
    create_mention(
        segment=segment,
        side="source",
        start=text.index(name),
        end=text.index(name) + len(name),
        text=name,
        entity=None,
        type="PERSON",
    )

    lines = _get(f"/api/v1/articles/{article.pk}/export/", format="conll").decode().splitlines()

    assert lines[2:8] == [
        "اخیراً\tO",
        "محمّد\tB-PERSON",
        "جوادِ\tI-PERSON",
        "ظریف\tI-PERSON",
        "گفت\tO",
        ".\tO",
    ]
