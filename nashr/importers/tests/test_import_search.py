"""An import indexes its publications for search in bulk, at the end of the run: what it
writes is what indexing them one by one writes, and they are found like any other."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nashr.audit.models import AuditEntry
from nashr.importers.models import ImportedItem
from nashr.publications.models import Publication
from nashr.search.models import SearchEntry
from nashr.search.query import parse_query
from nashr.search.selectors import search
from nashr.search.services import search_index_publications
from nashr.testing.wxr import Post, wxr

pytestmark = pytest.mark.django_db

PERSIAN = [("language", "fa", "فارسی")]
ENGLISH = [("language", "en", "English")]


def export(tmp_path: Path, posts: list[Post]) -> Path:
    path = tmp_path / "export.xml"
    path.write_text(wxr(posts), encoding="utf-8")
    return path


def posts() -> list[Post]:
    return [
        Post(
            1,
            "بیانیه درباره کتاب‌های ممنوع",
            "<p>نویسندگان می‌روند و کتاب‌هایشان را با خود می‌برند.</p>",
            categories=PERSIAN,
        ),
        Post(2, "On banned books", "<p>Writers were jailed for books.</p>", categories=ENGLISH),
        Post(3, "پیش‌نویس کتاب", "<p>هنوز منتشر نشده است.</p>", status="draft", categories=PERSIAN),
    ]


def entries() -> list[dict[str, Any]]:
    return [dict(row) for row in SearchEntry.objects.order_by("pk").values()]


def found(text: str) -> set[int]:
    return {hit.publication.pk for hit in search(query=parse_query(text), snippets=False).hits}


def imported(source_id: str) -> Publication:
    return ImportedItem.objects.get(source="wordpress", source_id=source_id).publication


def test_imported_posts_are_found_by_other_spellings(tmp_path: Path, kinds: Any) -> None:
    """A Persian post is found by an Arabic-keyboard spelling and a spaced prefix; not a draft."""
    call_command("import", str(export(tmp_path, posts())), stdout=io.StringIO(), verbosity=0)
    persian, english, draft = imported("1"), imported("2"), imported("3")
    # Arabic kaf and yeh, and «می روند» typed with a space instead of a half-space.
    assert found("كتابهاي") == {persian.pk}
    assert found("مي روند") == {persian.pk}
    assert found("jailing") == {english.pk}
    assert draft.pk not in found("کتاب")


def test_bulk_index_equals_one_by_one(tmp_path: Path, kinds: Any) -> None:
    """The entries an import writes in bulk are those each publication's own indexing writes."""
    call_command("import", str(export(tmp_path, posts())), stdout=io.StringIO(), verbosity=0)
    bulk = entries()
    assert len(bulk) == 2
    SearchEntry.objects.all().delete()
    for publication in Publication.objects.order_by("pk"):
        search_index_publications(ids=[publication.pk])
    assert entries() == bulk


def test_failed_import_indexes_nothing(tmp_path: Path, kinds: Any) -> None:
    """A run that fails leaves no search entry and no audit entry behind."""
    italian = Post(9, "In italiano", "<p>x</p>", meta={"_icl_lang_code": "it"})
    with pytest.raises(CommandError):
        call_command(
            "import", str(export(tmp_path, [*posts(), italian])), stdout=io.StringIO(), verbosity=0
        )
    assert not SearchEntry.objects.exists() and not AuditEntry.objects.exists()


def test_audit_of_a_run(tmp_path: Path, kinds: Any) -> None:
    """Each imported publication has its audit entry, and the run one with its counts;
    a second run that changes nothing records nothing."""
    path = str(export(tmp_path, posts()))
    call_command("import", path, stdout=io.StringIO(), verbosity=0)
    created = AuditEntry.objects.filter(action="publication.create")
    assert sorted(int(e.target_id) for e in created) == sorted(
        Publication.objects.values_list("pk", flat=True)
    )
    run = AuditEntry.objects.get(action="publication.import")
    assert run.actor_name and run.target_label == "wordpress"
    assert run.changes["created"] == 3 and run.changes["languages"] == {"fa": 2, "en": 1}
    call_command("import", path, stdout=io.StringIO(), verbosity=0)
    assert AuditEntry.objects.filter(action="publication.import").count() == 1
