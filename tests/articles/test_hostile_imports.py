"""Hostile files, run through `manage.py import_articles` as a separate process under a memory cap.

Each file is built here (nothing is downloaded) with good records beside the hostile ones. The
importer must end normally within 1 GB of address space and a CPU-time bound, name each hostile
record and why, and import the good records of the same file. Files are imported a few to a
process, grouped by what they attack, to keep the suite quick.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDRESS_SPACE = 1024**3  # the worker went past 23 GB; the importer idles near 230 MB
CPU_SECONDS = 60
FORBIDDEN = "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff"


def _good(n: int, path: Path) -> dict:
    """A good record of the file at `path`; its address names the file."""
    return {
        "title": f"خبر سالم {n} {path.name}",
        "body": f"متن خبر سالم شماره {n}.",
        "url": _good_url(n, path),
    }


def _good_url(n: int, path: Path) -> str:
    return f"https://e.ir/{path.name}/{n}"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _bomb(depth: int) -> str:
    return "[" * depth + "]" * depth


def _json_bomb(path: Path) -> None:  # 2 MB of brackets
    hostile = '{"title": "بمب", "body": "متن بمب.", "url": "https://e.ir/b", "tags": '
    path.write_text(
        f"[{_dumps(_good(1, path))},\n{hostile}{_bomb(1_000_000)}}},\n{_dumps(_good(2, path))}]",
        encoding="utf-8",
    )


def _jsonl_bomb(path: Path) -> None:
    hostile = '{"title": "بمب", "body": "متن بمب.", "url": "https://e.ir/b", "tags": '
    path.write_text(
        f"{_dumps(_good(1, path))}\n{hostile}{_bomb(100_000)}}}\n{_dumps(_good(2, path))}\n",
        encoding="utf-8",
    )


def _csv_bomb(path: Path) -> None:
    path.write_text(
        "title,body,url,tags\n"
        f"خبر سالم 1,متن خبر سالم شماره 1.,{_good_url(1, path)},\n"
        f"بمب,متن بمب.,https://e.ir/b,{_bomb(100_000)}\n"
        f"خبر سالم 2,متن خبر سالم شماره 2.,{_good_url(2, path)},\n",
        encoding="utf-8",
    )


def _huge_zip_member(path: Path) -> None:  # 300 MB of text inside a 2 MB archive
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("a.jsonl", _dumps(_good(1, path)) + "\n")
        with zf.open("huge.txt", "w", force_zip64=True) as member:
            block = ("متن تکراری " * 100 + "\n").encode() * 400
            for _ in range(300 * 1024 * 1024 // len(block)):
                member.write(block)
        zf.writestr("b.jsonl", _dumps(_good(2, path)) + "\n")


def _huge_jsonl_line(path: Path) -> None:  # one 40 MB line
    with path.open("w", encoding="utf-8") as out:
        out.write(_dumps(_good(1, path)) + "\n")
        out.write('{"title": "بلند", "url": "https://e.ir/b", "body": "')
        for _ in range(400):
            out.write("متن بلند " * 5000)
        out.write('"}\n' + _dumps(_good(2, path)) + "\n")


def _huge_json_string(path: Path) -> None:  # one 40 MB string value
    with path.open("w", encoding="utf-8") as out:
        out.write(f"[{_dumps(_good(1, path))},\n")
        out.write('{"title": "بلند", "url": "https://e.ir/b", "body": "')
        for _ in range(400):
            out.write("متن بلند " * 5000)
        out.write(f'"}},\n{_dumps(_good(2, path))}]')


def _script_urls(path: Path) -> None:
    bad = [
        {"title": "پیوند", "body": "متن پیوند.", "url": url}
        for url in ("javascript:alert(1)", "  JaVaScRiPt:alert(1)", "data:text/html,<script>x")
    ]
    path.write_text(_dumps([_good(1, path), *bad, _good(2, path)]), encoding="utf-8")


def _controls(path: Path) -> None:
    record = {
        "title": f"عنوان{FORBIDDEN} کنترلی",
        "body": f"جمله{FORBIDDEN} کنترلی است.",
        "url": "https://e.ir/c",
        "tags": [f"برچسب{FORBIDDEN}"],
        "translation": {"title": f"Control{FORBIDDEN} title"},
    }
    lines = "\n".join(_dumps(r) for r in (_good(1, path), record, _good(2, path)))
    path.write_text(lines + "\n", encoding="utf-8")


def _hidden_markup(path: Path) -> None:
    rows = [
        _good(1, path),
        {
            "title": "الف",
            "body": "<b>مهم</b> متن اول <svg/onload=x> متن دوم",
            "url": "https://e.ir/m",
        },
        {"title": "ب", "body": "<p>بند.</p> <textarea> ادامه", "url": "https://e.ir/t"},
        {"title": "پ", "body": "<p>بند.</p><script>var a = 1;</script>", "url": "https://e.ir/s"},
        _good(2, path),
    ]
    path.write_text("\n".join(_dumps(r) for r in rows) + "\n", encoding="utf-8")


def _traversal(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.json", _dumps([_good(1, path)]))
        for name in ("..\\..\\x.json", "../y.json", "/etc/z.json"):
            zf.writestr(
                name, _dumps([{"title": "فرار", "body": "متن فرار.", "url": "https://e.ir/x"}])
            )
        zf.writestr("b.json", _dumps([_good(2, path)]))


@dataclass(frozen=True)
class Case:
    name: str
    build: object
    reasons: tuple[str, ...]


# Each group of files is imported by one process; its exit status is 1 when a record failed.
GROUPS = {
    "nesting": [
        Case("bomb.json", _json_bomb, ("bomb.json record 2: tags nested too deep",)),
        Case("bomb.jsonl", _jsonl_bomb, ("bomb.jsonl line 2: tags nested too deep",)),
        Case("bomb.csv", _csv_bomb, ("bomb.csv row 3: tags nested too deep",)),
    ],
    "size": [
        Case("member.zip", _huge_zip_member, ("member.zip:huge.txt: text is larger than 5 MB",)),
        Case("line.jsonl", _huge_jsonl_line, ("line.jsonl line 2: text is larger than 5 MB",)),
        Case("string.json", _huge_json_string, ("string.json record 2: text is larger than 5 MB",)),
    ],
    "stored": [
        Case(
            "links.json",
            _script_urls,
            tuple(
                f"links.json record {n}: url must be an http:// or https:// address"
                for n in (2, 3, 4)
            ),
        ),
        Case("controls.jsonl", _controls, ("note: controls.jsonl line 2: removed 28 characters",)),
        Case(
            "markup.jsonl",
            _hidden_markup,
            ("note: markup.jsonl line 4: markup removed: 3 words inside <script>",),
        ),
        Case(
            "names.zip",
            _traversal,
            (
                "names.zip:..\\..\\x.json: skipped: its name climbs out of the archive",
                "names.zip:../y.json: skipped: its name climbs out of the archive",
                "names.zip:/etc/z.json: skipped: its name is an absolute path",
            ),
        ),
    ],
}
CASES = {case.name: (group, case) for group, cases in GROUPS.items() for case in cases}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    peak_mb: float
    seconds: float
    database: Path

    def rows(self, query: str) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(query).fetchall()


# Runs manage.py under the limits, then writes the process's peak resident memory (VmHWM, which
# only counts this program, not the pytest process it was started from) to HOSTILE_PEAK_FILE.
LIMITED_MANAGE = f"""
import atexit, os, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
resource.setrlimit(resource.RLIMIT_CPU, ({CPU_SECONDS}, {CPU_SECONDS}))

def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(os.environ["HOSTILE_PEAK_FILE"], "w") as out:
        out.write(peak)

atexit.register(report)
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def _environment(work: Path, database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        NEWSROOM_VAR_DIR=str(work / "var"),
        SECRET_KEY="hostile-import-tests",
        DEBUG="1",
    )
    return env


def _manage(work: Path, database: Path, *args: str) -> Run:
    out, err = work / f"{database.stem}.out", work / f"{database.stem}.err"
    peak = work / f"{database.stem}.peak"
    env = {**_environment(work, database), "HOSTILE_PEAK_FILE": str(peak)}
    started = time.monotonic()
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.run(
            [sys.executable, "-c", LIMITED_MANAGE, *args],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
            check=False,
        )
    return Run(
        code=process.returncode,
        out=out.read_text(),
        err=err.read_text(),
        peak_mb=int(peak.read_text()) / 1024 if peak.exists() else float("inf"),
        seconds=time.monotonic() - started,
        database=database,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    """Each group of hostile files imported by its own process (two at a time) and database."""
    work = tmp_path_factory.mktemp("hostile")
    template = work / "template.sqlite3"
    migrated = _manage(work, template, "migrate", "--verbosity", "0")
    assert migrated.code == 0, migrated.err

    def run(group: str) -> tuple[str, Run]:
        paths = [work / case.name for case in GROUPS[group]]
        for case, path in zip(GROUPS[group], paths, strict=True):
            case.build(path)
        database = work / f"{group}.sqlite3"
        shutil.copy(template, database)
        result = _manage(work, database, "import_articles", "--skip-checks", *map(str, paths))
        for path in paths:
            path.unlink()  # the largest are tens of megabytes
        return group, result

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, GROUPS))


@pytest.mark.parametrize("group", GROUPS)
def test_a_process_importing_hostile_files_ends_normally_within_bounds(runs, group):
    run = runs[group]

    assert run.code == 1, run.err[-2000:]
    assert "Traceback" not in run.err
    assert run.peak_mb < 400
    assert run.seconds < 30
    assert run.out.strip().splitlines()[-1].startswith("created ")


@pytest.mark.parametrize("name", CASES)
def test_a_hostile_record_fails_alone_and_the_good_ones_beside_it_land(runs, name):
    group, case = CASES[name]
    run = runs[group]

    for reason in case.reasons:
        assert reason in run.err
    urls = {url for (url,) in run.rows("SELECT url FROM articles_article")}
    path = Path(name)
    assert {_good_url(1, path), _good_url(2, path)} <= urls


def test_hostile_text_is_stored_clean(runs):
    stored = runs["stored"]
    rows = stored.rows(
        "SELECT a.title, a.raw_text, s.source_text, s.target_text FROM articles_article a "
        "JOIN articles_segment s ON s.article_id = a.id WHERE a.url = 'https://e.ir/c'"
    )
    assert rows
    assert not any(char in text for row in rows for text in row for char in FORBIDDEN)
    body = stored.rows(
        "SELECT group_concat(s.source_text, ' ') FROM articles_segment s JOIN articles_article a "
        "ON s.article_id = a.id WHERE a.url = 'https://e.ir/m' AND s.kind != 'title'"
    )
    assert body == [("مهم متن اول متن دوم",)]
    textarea = stored.rows(
        "SELECT s.source_text FROM articles_segment s JOIN articles_article a "
        "ON s.article_id = a.id WHERE a.url = 'https://e.ir/t'"
    )
    assert textarea and not any("</body>" in text for (text,) in textarea)
