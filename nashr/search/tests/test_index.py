"""The index follows publishing, editing, unpublishing and deleting, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Kind, Publication, Status
from nashr.search.backends import Filters
from nashr.search.models import SearchEntry
from nashr.search.query import parse_query
from nashr.search.selectors import search
from nashr.search.tests.conftest import assert_index_consistent, found_ids

MakePublication = Callable[..., Publication]


def test_drafts_and_reviews_are_never_found(make_publication: MakePublication) -> None:
    """Only published publications are found."""
    make_publication(status=Status.DRAFT, body="سند محرمانه")
    review = make_publication(status=Status.DRAFT, body="سند محرمانه دوم")
    services.publication_submit_for_review(actor=COMMAND, publication=review)
    services.publication_update(actor=COMMAND, publication=review, body="سند محرمانه سوم")
    assert found_ids("محرمانه") == []
    assert not SearchEntry.objects.exists()


def test_created_published_is_found_at_once(make_publication: MakePublication) -> None:
    """A publication the service creates as published is found, with no reindex."""
    publication = make_publication(body="گزارش اعتصاب")
    assert found_ids("اعتصاب") == [publication.pk]
    assert_index_consistent()


def test_publishing_makes_it_found(make_publication: MakePublication) -> None:
    """A draft is found once published."""
    draft = make_publication(status=Status.DRAFT, body="گزارش اعتصاب")
    services.publication_publish(actor=COMMAND, publication=draft)
    assert found_ids("اعتصاب") == [draft.pk]
    assert_index_consistent()


def test_unpublishing_removes_it(make_publication: MakePublication) -> None:
    """An unpublished publication is no longer found."""
    publication = make_publication(body="گزارش اعتصاب")
    services.publication_unpublish(actor=COMMAND, publication=publication)
    assert found_ids("اعتصاب") == []
    assert_index_consistent()


def test_editing_replaces_the_words(make_publication: MakePublication) -> None:
    """After an edit the old words no longer find it and the new ones do."""
    publication = make_publication(title="عنوان قدیم", body="متن قدیمی")
    services.publication_update(
        actor=COMMAND, publication=publication, title="عنوان تازه", body="متن جدید"
    )
    assert found_ids("قدیمی") == []
    assert found_ids("قدیم") == []
    assert found_ids("جدید تازه") == [publication.pk]
    assert_index_consistent()


def test_editing_an_unpublished_one_keeps_it_out(make_publication: MakePublication) -> None:
    """Editing a publication after unpublishing it does not bring it back."""
    publication = make_publication(body="گزارش اعتصاب")
    services.publication_unpublish(actor=COMMAND, publication=publication)
    services.publication_update(actor=COMMAND, publication=publication, body="گزارش اعتصاب تازه")
    assert found_ids("اعتصاب") == []


def test_editing_date_and_kind_moves_it_in_filters(
    make_publication: MakePublication, kinds: dict[str, Kind]
) -> None:
    """Filters see a publication's new kind and date after an edit."""
    import datetime as dt

    publication = make_publication(body="گزارش اعتصاب")
    services.publication_update(
        actor=COMMAND, publication=publication, kind=kinds["report"], date=dt.date(2020, 1, 1)
    )
    assert found_ids("اعتصاب", kind_id=kinds["statement"].pk) == []
    assert found_ids("اعتصاب", kind_id=kinds["report"].pk) == [publication.pk]
    assert found_ids("اعتصاب", date_to=dt.date(2020, 1, 1)) == [publication.pk]
    assert found_ids("اعتصاب", date_from=dt.date(2020, 1, 2)) == []


def test_date_ranges_of_whole_months_and_of_days(make_publication: MakePublication) -> None:
    """A range of whole months (found by the index's month, year and decade terms alone)
    and a range of days (checked on each entry) each find what lies inside, edges too."""
    import datetime as dt

    first = make_publication(body="گزارش اعتصاب", date=dt.date(2019, 12, 1))
    last = make_publication(body="گزارش اعتصاب", date=dt.date(2021, 2, 28))
    between = make_publication(body="گزارش اعتصاب", date=dt.date(2020, 7, 15))
    make_publication(body="گزارش اعتصاب", date=dt.date(2019, 11, 30))
    make_publication(body="گزارش اعتصاب", date=dt.date(2021, 3, 1))
    whole = {"date_from": dt.date(2019, 12, 1), "date_to": dt.date(2021, 2, 28)}
    assert sorted(found_ids("اعتصاب", **whole)) == sorted([first.pk, last.pk, between.pk])
    assert found_ids("اعتصاب", date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 12, 31)) == [
        between.pk
    ]
    days = {"date_from": dt.date(2019, 12, 2), "date_to": dt.date(2021, 2, 27)}
    assert found_ids("اعتصاب", **days) == [between.pk]
    assert sorted(found_ids("اعتصاب", date_to=dt.date(2019, 12, 31))) == sorted(
        [first.pk, *found_ids("اعتصاب", date_to=dt.date(2019, 11, 30))]
    )
    assert len(found_ids("اعتصاب", date_from=dt.date(2021, 3, 1))) == 1


def test_deleting_removes_it(make_publication: MakePublication) -> None:
    """A deleted publication leaves the index with it."""
    publication = make_publication(body="گزارش اعتصاب")
    publication.delete()
    assert found_ids("اعتصاب") == []
    assert not SearchEntry.objects.exists()
    assert_index_consistent()


def test_deleting_through_the_service_removes_it(make_publication: MakePublication) -> None:
    """`publication_delete` takes the publication out of the index."""
    publication = make_publication(body="گزارش اعتصاب")
    services.publication_delete(actor=COMMAND, publication=publication)
    assert found_ids("اعتصاب") == []
    assert_index_consistent()


def test_failed_transaction_leaves_index_unchanged(make_publication: MakePublication) -> None:
    """If the publishing transaction fails, the index is as it was before."""
    draft = make_publication(status=Status.DRAFT, body="گزارش اعتصاب")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publication_publish(actor=COMMAND, publication=draft)
        assert found_ids("اعتصاب") == [draft.pk]
        raise RuntimeError("the rest of the request failed")
    assert found_ids("اعتصاب") == []
    assert_index_consistent()


def test_language_filter(make_publication: MakePublication) -> None:
    """The language filter keeps results in one language; without it, all languages."""
    persian = make_publication(body="Amnesty International گزارش داد")
    english = make_publication(language="en", title="Amnesty report", body="Amnesty said.")
    assert sorted(found_ids("amnesty")) == sorted([persian.pk, english.pk])
    assert found_ids("amnesty", language="en") == [english.pk]
    assert found_ids("amnesty", language="fa") == [persian.pk]


def test_ranking_is_bounded_to_newest_candidates(make_publication: MakePublication) -> None:
    """With more matches than candidates, only the newest are shown, and it says so."""
    publications = [make_publication(title="خبر", body=f"اعتصاب شماره {n}") for n in range(5)]
    results = search(query=parse_query("اعتصاب"), filters=Filters(), candidates=3)
    assert results.capped and results.total == 3
    assert [hit.publication.pk for hit in results.hits] == [p.pk for p in publications[:1:-1]]
    exact = search(query=parse_query("اعتصاب"), filters=Filters(), candidates=10)
    assert not exact.capped and exact.total == 5


def test_many_matches_show_title_matches_first(make_publication: MakePublication) -> None:
    """Among many matches, those with every word in the title come first, even older ones."""
    in_title = make_publication(title="اعتصاب کارگران", body="متن")
    newer = [make_publication(title="خبر", body=f"اعتصاب شماره {n}") for n in range(3)]
    make_publication(title="اعتصاب کارگران نفت", body="متن", status=Status.DRAFT)
    results = search(query=parse_query("اعتصاب"), filters=Filters(), candidates=3)
    assert results.capped  # 4 matches, 3 candidates: the oldest is in the title, so shown
    assert [hit.publication.pk for hit in results.hits] == [in_title.pk, newer[2].pk, newer[1].pk]
    services.publication_update(actor=COMMAND, publication=newer[0], title="اعتصاب در پالایشگاه")
    results = search(query=parse_query("اعتصاب"), filters=Filters(), candidates=3)
    assert [hit.publication.pk for hit in results.hits] == [
        newer[0].pk, in_title.pk, newer[2].pk,
    ]  # fmt: skip


def test_pages_past_the_end_give_the_last(make_publication: MakePublication) -> None:
    """Asking for page 9 of 2 gives page 2."""
    for n in range(5):
        make_publication(body=f"اعتصاب شماره {n}")
    results = search(query=parse_query("اعتصاب"), page=9, page_size=3)
    assert results.page == 2 and len(results.hits) == 2


def test_reindex_rebuilds_from_published(make_publication: MakePublication) -> None:
    """`nashr search reindex` restores a lost index and leaves out unpublished ones."""
    published = make_publication(body="گزارش اعتصاب")
    make_publication(status=Status.DRAFT, body="گزارش اعتصاب پیش‌نویس")
    SearchEntry.objects.all().delete()
    assert found_ids("اعتصاب") == []
    call_command("search", "reindex", verbosity=0)
    assert found_ids("اعتصاب") == [published.pk]
    assert_index_consistent()
    services.publication_update(actor=COMMAND, publication=published, body="گزارش اعتراض")
    assert found_ids("اعتراض") == [published.pk]  # triggers are back after the reindex
    assert_index_consistent()
