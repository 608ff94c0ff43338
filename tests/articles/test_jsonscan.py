"""Splitting a JSON stream into records: the same records json.loads sees, in bounded memory."""

import io
import json
import random
import resource
import time

import pytest

from articles.importers.jsonscan import BrokenJSON, split_records

RECORDS = [
    {"title": "یک", "body": 'متن "نقل‌قول" و [کروشه] و {آکولاد}, با ویرگول', "tags": ["a", "b"]},
    {"title": "دو\\", "body": '\\"', "n": [1, 2.5, -3e2, True, False, None], "e": {}},
    {"title": "سه", "segments": [{"mentions": [{"entity": {"name_en": "Tehran"}}]}]},
    "a string",
    12,
    [],
    {"body": "\u0000\n\t\u06cc\U0001f600", "k": {"x": {"y": []}}},
]


def split(data: bytes, chunk_size: int, max_bytes: int = 10_000, max_depth: int = 8):
    return list(
        split_records(
            io.BytesIO(data), max_bytes=max_bytes, max_depth=max_depth, chunk_size=chunk_size
        )
    )


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 64, 65536])
@pytest.mark.parametrize("ascii", [True, False])
def test_an_array_splits_into_its_items_at_any_chunk_size(chunk_size, ascii):
    data = json.dumps(RECORDS, ensure_ascii=ascii, indent=1 if chunk_size % 2 else None)

    items = split(data.encode(), chunk_size)

    assert [item.refused for item in items] == [None] * len(RECORDS)
    assert [json.loads(item.data) for item in items] == RECORDS


@pytest.mark.parametrize("chunk_size", [1, 5, 65536])
def test_values_one_after_another_split_into_records(chunk_size):
    records = [r for r in RECORDS if isinstance(r, dict | list | str)]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"

    items = split(data.encode(), chunk_size)

    assert [json.loads(item.data) for item in items] == records


@pytest.mark.parametrize("chunk_size", [1, 3, 65536])
def test_a_record_nested_too_deep_is_refused_and_names_its_field(chunk_size):
    deep = '{"title": "x", "tags": ' + "[" * 50 + "]" * 50 + "}"
    fine = '{"a": [[[[[[["ok"]]]]]]]}'  # 8 levels: the bound itself
    data = f"[{fine}, {deep}, {fine}]".encode()

    items = split(data, chunk_size)

    assert [item.refused for item in items] == [
        None,
        "tags nested too deep (more than 8 levels of arrays or objects)",
        None,
    ]
    assert json.loads(items[2].data) == json.loads(fine)


def test_a_record_larger_than_the_bound_is_refused_and_the_next_one_read():
    big = json.dumps({"body": "متن " * 5000}, ensure_ascii=False)
    data = f'[{big}, {{"body": "کوتاه"}}]'.encode()

    items = split(data, 1024, max_bytes=4096)

    assert items[0].refused.startswith("text is larger than 4 KB")
    assert json.loads(items[1].data) == {"body": "کوتاه"}


@pytest.mark.parametrize(
    "data",
    [
        b'[{"a": 1},, {"b": 2}]',
        b'[{"a": 1},]',
        b'[{"a": [1}]',
        b'[{"a": 1}',
        b'[{"a": "1}]',
        b'[{"a": 1}] x',
        b'{"a": 1}, {"b": 2}',
        b'{"a": 1}}',
    ],
)
def test_a_broken_structure_stops_with_a_reason(data):
    with pytest.raises(BrokenJSON):
        split(data, 3)


def test_an_empty_array_has_no_records():
    assert split(b" [ ] ", 1) == []


@pytest.mark.parametrize("size", [200_000, 2_000_000])
def test_a_bracket_bomb_costs_neither_memory_nor_time(size):
    bomb = "[" * (size // 2) + "]" * (size // 2)
    data = f'[{{"title": "x", "tags": {bomb}}}, {{"title": "y"}}]'.encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()  # CPU time: a busy machine does not slow it much

    items = split(data, 65536)

    assert time.process_time() - started < 10
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB
    assert items[0].refused.startswith("tags nested too deep")
    assert json.loads(items[1].data) == {"title": "y"}


def test_random_records_split_as_json_loads_reads_them():
    rng = random.Random(7)
    alphabet = 'ab "\\[]{},:\n\u06cc\u200c'

    def value(depth):
        kind = rng.randrange(6 if depth < 4 else 3)
        if kind == 0:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(8)))
        if kind == 1:
            return rng.choice([0, -1.5, 10**20, True, None])
        if kind == 2:
            return rng.choice(["", "]", "}", "\\", '"'])
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        keys = ["k", 'a"b', "[", "\\", "{}"]
        return {rng.choice(keys) + str(i): value(depth + 1) for i in range(rng.randrange(4))}

    for _ in range(50):
        records = [{"r": value(1)} for _ in range(rng.randrange(1, 6))]
        data = json.dumps(records, ensure_ascii=rng.random() < 0.5).encode()
        items = split(data, rng.randrange(1, 40))
        assert [json.loads(item.data) for item in items] == records
