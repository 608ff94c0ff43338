"""Importing through the command and the service: counts, rows and messages a user sees."""

import io
import json
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from articles import import_chunks, import_prepare
from articles.models import (
    Article,
    ImportBatch,
    ImportStatus,
    Revision,
    RevisionOrigin,
    Segment,
    SegmentStatus,
)

pytestmark = pytest.mark.django_db

SEED_TITLE = "روحانی: ائتلافی بین ایران و روسیه برای مبارزه با داعش وجود ندارد"
RESTORED_WORDS = [
    "می‌خواهد",
    "رسانه‌ها",
    "گفت‌وگو",
    "هسته‌ای",
    "سوخت‌گیری",
    "جنگنده‌ها",
    "داده‌اند",
    "مقام‌های",
    "گام‌هایی",
    "گروه‌های",
    "ژنرال‌های",
    "نمی‌بینم",
    "می‌توانیم",
    "شده‌اند",
]


def run_import(*paths, fmt=None):
    """Run import_articles as the shell would; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    args = [str(p) for p in paths] + (["--format", fmt] if fmt else [])
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def write_jsonl(path, rows):
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_seed_becomes_one_clean_article(seed_path):
    code, out, _ = run_import(seed_path)

    assert code == 0
    assert out.strip().endswith("created 1, updated 0, skipped 0, failed 0")
    article = Article.objects.get()
    assert article.title == SEED_TITLE
    assert article.scraped_at == datetime(2024, 3, 29, 3, 6, tzinfo=ZoneInfo("Asia/Tehran"))
    assert article.raw_text == seed_path.read_text(encoding="utf-8")
    segments = list(article.segments.order_by("position"))
    kinds = [s.kind for s in segments]
    assert len(segments) == 17
    assert kinds.count("title") == 1 and kinds.count("caption") == 1 and kinds.count("heading") == 1
    assert kinds.count("body") == 14
    assert [s.position for s in segments] == list(range(17))
    caption = next(s for s in segments if s.kind == "caption")
    heading = next(s for s in segments if s.kind == "heading")
    assert caption.source_text == "حسن روحانی، رییس جمهوری ایران"
    assert heading.source_text == "رابطه ایران و آمریکا"
    text = "\n".join(s.source_text for s in segments)
    for junk in ("قابلیت دسترسی", "خبر فوری", "XS", "SM", "MD", "LG"):
        assert junk not in text
    for word in RESTORED_WORDS:
        assert word in text, word


def test_reimporting_the_seed_changes_nothing(seed_path):
    run_import(seed_path)
    before = list(Segment.objects.values_list("id", "source_text", "version"))

    code, out, _ = run_import(seed_path)

    assert code == 0
    assert out.strip().endswith("created 0, updated 0, skipped 1, failed 0")
    assert Article.objects.count() == 1
    assert list(Segment.objects.values_list("id", "source_text", "version")) == before


def test_bad_jsonl_records_are_named_and_good_ones_land(tmp_path):
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            {"title": "خبر اول", "summary": "متن خبر اول اینجاست.", "link": "https://example.ir/1"},
            '{"title": "شکسته", "body": ',
            "[1, 2, 3]",
            {"title": "بدون متن", "url": "https://example.ir/3"},
            {"title": "خبر دوم", "body": "متن خبر دوم.", "url": "https://example.ir/4"},
        ],
    )

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 3")
    assert "feed.jsonl line 2: invalid JSON" in err
    assert "feed.jsonl line 3: expected a JSON object, got array" in err
    assert "feed.jsonl line 4: no body" in err
    assert set(Article.objects.values_list("url", flat=True)) == {
        "https://example.ir/1",
        "https://example.ir/4",
    }
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.DONE
    assert [e["record"] for e in batch.errors] == [
        "feed.jsonl line 2",
        "feed.jsonl line 3",
        "feed.jsonl line 4",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.jsonl", b"", "the file is empty"),
        ("blank.txt", b"\n  \n", "the file is empty"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        ("page.html", bytes(range(256)) * 4, "binary file"),
    ],
)
def test_unusable_files_exit_2_with_the_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)

    code, _, err = run_import(path)

    assert code == 2
    assert reason in err
    assert name in err
    assert Article.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportStatus.FAILED


def test_missing_path_and_unknown_extension_exit_2(tmp_path):
    assert run_import(tmp_path / "nope.txt")[0] == 2
    odd = tmp_path / "notes.docx"
    odd.write_text("سلام", encoding="utf-8")
    code, _, err = run_import(odd)
    assert code == 2
    assert "cannot tell the format" in err


def test_windows_1256_text_is_decoded_and_arabic_letters_mapped(tmp_path):
    text = "عنوان خبر كوتاه\n\nاين متن با حروف عربي نوشته شده است. كتاب روي ميز است.\n"
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1256"))

    code, _, _ = run_import(path)

    assert code == 0
    sources = "".join(Segment.objects.values_list("source_text", flat=True))
    assert "کتاب" in sources and "این" in sources
    assert "ي" not in sources and "ك" not in sources


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le"])
def test_bom_and_utf16_files_are_decoded(tmp_path, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes("سرخط خبر\n\nمتن اصلی خبر امروز است.\n".encode(encoding))

    assert run_import(path)[0] == 0
    assert Article.objects.get().title == "سرخط خبر"


def test_html_page_keeps_no_script_text(fixtures_dir):
    code, _, _ = run_import(fixtures_dir / "article.html")

    assert code == 0
    article = Article.objects.get()
    text = " ".join(article.segments.values_list("source_text", flat=True))
    assert article.segments.filter(kind="body").exists()
    for needle in ("script", "alert", "onclick", "onload", "function", "document."):
        assert needle not in text
    # The page's script, event handlers and style carry Persian text of their own.
    for hidden in ("اسکریپت", "بارگذاری صفحه", "متن پنهان", "فیس‌بوک"):
        assert hidden not in text
    assert "<" not in text


def test_csv_with_tags_and_published_date(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        "title,body,url,tags,published_at\n"
        'خبر اقتصادی,"بازار امروز آرام بود.",https://example.ir/a,"اقتصاد;بازار",2024-03-29T10:00:00\n'
        'خبر ورزشی,"تیم ملی برد.",https://example.ir/b,ورزش,۱۰ فروردین ۱۴۰۳\n',
        encoding="utf-8",
    )

    code, out, _ = run_import(path)

    assert code == 0, out
    first = Article.objects.get(url="https://example.ir/a")
    assert sorted(first.tags.values_list("name", flat=True)) == ["اقتصاد", "بازار"]
    assert first.published_at == datetime(2024, 3, 29, 10, 0, tzinfo=ZoneInfo("Asia/Tehran"))
    second = Article.objects.get(url="https://example.ir/b")
    tehran = second.published_at.astimezone(ZoneInfo("Asia/Tehran"))
    assert tehran.date().isoformat() == "2024-03-29"


def test_bad_date_fails_only_that_record(tmp_path):
    path = write_jsonl(
        tmp_path / "dates.jsonl",
        [
            {"title": "الف", "body": "متن الف.", "url": "https://e.ir/1", "published_at": "دیروز"},
            {"title": "ب", "body": "متن ب.", "url": "https://e.ir/2"},
        ],
    )
    code, _, err = run_import(path)
    assert code == 1
    assert "dates.jsonl line 1: published_at" in err
    assert list(Article.objects.values_list("url", flat=True)) == ["https://e.ir/2"]


def test_json_array_and_zip_of_mixed_files(tmp_path, seed_path):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(seed_path, "seed.txt")
        zf.writestr(
            "batch.json",
            json.dumps(
                [{"title": "یک", "text": "متن یک.", "external_id": "x-1"}, "not an object"],
                ensure_ascii=False,
            ),
        )
        zf.writestr("notes.pdf", b"%PDF-1.4")

    code, out, err = run_import(archive)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 2")
    assert "bundle.zip:batch.json record 2: expected a JSON object" in err
    assert "bundle.zip:notes.pdf" in err
    assert Article.objects.filter(external_id="x-1").exists()


def test_imported_translation_is_an_import_revision(tmp_path):
    path = write_jsonl(
        tmp_path / "t.jsonl",
        [
            {
                "title": "سخنرانی رئیس جمهور",
                "body": "رئیس جمهور سخن گفت. او از صلح گفت.",
                "url": "https://e.ir/t",
                "translation": {
                    "title": "The president's speech",
                    "body": "The president spoke. He spoke of peace.",
                },
            }
        ],
    )

    assert run_import(path)[0] == 0

    segments = list(Segment.objects.order_by("position"))
    assert [s.target_text for s in segments] == [
        "The president's speech",
        "The president spoke.",
        "He spoke of peace.",
    ]
    assert all(s.status == SegmentStatus.EDITED for s in segments)
    assert set(Revision.objects.values_list("origin", flat=True)) == {RevisionOrigin.IMPORT}


def test_changed_text_updates_an_untouched_article_and_older_text_is_not_reapplied(tmp_path):
    old = {"title": "خبر", "body": "نسخه اول خبر.", "url": "https://e.ir/u"}
    new = {"title": "خبر", "body": "نسخه دوم و کامل‌تر خبر.", "url": "https://e.ir/u"}
    path = write_jsonl(tmp_path / "u.jsonl", [old, new])

    _, out, _ = run_import(path)
    assert out.strip().endswith("created 1, updated 1, skipped 0, failed 0")
    article = Article.objects.get()
    assert "نسخه دوم" in " ".join(article.segments.values_list("source_text", flat=True))

    _, out, _ = run_import(path)
    assert out.strip().endswith("created 0, updated 0, skipped 2, failed 0")
    assert "نسخه دوم" in " ".join(article.segments.values_list("source_text", flat=True))


def test_changed_text_does_not_replace_an_edited_article(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"title": "خبر", "body": "متن اول.", "url": "https://e.ir/e"}]
    )
    run_import(path)
    segment = Segment.objects.get(kind="body")
    Revision.objects.create(
        segment=segment, text="First text.", origin=RevisionOrigin.HUMAN, version=2
    )
    write_jsonl(path, [{"title": "خبر", "body": "متن تازه.", "url": "https://e.ir/e"}])

    _, out, err = run_import(path)

    assert out.strip().endswith("created 0, updated 0, skipped 1, failed 0")
    assert "editors have worked on this article" in err
    assert Segment.objects.get(pk=segment.pk).source_text == "متن اول."


def test_a_record_that_breaks_midway_leaves_no_half_article(tmp_path, monkeypatch):
    from django.db import DatabaseError

    from articles import importing

    real = importing.record_imported_targets

    def explode_on_second(segments, *, user):
        real(segments, user=user)  # written, then the disk fills up
        if any("متن 2" in segment.source_text for segment in segments):
            raise DatabaseError("disk full")

    real_insert = import_chunks.insert_values

    def explode_on_second_chunk(model, names, rows, **options):
        ids = real_insert(model, names, rows, **options)  # written, then the disk fills up
        if model is Segment and any("متن 2" in str(row) for row in rows):
            raise DatabaseError("disk full")
        return ids

    monkeypatch.setattr(importing, "record_imported_targets", explode_on_second)
    monkeypatch.setattr(import_chunks, "insert_values", explode_on_second_chunk)
    path = write_jsonl(
        tmp_path / "h.jsonl",
        [{"title": f"خبر {n}", "body": f"متن {n}.", "url": f"https://e.ir/{n}"} for n in (1, 2, 3)],
    )

    code, _, err = run_import(path)

    assert code == 1
    assert "h.jsonl line 2: database error: disk full" in err
    assert sorted(Article.objects.values_list("url", flat=True)) == [
        "https://e.ir/1",
        "https://e.ir/3",
    ]
    assert not Segment.objects.filter(source_text__contains="متن 2").exists()


def test_json_lines_saved_as_json_and_a_broken_array(tmp_path):
    lines = tmp_path / "lines.json"
    lines.write_text(
        '{"title": "یک", "body": "متن یک.", "url": "https://e.ir/l1"}\n'
        '{"title": "دو", "body": "متن دو.", "url": "https://e.ir/l2"}\n',
        encoding="utf-8",
    )
    broken = tmp_path / "broken.json"
    broken.write_text(
        '[{"title": "سه", "body": "متن سه.", "url": "https://e.ir/b3"},\n'
        ' {"title": "چهار", "body": oops},\n'
        ' {"title": "پنج", "body": "متن پنج.", "url": "https://e.ir/b5"}]',
        encoding="utf-8",
    )

    assert run_import(lines)[0] == 0
    code, out, err = run_import(broken)

    assert code == 1
    assert out.strip().endswith("created 1, updated 0, skipped 0, failed 1")
    assert "broken.json after record 1: invalid JSON" in err
    assert "the rest of the file was not read" in err
    assert sorted(Article.objects.values_list("url", flat=True)) == [
        "https://e.ir/b3",
        "https://e.ir/l1",
        "https://e.ir/l2",
    ]


# --- Hostile and malformed records fail alone, with the reason -----------------------------------


def _good(n: int) -> dict:
    return {"title": f"خبر {n}", "body": f"متن خبر شماره {n}.", "url": f"https://e.ir/g{n}"}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _deep_record(depth: int) -> str:
    head = '{"title": "عمیق", "body": "متن عمیق.", "url": "https://e.ir/d", "tags": '
    return head + _nested(depth) + "}"


def _good_urls() -> set[str]:
    return set(Article.objects.values_list("url", flat=True))


def test_a_deeply_nested_json_record_fails_alone(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(
        f"[{_dumps(_good(1))},\n{_deep_record(5000)},\n{_dumps(_good(2))}]", encoding="utf-8"
    )

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 1")
    assert "deep.json record 2: tags nested too deep" in err
    assert _good_urls() == {"https://e.ir/g1", "https://e.ir/g2"}


def test_a_deeply_nested_jsonl_line_fails_alone_and_the_lines_after_it_land(tmp_path):
    path = write_jsonl(tmp_path / "deep.jsonl", [_good(1), _deep_record(5000), _good(2)])

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 1")
    assert "deep.jsonl line 2: tags nested too deep" in err
    assert _good_urls() == {"https://e.ir/g1", "https://e.ir/g2"}


@pytest.mark.parametrize("column", ["tags", "translation"])
def test_a_csv_cell_holding_deeply_nested_json_fails_alone(tmp_path, column):
    path = tmp_path / "deep.csv"
    cell = _nested(5000) if column == "tags" else '{"title": ' + _nested(5000) + "}"
    path.write_text(
        f"title,body,url,{column}\n"
        "خبر یک,متن یک.,https://e.ir/g1,\n"
        f'خبر عمیق,متن عمیق.,https://e.ir/d,"{cell.replace(chr(34), chr(34) * 2)}"\n'
        "خبر دو,متن دو.,https://e.ir/g2,\n",
        encoding="utf-8",
    )

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 1")
    assert f"deep.csv row 3: {column} nested too deep" in err
    assert _good_urls() == {"https://e.ir/g1", "https://e.ir/g2"}


def test_an_unexpected_error_cleaning_one_record_fails_that_record_alone(tmp_path, monkeypatch):
    from articles.importers import records

    real = records.prepare_record

    def choke(*, title, body):
        if "بمب" in body:
            raise RecursionError("maximum recursion depth exceeded")
        return real(title=title, body=body)

    monkeypatch.setattr(records, "prepare_record", choke)
    bomb = {"title": "بد", "body": "یک بمب در متن.", "url": "https://e.ir/b"}
    path = write_jsonl(tmp_path / "odd.jsonl", [_good(1), bomb, _good(2)])

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 1")
    assert "odd.jsonl line 2: could not be imported (RecursionError" in err
    assert ImportBatch.objects.get().status == ImportStatus.DONE


@pytest.fixture
def small_records(settings):
    """Records of at most 4 KB, so a test can build an oversized one cheaply."""
    settings.MAX_RECORD_TEXT_BYTES = 4096
    return settings


def test_an_oversized_jsonl_line_fails_alone(tmp_path, small_records):
    big = {"title": "بزرگ", "body": "متن بلند. " * 1000, "url": "https://e.ir/big"}
    path = write_jsonl(tmp_path / "big.jsonl", [_good(1), big, _good(2)])

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 1")
    assert "big.jsonl line 2: text is larger than 4 KB" in err
    assert _good_urls() == {"https://e.ir/g1", "https://e.ir/g2"}


def test_an_oversized_json_string_fails_its_record_alone(tmp_path, small_records):
    big = {"title": "بزرگ", "body": "متن بلند. " * 1000, "url": "https://e.ir/big"}
    path = tmp_path / "big.json"
    path.write_text(_dumps([_good(1), big, _good(2)]), encoding="utf-8")

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 1")
    assert "big.json record 2: text is larger than 4 KB" in err
    assert _good_urls() == {"https://e.ir/g1", "https://e.ir/g2"}


def test_an_oversized_csv_row_fails_alone(tmp_path, small_records):
    path = tmp_path / "big.csv"
    long_body = "سطر بلند.\n" * 1000
    path.write_text(
        "title,body,url\n"
        "خبر یک,متن یک.,https://e.ir/g1\n"
        f'بزرگ,"{long_body}",https://e.ir/big\n'
        "خبر دو,متن دو.,https://e.ir/g2\n",
        encoding="utf-8",
    )

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 1")
    assert "big.csv row 3: text is larger than 4 KB" in err
    assert _good_urls() == {"https://e.ir/g1", "https://e.ir/g2"}


def test_an_oversized_member_of_a_zip_fails_alone(tmp_path, small_records):
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", "عنوان\n\n" + "متن تکراری. " * 2000)
        zf.writestr("ok.jsonl", _dumps(_good(1)) + "\n")

    code, out, err = run_import(archive)

    assert code == 1
    assert out.strip().endswith("created 1, updated 0, skipped 0, failed 1")
    assert "mixed.zip:big.txt: text is larger than 4 KB" in err
    assert _good_urls() == {"https://e.ir/g1"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "  JavaScript:alert(document.cookie)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://e.ir/file",
        "//e.ir/no-scheme",
    ],
)
def test_an_article_url_that_is_not_http_fails_the_record(tmp_path, url):
    bad = {"title": "پیوند بد", "body": "متن پیوند بد.", "url": url}
    path = write_jsonl(tmp_path / "links.jsonl", [bad, _good(1)])

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 1, updated 0, skipped 0, failed 1")
    assert "links.jsonl line 1: url must be an http:// or https:// address" in err
    assert _good_urls() == {"https://e.ir/g1"}


FORBIDDEN = "\x00\x01\x08\x0e\x1f\ufffe\uffff"


def test_characters_xml_forbids_are_removed_from_what_is_stored(tmp_path):
    record = {
        "title": "عنوان\x01 خبر\x00",
        "body": "جمله\x00 اول\ufffe است.\x0bجمله دوم\x1f است.",
        "url": "https://e.ir/c\x00",
        "external_id": "c-\x001",
        "tags": ["سیاست\x00", "اقتصاد\x08"],
        "translation": {"title": "The\x00 title\x0e", "body": "First\uffff is. Second is."},
    }
    path = write_jsonl(tmp_path / "controls.jsonl", [record, _good(1)])

    code, out, err = run_import(path)

    assert code == 0, err
    assert out.strip().endswith("created 2, updated 0, skipped 0, failed 0")
    assert "controls.jsonl line 1: removed 12 characters XML 1.0 forbids" in err
    article = Article.objects.get(external_id="c-1")
    assert article.url == "https://e.ir/c"
    assert article.title == "عنوان خبر"
    assert sorted(article.tags.values_list("name", flat=True)) == ["اقتصاد", "سیاست"]
    stored = [article.title, article.raw_text]
    for segment in article.segments.all():
        stored += [segment.source_text, segment.target_text]
    assert not any(char in text for text in stored for char in FORBIDDEN)
    assert list(article.segments.order_by("position").values_list("target_text", flat=True)) == [
        "The title",
        "First is.",
        "Second is.",
    ]
    assert [s for s in article.segments.values_list("source_text", flat=True)][1:] == [
        "جمله اول است.",
        "جمله دوم است.",
    ]


def test_a_nul_late_in_a_text_file_is_removed_with_a_note(tmp_path):
    path = tmp_path / "late.txt"
    filler = "این یک جمله پرکننده است. " * 4000  # past the sample that tells text from binary
    path.write_text(f"عنوان خبر\n\n{filler}\nپایان\x00 خبر.\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 0, err
    assert "late.txt: removed 1 character XML 1.0 forbids (U+0000" in err
    article = Article.objects.get()
    assert "\x00" not in article.raw_text and article.raw_text.endswith("پایان خبر.\n")
    assert article.segments.filter(source_text__contains="پایان خبر.").exists()


def test_markup_that_hides_text_keeps_the_text_and_notes_what_was_removed(tmp_path):
    records = [
        {
            "title": "نشانه‌گذاری",
            "body": "<b>مهم</b> متن اول <svg/onload=x> متن دوم",
            "url": "https://e.ir/m1",
        },
        {"title": "نامساوی", "body": "a<b and c>d", "url": "https://e.ir/m2"},
        {
            "title": "کد",
            "body": "<p>بند اول.</p><script>var a = 1; var b = 2;</script><p>بند دوم.</p>",
            "url": "https://e.ir/m3",
        },
    ]
    path = write_jsonl(tmp_path / "markup.jsonl", records)

    code, _, err = run_import(path)

    assert code == 0, err

    def body(url):
        segments = Article.objects.get(url=url).segments.exclude(kind="title")
        return " ".join(segments.values_list("source_text", flat=True))

    assert body("https://e.ir/m1") == "مهم متن اول متن دوم"
    assert body("https://e.ir/m2") == "a<b and c>d"
    assert body("https://e.ir/m3") == "بند اول. بند دوم."
    assert "markup.jsonl line 3: markup removed: 6 words inside <script>" in err


def test_a_later_record_of_a_file_wins_after_an_interrupted_import(tmp_path, monkeypatch):
    from django.db import DatabaseError

    first = {"title": "خبر", "body": "نسخه نخست خبر.", "url": "https://e.ir/same"}
    later = {"title": "خبر", "body": "نسخه پسین خبر.", "url": "https://e.ir/same"}
    path = write_jsonl(tmp_path / "twice.jsonl", [first, _good(1), later])

    # The uninterrupted import, for comparison.
    run_import(path)
    expected = list(
        Article.objects.get(url="https://e.ir/same").segments.values_list("source_text", flat=True)
    )
    assert "نسخه پسین خبر." in expected
    Article.objects.all().delete()

    # The first record fails (the import was interrupted there), the later one lands.
    real = import_prepare.build_article_input

    def interrupted(record, **kwargs):
        if "نسخه نخست" in record.raw_text:
            raise DatabaseError("server closed the connection unexpectedly")
        return real(record, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(import_prepare, "build_article_input", interrupted)
        code, _, _ = run_import(path)
    assert code == 1

    code, out, _ = run_import(path)

    assert code == 0
    assert out.strip().endswith("created 0, updated 0, skipped 3, failed 0")
    article = Article.objects.get(url="https://e.ir/same")
    assert list(article.segments.values_list("source_text", flat=True)) == expected


def test_within_a_file_the_later_record_wins_even_over_a_text_met_before(tmp_path):
    first = {"title": "خبر", "body": "نسخه یک.", "url": "https://e.ir/abc"}
    second = {"title": "خبر", "body": "نسخه دو.", "url": "https://e.ir/abc"}
    path = write_jsonl(tmp_path / "aba.jsonl", [first, second, first])

    _, out, _ = run_import(path)
    assert out.strip().endswith("created 1, updated 2, skipped 0, failed 0")
    _, out, _ = run_import(path)
    assert out.strip().endswith("created 0, updated 0, skipped 3, failed 0")

    article = Article.objects.get()
    assert "نسخه یک." in article.segments.values_list("source_text", flat=True)


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("..\\..\\x.json", "'..'"),
        ("../x.json", "'..'"),
        ("/etc/x.json", "absolute path"),
        ("C:\\x.json", "absolute path"),
    ],
)
def test_a_zip_member_whose_name_leaves_the_archive_is_skipped_with_a_reason(
    tmp_path, member, reason
):
    archive = tmp_path / "names.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member, _dumps([_good(9)]))
        zf.writestr("ok.json", _dumps([_good(1)]))

    code, out, err = run_import(archive)

    assert code == 1
    assert out.strip().endswith("created 1, updated 0, skipped 0, failed 1")
    assert f"names.zip:{member}: skipped: " in err
    assert reason in err
    assert _good_urls() == {"https://e.ir/g1"}


def test_a_damaged_zip_member_fails_alone(tmp_path):
    archive = tmp_path / "damaged.zip"
    payload = _dumps([_good(9)]).encode()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("bad.json", payload)
        zf.writestr("ok.json", _dumps([_good(1)]))
    data = archive.read_bytes()
    at = data.index(payload) + 5
    archive.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])  # CRC mismatch

    code, _, err = run_import(archive)

    assert code == 1
    assert "damaged.zip:bad.json: cannot read this member of the archive" in err
    assert _good_urls() == {"https://e.ir/g1"}
    assert ImportBatch.objects.get().status == ImportStatus.DONE
