"""The importer saves as its actor: what the actor's role refuses is a problem of that file."""

from __future__ import annotations

import pytest

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ImportFailed
from nashr.importers.entries import Defaults
from nashr.importers.run import publications_import
from nashr.importers.tests.test_import import STATEMENT_EN, STATEMENT_FA, write
from nashr.publications.models import Publication, Signatory, Status

DRAFT_FA = STATEMENT_FA.replace("legacy_path: /node/10158", "status: draft").replace(
    "prisoners-2024", "draft-2024"
)


def test_author_importing_a_published_file_is_refused_for_that_file(
    tmp_path, make_staff, signatory
) -> None:
    """An author's published file is reported as a refusal, and the author's draft is not saved."""
    write(tmp_path, "published.md", STATEMENT_FA)
    write(tmp_path, "draft.md", DRAFT_FA)
    with pytest.raises(ImportFailed, match="1 problem"):
        publications_import(actor=make_staff("author"), paths=[tmp_path])
    assert not Publication.objects.exists()


def test_refusal_names_file_actor_and_action(tmp_path, make_staff, signatory) -> None:
    """The refusal reads as “file: who may not do what (what to do)”."""
    published = write(tmp_path, "published.md", STATEMENT_FA)
    with pytest.raises(ImportFailed) as failed:
        publications_import(actor=make_staff("author"), paths=[published])
    [problem] = failed.value.problems
    assert str(problem).startswith(f"{published}: author may not publish or unpublish (ask ")


def test_author_imports_drafts(tmp_path, make_staff, signatory) -> None:
    """What the role allows is imported: an author's draft is saved, recorded as theirs."""
    author = make_staff("author")
    publications_import(actor=author, paths=[write(tmp_path, "draft.md", DRAFT_FA)])
    publication = Publication.objects.get()
    assert publication.status == Status.DRAFT and publication.created_by == author


def test_translator_adds_translations_but_no_originals(tmp_path, make_staff, signatory) -> None:
    """A translator's original is refused; a translation of one in the database is imported."""
    translator = make_staff("translator")
    with pytest.raises(ImportFailed) as failed:
        publications_import(actor=translator, paths=[write(tmp_path / "a", "fa.md", DRAFT_FA)])
    assert "translator may not add a publication" in str(failed.value.problems[0])
    publications_import(actor=COMMAND, paths=[write(tmp_path / "b", "fa.md", STATEMENT_FA)])
    english = write(tmp_path / "c", "en.md", STATEMENT_EN)
    publications_import(actor=translator, paths=[english], defaults=Defaults(status=Status.DRAFT))
    translation = Publication.objects.get(language="en")
    assert translation.translation_of == Publication.objects.get(language="fa", status="published")
    assert translation.created_by == translator


def test_new_signatory_needs_the_role_to_add_one(tmp_path, make_staff, kinds) -> None:
    """--create-signatories with an author, who may not add signatories, is refused per file."""
    text = DRAFT_FA.replace("executive-committee", "شورای هماهنگی")
    path = write(tmp_path, "a.md", text)
    with pytest.raises(ImportFailed) as failed:
        publications_import(actor=make_staff("author"), paths=[path], create_signatories=True)
    [problem] = failed.value.problems
    assert str(problem).startswith(f"{path}: author may not add a signatory")
    assert not Signatory.objects.exists()
