"""Every saved edit keeps a revision; two can be compared word by word, and one restored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nashr.core.actors import COMMAND
from nashr.core.exceptions import StateError
from nashr.publications import services
from nashr.publications.models import Publication, Revision
from nashr.publications.revisions import revisions_diff, word_diff

pytestmark = pytest.mark.django_db


def test_each_text_edit_keeps_a_revision_with_who_and_what(
    make_publication: Callable[..., Publication], make_staff: Callable[..., Any]
) -> None:
    """Create gives revision 1; a body edit gives 2 with its author; a date edit none."""
    editor = make_staff("editor")
    publication = make_publication(body="آزادی زندانیان سیاسی")
    services.publication_update(
        actor=editor, publication=publication, body="آزادی فوری زندانیان سیاسی"
    )
    services.publication_update(actor=editor, publication=publication, slug="other")
    revisions = list(publication.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].author == editor and revisions[1].changed == ["body"]
    assert revisions[0].actor_label == "system:command"


def test_word_diff_marks_whole_persian_words() -> None:
    """An inserted Persian word is one <ins>; the words around it are untouched."""
    html = word_diff("آزادی زندانیان سیاسی", "آزادی فوری زندانیان سیاسی")
    assert html == "آزادی<ins> فوری</ins> زندانیان سیاسی"
    assert word_diff("a <b>", "a <i>") == "a &lt;<del>b</del> <ins>i</ins>&gt;"


def test_restore_brings_back_an_old_text_as_a_new_revision(
    make_publication: Callable[..., Publication],
) -> None:
    """Restoring revision 1 makes revision 3 with its text; revision 2 stays in history."""
    publication = make_publication(title="عنوان", body="متن درست")
    services.publication_update(actor=COMMAND, publication=publication, body="متن اشتباه")
    services.publication_restore(actor=COMMAND, publication=publication, number=1)
    publication.refresh_from_db()
    assert publication.body == "متن درست" and publication.revision == 3
    latest = Revision.objects.get(publication=publication, number=3)
    assert latest.restored_from == 1
    assert Revision.objects.filter(publication=publication).count() == 3
    diff = revisions_diff(Revision.objects.get(publication=publication, number=2), latest)
    assert [d.field for d in diff if d.changed] == ["body"]
    assert "<del>اشتباه</del> <ins>درست</ins>" in diff[2].html
    with pytest.raises(StateError):
        services.publication_restore(actor=COMMAND, publication=publication, number=3)
