"""The ZWNJ lexicon is built once and kept in var/: every later process reads the same lexicon."""

import pytest

from articles.text import zwnj_lexicon
from articles.text.zwnj import restore_zwnj


@pytest.fixture
def fresh_lexicon(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    zwnj_lexicon.lexicon.cache_clear()
    yield tmp_path / "cache"
    zwnj_lexicon.lexicon.cache_clear()


def test_the_kept_lexicon_is_the_built_one(fresh_lexicon):
    built = zwnj_lexicon.lexicon()
    assert len(list(fresh_lexicon.glob("zwnj-lexicon-*.pickle"))) == 1
    zwnj_lexicon.lexicon.cache_clear()

    assert zwnj_lexicon.lexicon() == built == zwnj_lexicon.build_lexicon()
    assert restore_zwnj("رسانهها میخواهد") == "رسانه‌ها می‌خواهد"


def test_a_damaged_kept_lexicon_is_built_again(fresh_lexicon):
    zwnj_lexicon.lexicon()
    [kept] = fresh_lexicon.glob("zwnj-lexicon-*.pickle")
    kept.write_bytes(kept.read_bytes()[:1000])
    zwnj_lexicon.lexicon.cache_clear()

    assert zwnj_lexicon.lexicon() == zwnj_lexicon.build_lexicon()
