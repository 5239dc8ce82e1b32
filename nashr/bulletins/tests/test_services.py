"""The services hold the rules: who may do what, editing items whole, never deleting a number."""

from __future__ import annotations

import datetime as dt

import pytest

from nashr.accounts import roles
from nashr.bulletins import services
from nashr.bulletins.models import Bulletin
from nashr.bulletins.services import ItemSpec
from nashr.core.actors import COMMAND
from nashr.core.exceptions import PermissionDenied, StateError, ValidationError


def test_an_editor_prepares_and_publishes_an_issue(english_series, make_publication, make_staff):
    """The editor role drafts, edits, publishes and corrects an issue."""
    editor = make_staff(roles.EDITOR)
    make_publication(title="s")
    draft = services.bulletin_draft(actor=editor, series=english_series, year=2023, month=11)
    services.bulletin_update(actor=editor, bulletin=draft, editorial_title=" Headline ")
    published = services.bulletin_publish(actor=editor, bulletin=draft)
    corrected = services.bulletin_correct(actor=editor, bulletin=published, note="typo")
    assert (corrected.number, corrected.edition, corrected.editorial_title) == (47, 2, "Headline")


def test_authors_and_translators_cannot_touch_the_bulletin(
    english_series, make_publication, make_staff
):
    """An author may not draft nor publish, a translator may not draft, an editor no series."""
    make_publication(title="s")
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11)
    author, translator = make_staff(roles.AUTHOR), make_staff(roles.TRANSLATOR)
    with pytest.raises(PermissionDenied, match=f"author may not publish bulletin {draft.pk}"):
        services.bulletin_publish(actor=author, bulletin=draft)
    with pytest.raises(PermissionDenied, match="translator may not draft an issue"):
        services.bulletin_draft(actor=translator, series=english_series)
    with pytest.raises(PermissionDenied, match="may not change the series “iran-bulletin”"):
        services.series_create_or_update(
            actor=make_staff(roles.EDITOR), slug="iran-bulletin", title="T", language="en"
        )
    draft.refresh_from_db()
    assert (draft.status, Bulletin.objects.count()) == ("draft", 1)


def test_items_are_set_all_or_nothing(english_series, statement_pair, make_publication):
    """A bad item leaves every item as it was, and the error names the item."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    unpublished = make_publication(title="unpublished", status="draft")
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    (item,) = draft.items.all()
    before = list(draft.items.values_list("pk", "order", "title"))
    bad = [
        ItemSpec(pk=item.pk, publication=item.publication, order=20, title="Changed"),
        ItemSpec(publication=unpublished, order=30),
    ]
    with pytest.raises(ValidationError, match=r"item 2 \(“unpublished”\) carries a publication"):
        services.bulletin_items_set(actor=COMMAND, bulletin=draft, items=bad)
    assert list(draft.items.values_list("pk", "order", "title")) == before
    with pytest.raises(ValidationError, match="item 1 has neither a publication nor a title"):
        services.bulletin_items_set(actor=COMMAND, bulletin=draft, items=[ItemSpec(order=10)])
    services.bulletin_items_set(
        actor=COMMAND,
        bulletin=draft,
        items=[ItemSpec(order=5, title="News", text="Strikes."), bad[0]],
    )
    items = list(draft.items.values_list("pk", "order", "title"))
    assert items[1] == (item.pk, 20, "Changed") and items[0][1:] == (5, "News")


def test_a_published_issue_keeps_its_period_and_is_never_deleted(english_series, make_publication):
    """Moving a published issue to another month, or deleting it, is refused; a draft goes."""
    make_publication(title="s")
    published = services.bulletin_publish(
        actor=COMMAND,
        bulletin=services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11),
    )
    with pytest.raises(StateError, match=r"period of issue 47 .* cannot change"):
        services.bulletin_update(actor=COMMAND, bulletin=published, period_month=12)
    with pytest.raises(StateError, match="is published and stays in the archive"):
        services.bulletin_delete(actor=COMMAND, bulletin=published)
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=12)
    with pytest.raises(ValidationError, match="month 13 does not exist"):
        services.bulletin_update(actor=COMMAND, bulletin=draft, period_month=13)
    services.bulletin_delete(actor=COMMAND, bulletin=draft)
    assert list(Bulletin.objects.values_list("pk", flat=True)) == [published.pk]
