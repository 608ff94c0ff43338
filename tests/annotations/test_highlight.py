from types import SimpleNamespace

from annotations.highlight import highlight


def _m(pk, start, end, kind="GPE", origin="manual"):
    entity = SimpleNamespace(name_en="X")
    return SimpleNamespace(
        pk=pk,
        start=start,
        end=end,
        type=kind,
        origin=origin,
        needs_review=False,
        entity_id=1,
        entity=entity,
    )


def test_nested_mentions_nest_and_text_is_escaped():
    html = highlight("<b> Iran and Russia", [_m(1, 4, 19), _m(2, 13, 19)])
    assert html.startswith("&lt;b&gt; <mark")
    assert html.count("<mark") == 2 and html.count("</mark>") == 2
    assert html.index('data-mention-id="1"') < html.index('data-mention-id="2"')
    assert html.endswith("Russia</mark></mark>")


def test_offsets_are_code_points_with_emoji():
    html = highlight("😀 ISIS", [_m(1, 2, 6, "ORG")])
    assert html.endswith(">ISIS</mark>") and html.startswith("😀 <mark")
