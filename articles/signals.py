"""Events other apps act on, sent inside the transaction of the change they announce.

`target_changed` (segment_id, old, new, optional cache): a segment's target text was rewritten
by a person; mentions on the target side must follow the text. `cache` holds what the write's
checks already read under the segment's lock, to be reused rather than read again.
`article_translated` (article_id): machine translation filled an article's segments; entity
suggestions can run. A receiver whose work is slow or may fail queues it with
`transaction.on_commit` rather than doing it inside.

`save_reads` lets another app read what it needs of a segment in the same statement that locks
the segment's row for a save: name -> an SQL expression over the segment's alias `s`. The value
is set on the locked segment, which the write's `cache` holds as `cache["segment"]`.
"""

from django.dispatch import Signal

target_changed = Signal()
article_translated = Signal()
save_reads: dict[str, str] = {}
