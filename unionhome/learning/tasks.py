"""Learning's background work."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def certificate_issued(certificate_id: int) -> bool:
    """Tell the holder their certificate is ready (inbox, and the channels they chose), with the
    link to it. Run from the outbox once the submission that issued it committed; a second run
    (at-least-once delivery) finds it already told."""
    from .certificates import announce

    return announce(certificate_id)


@db_task()
def lesson_pages(lesson_id: int) -> int:
    """Draw a document lesson's PDF into the page images its lesson page shows."""
    from .documents import draw

    return draw(lesson_id)
