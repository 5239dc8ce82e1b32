"""What follows each change: every derived copy of the content, and what refreshes it.

Services announce what they changed (``nashr.core.changes.announce``, inside their
transaction); this file is the one place that says which copy follows which change.
Read it top to bottom: the handlers run in this order, first those written with the
change (inside its transaction), then those told after the commit.

With the change (in the database, committed with it or not at all):

1. **Stored HTML** of the publications that show a changed or deleted image or file:
   each publication's ``body_html`` is rendered when it is saved, so a new alt text,
   new variants or a deleted upload reach it only through this. The publications
   found (``MediaUse``, kept by the publication services) are rendered again and
   announced as changed publications, which brings the handlers below along.
2. **Search index** of the changed publications (published ones indexed, others
   dropped).
3. **Telegram queue**: what the linked channels must post, edit or delete for the changed
   publications and bulletin issues, queued with the change (nashr/telegram/services.py),
   so a crash after the commit loses no post.

After the commit (outside the database):

4. **Page cache**: any change a reader can see replaces the cached pages' generation.
5. **Static mirror**: one rebuild queued (when ``NASHR_MIRROR_DIR`` is set), told
   what changed; the build's fingerprints find which files to write again.
6. **The fediverse**: one task (when ``NASHR_FEDERATION`` is on) sends the followers a
   Create, Update or Delete of each changed publication, by what they were last sent.
7. **Telegram channels**: the worker's task that sends the queue (item 3) is queued.
"""

from __future__ import annotations

from nashr.core import pagecache
from nashr.core.changes import Changes, Stage, Topic, handle
from nashr.federation.tasks import federation_queue_sync
from nashr.media.services import media_users, owner_label
from nashr.mirror.tasks import mirror_queue_rebuild
from nashr.publications.models import Publication
from nashr.publications.services import publications_render_again
from nashr.search.services import search_index_publications
from nashr.telegram.services import posts_queue_for_changes, posts_send_after_commit

# Everything a public page or the mirror shows.
SEEN_BY_READERS = frozenset(Topic)


def publications_showing_media(changes: Changes) -> None:
    """Render again the stored HTML of the publications that use the changed uploads."""
    users = media_users(media_ids=changes[Topic.MEDIA])
    ids = users.get(owner_label(Publication), set())
    if ids:
        publications_render_again(ids=sorted(ids))


def search_index(changes: Changes) -> None:
    search_index_publications(ids=changes[Topic.PUBLICATIONS])


def register() -> None:
    """Register every handler, in the order they run (called once, from the app's ready())."""
    handle(
        "stored HTML of publications showing changed uploads",
        stage=Stage.WITH_CHANGE,
        topics=[Topic.MEDIA],
        handler=publications_showing_media,
    )
    handle(
        "search index",
        stage=Stage.WITH_CHANGE,
        topics=[Topic.PUBLICATIONS],
        handler=search_index,
    )
    handle(
        "page cache",
        stage=Stage.AFTER_COMMIT,
        topics=SEEN_BY_READERS,
        handler=pagecache.public_pages_changed,
    )
    handle(
        "static mirror",
        stage=Stage.AFTER_COMMIT,
        topics=SEEN_BY_READERS,
        handler=mirror_queue_rebuild,
    )
    handle(
        "fediverse",
        stage=Stage.AFTER_COMMIT,
        topics=[Topic.PUBLICATIONS],
        handler=federation_queue_sync,
    )
    handle(
        "Telegram queue",
        stage=Stage.WITH_CHANGE,
        topics=[Topic.PUBLICATIONS, Topic.BULLETINS],
        handler=posts_queue_for_changes,
    )
    handle(
        "Telegram channels",
        stage=Stage.AFTER_COMMIT,
        topics=[Topic.PUBLICATIONS, Topic.BULLETINS],
        handler=posts_send_after_commit,
    )
