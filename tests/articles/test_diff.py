from articles.text.diff import Chunk, word_diff


def test_a_replaced_word_shows_as_deleted_then_inserted():
    assert word_diff("Iran and Russia", "Iran and the Russians") == [
        Chunk("equal", "Iran and "),
        Chunk("delete", "Russia"),
        Chunk("insert", "the Russians"),
    ]


def test_identical_texts_are_one_equal_chunk():
    assert word_diff("no change", "no change") == [Chunk("equal", "no change")]


def test_from_empty_everything_is_inserted():
    assert word_diff("", "new text") == [Chunk("insert", "new text")]
