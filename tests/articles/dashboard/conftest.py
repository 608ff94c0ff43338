import pytest

from articles.editing import approve_segments, save_segment
from articles.models import ArticleStatus, SegmentStatus
from tests.factories import ArticleFactory, SegmentFactory, UserFactory


@pytest.fixture
def desk_day(db):
    """A known day's work: an editor saves three segments of an IRNA article, a reviewer
    approves one of them; an ISNA article stays untouched."""
    editor = UserFactory(username="ed1", groups=["editor"])
    reviewer = UserFactory(username="rev1", groups=["reviewer"])
    article = ArticleFactory(outlet="IRNA", status=ArticleStatus.TRANSLATED)
    ArticleFactory(outlet="ISNA", status=ArticleStatus.TRANSLATED)
    mt = "the minister said on monday that talks would go on"
    segments = [
        SegmentFactory(article=article, mt_text=mt, target_text=mt, status=SegmentStatus.MACHINE)
        for _ in range(4)
    ]
    # Words changed from the MT: 1 (one replaced), 2 (two dropped), 3 (three replaced).
    texts = [
        "the minister said on tuesday that talks would go on",
        "the minister said on monday talks go on",
        "a minister told reporters monday that talks would go on",
    ]
    seconds = [10, 20.5, 10]
    for segment, text, spent in zip(segments, texts, seconds, strict=False):
        save_segment(
            segment_id=segment.pk,
            expected_version=segment.version,
            user=editor,
            target_text=text,
            edit_seconds=spent,
        )
    segments[0].refresh_from_db()
    approve_segments(versions={segments[0].pk: segments[0].version}, user=reviewer)
    return {"editor": editor, "reviewer": reviewer, "article": article, "segments": segments}
